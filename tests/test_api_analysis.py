"""``/api/network`` and ``/api/diff`` against the live server: the bytes of the library functions
``govgraph network`` and ``govgraph diff`` call, read back with networkx; formats by ``format=``
and ``Accept``; errors as at the other ``/api`` routes; listed in the OpenAPI schema."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import networkx as nx
import pytest

from conftest import LiveServer
from govgraph import formats
from govgraph.analysis import diff, network
from govgraph.rdf.store import Store
from test_network import read_back

WINDOW = {"forum": "forum/ctssm-bologna", "include_subforums": "true", "from": "2022-01-01",
          "to": "2022-12-31"}


@pytest.fixture(scope="module")
def actors(shipped_store: Store) -> dict[str, dict[str, str]]:
    """The node attributes, computed once (most of a network's cost)."""
    return network.node_attributes(shipped_store)


def _get(server: LiveServer, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", timeout=120, **kwargs)  # type: ignore[arg-type]


def _same_graph(served: nx.Graph, built: nx.Graph) -> None:
    assert set(served.nodes) == set(built.nodes)
    assert served.number_of_edges() == built.number_of_edges()
    for node, attrs in built.nodes(data=True):
        assert served.nodes[node]["label"] == attrs["label"]
        assert served.nodes[node]["kind"] == attrs["kind"]


@pytest.mark.parametrize("fmt", sorted(network.FORMATS))
def test_network_formats_read_back(live_server: LiveServer, shipped_store: Store,
                                   actors: dict[str, dict[str, str]], fmt: str) -> None:
    answer = _get(live_server, "/api/network", params={"kind": "bodies-forums", "format": fmt})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == network.FORMATS[fmt].media_type
    _same_graph(read_back(answer.content, fmt), network.build(shipped_store, "bodies-forums",
                                                                  actors=actors))


@pytest.mark.parametrize("kind", network.KINDS)
def test_every_kind_is_the_library_s_network(live_server: LiveServer, shipped_store: Store,
                                              actors: dict[str, dict[str, str]],
                                              kind: str) -> None:
    params = {"kind": kind, "as_of": "2022-06-30"}
    answer = _get(live_server, "/api/network", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")  # the default
    built = network.build(shipped_store, kind, network.Scope(as_of="2022-06-30"), actors)
    _same_graph(nx.node_link_graph(answer.json(), edges="edges"), built)


@pytest.mark.parametrize("output", formats.outputs("network"), ids=lambda o: o.name)
def test_network_accept_picks_the_format(live_server: LiveServer, output: formats.Output
                                         ) -> None:
    answer = _get(live_server, "/api/network", headers={"Accept": output.media_type})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == output.media_type
    assert read_back(answer.content, output.name).number_of_nodes() > 0


def test_network_etag_gives_304(live_server: LiveServer) -> None:
    first = _get(live_server, "/api/network", params={"format": "gexf"})
    again = _get(live_server, "/api/network", params={"format": "gexf"},
                 headers={"If-None-Match": first.headers["etag"]})
    assert first.status_code == 200 and again.status_code == 304


@pytest.mark.parametrize(("path", "params", "parameter"), [
    ("/api/network", {"kind": "everything"}, "kind"),
    ("/api/network", {"as_of": "yesterday"}, "as_of"),
    ("/api/network", {"region": "body/comune-bologna"}, "region"),
    ("/api/network", {"colour": "red"}, "colour"),
    ("/api/network", {"format": "pdf"}, "format"),
    ("/api/diff", {"from": "2022-01-01"}, "to"),
    ("/api/diff", {"from": "2022-12-31", "to": "2022-01-01"}, "to"),
    ("/api/diff", {**WINDOW, "include_subforums": "perhaps"}, "include_subforums"),
    ("/api/diff", {**WINDOW, "format": "graphml"}, "format"),
])
def test_bad_parameter_is_422_naming_it(live_server: LiveServer, path: str,
                                        params: dict[str, str], parameter: str) -> None:
    answer = _get(live_server, path, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["parameter"] == parameter


@pytest.mark.parametrize("path", ["/api/network", "/api/diff?from=2022-01-01&to=2022-02-01"])
def test_no_acceptable_format_is_406(live_server: LiveServer, path: str) -> None:
    answer = _get(live_server, path, headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert "detail" in answer.json()


def test_diff_is_the_library_s_diff(live_server: LiveServer, shipped_store: Store) -> None:
    answer = _get(live_server, "/api/diff", params=WINDOW)
    assert answer.status_code == 200, answer.text
    window = diff.Window(WINDOW["from"], WINDOW["to"], WINDOW["forum"], True)
    expected = diff.diff(shipped_store, window)
    assert answer.json() == json.loads(diff.write(expected, "json"))
    csv = _get(live_server, "/api/diff", params=WINDOW, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content == diff.write(expected, "csv")


def test_openapi_lists_the_routes(live_server: LiveServer) -> None:
    spec = _get(live_server, "/openapi.json").json()
    for path, names in (("/api/network", {"kind", "as_of", "region", "forum_kind", "format"}),
                        ("/api/diff", {"forum", "from", "to", "include_subforums", "format"})):
        operation = spec["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} == names
        for example in operation["x-govgraph-examples"]:
            assert _get(live_server, example).status_code == 200


@pytest.mark.parametrize("path", ["/api/network?kind=bodies",
                                  "/api/diff?forum=forum/ctssm-bologna&from=2020-01-01&to=2023-01-01"])
def test_the_time_limit_bounds_the_answer(make_server: Callable[..., LiveServer],
                                          shipped_store: Store, path: str) -> None:
    """Past the service's time limit: 503 with Retry-After, as for a query, and the work is
    stopped: the worker process that ran it is gone."""
    server = make_server(shipped_store, timeout=0.001)
    executor = server.app.state.executor
    before = set(executor.worker_pids())
    answer = httpx.get(server.url + path, timeout=60)
    assert answer.status_code == 503, answer.text
    assert "Retry-After" in answer.headers and "longer than" in answer.text
    assert before - set(executor.worker_pids()), "a worker was stopped"
