"""The named-query API against a real server: same rows as the CLI, errors, formats, OpenAPI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph.querying import queries
from govgraph.rdf.store import QueryResult, Store, Term
from govgraph.web.api import example_values

LIBRARY = queries.library()
EXAMPLES = [(name, values) for name, q in LIBRARY.items()
            for values in (example_values(q) or [{}])]


def _cli_json(name: str, values: Mapping[str, str]) -> dict[str, Any]:
    args = [f"--param={k}={v}" for k, v in values.items()]
    done = subprocess.run([sys.executable, "-m", "govgraph", "query", name, *args,
                           "--format", "json", "--no-registry"],  # the live_server's data
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return dict(json.loads(done.stdout))


def _canonical(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [json.dumps(r, sort_keys=True) for r in rows]


def test_library_lists_every_query_with_its_header(live_server: LiveServer) -> None:
    body = httpx.get(f"{live_server.url}/api/queries").json()
    listed = {q["name"]: q for q in body["queries"]}
    assert set(listed) == set(LIBRARY)
    for name, query in LIBRARY.items():
        entry = listed[name]
        assert entry["title"] == query.title and entry["description"] == query.description
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in query.params]
        assert {"name", "type", "required", "default", "description"} <= set(
            entry["parameters"][0] if entry["parameters"] else {"name", "type", "required",
                                                                  "default", "description"})
        assert entry["examples"] == list(query.examples)
        assert entry["links"]["sparql"] == f"/api/queries/{name}.rq"


@pytest.mark.parametrize(("name", "values"), EXAMPLES,
                         ids=[f"{n}-{i}" for i, (n, _v) in enumerate(EXAMPLES)])
def test_same_rows_as_the_cli(live_server: LiveServer, name: str,
                              values: dict[str, str]) -> None:
    answer = httpx.get(f"{live_server.url}/api/queries/{name}", params=values, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    api, cli = answer.json(), _cli_json(name, values)
    assert api["head"]["vars"] == cli["head"]["vars"]
    assert _canonical(api["results"]["bindings"]) == _canonical(cli["results"]["bindings"])
    assert answer.headers["x-govgraph-rows"] == str(len(cli["results"]["bindings"]))


def test_representations_route_is_the_named_query(live_server: LiveServer) -> None:
    params = {"forum": "forum/gruppo-tecnico-ctssm-bologna"}
    short = httpx.get(f"{live_server.url}/api/representations", params=params)
    named = httpx.get(f"{live_server.url}/api/queries/representations", params=params)
    full = httpx.get(f"{live_server.url}/api/representations", params={
        "forum": "https://w3id.org/govgraph/id/forum/gruppo-tecnico-ctssm-bologna"})
    assert short.status_code == named.status_code == full.status_code == 200
    assert short.json() == named.json() == full.json()
    assert short.json()["results"]["bindings"], "the shipped data has seats in this forum"


@pytest.mark.parametrize(("params", "parameter"), [
    ({"as_of": "2022-13-45"}, "as_of"),
    ({"as_of": "yesterday"}, "as_of"),
    ({"include_memberships": "perhaps"}, "include_memberships"),
    ({"no_such_parameter": "x"}, "no_such_parameter"),
    ({"forum": "forum/x> } UNION { ?s ?p ?o"}, "forum"),
    ({"format": "pdf"}, "format"),
])
def test_parameter_errors_are_422_naming_the_parameter(
        live_server: LiveServer, params: dict[str, str], parameter: str) -> None:
    answer = httpx.get(f"{live_server.url}/api/queries/representations", params=params)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["parameter"] == parameter
    assert parameter in body["detail"][0]["msg"] and body["detail"][0]["loc"] == [
        "query", parameter]


def test_a_required_parameter_that_is_missing_is_named() -> None:
    required = [(q, p) for q in LIBRARY.values() for p in q.params if p.required]
    if not required:
        pytest.skip("no named query has a required parameter")
    query, param = required[0]
    with pytest.raises(queries.QueryError) as caught:
        query.bindings({})
    assert caught.value.param == param.name


def test_injection_attempts_bind_one_term_and_match_nothing(live_server: LiveServer) -> None:
    # a valid IRI made of SPARQL-looking characters: bound as one IRI, matches no seat
    for forum in ("forum/x'OR'1'='1", "forum/gruppo-tecnico-ctssm-bologna'),(true"):
        answer = httpx.get(f"{live_server.url}/api/representations", params={"forum": forum})
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"] == []
    texts = [(q, p.name) for q in LIBRARY.values() for p in q.params if p.type == "string"]
    for query, param in texts:
        given = next(iter(example_values(query)), {})  # the example's required parameters
        for attack in ('" ) } UNION { ?s ?p ?o } #', "') || true || ('"):
            answer = httpx.get(f"{live_server.url}/api/queries/{query.name}",
                               params={**given, param: attack})
            assert answer.status_code == 200, answer.text
            assert answer.json()["results"]["bindings"] == [], (query.name, param, attack)


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("application/json", None, "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", None, "application/sparql-results+json"),
    ("text/csv", "tsv", "text/tab-separated-values"),
    (None, "xml", "application/sparql-results+xml"),
])
def test_formats(live_server: LiveServer, accept: str | None, fmt: str | None,
                 media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"forum": "forum/gruppo-tecnico-ctssm-bologna", **({"format": fmt} if fmt else {})}
    answer = httpx.get(f"{live_server.url}/api/representations", params=params, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    if media == "text/csv":  # lossy: pyoxigraph does not parse it back
        assert answer.text.startswith("seat,") and len(answer.text.splitlines()) > 1
        return
    parsed = ox.parse_query_results(answer.content,
                                    format=ox.QueryResultsFormat.from_media_type(media))
    assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) > 0


def test_errors_404_406(live_server: LiveServer) -> None:
    missing = httpx.get(f"{live_server.url}/api/queries/no-such-query")
    assert missing.status_code == 404 and "representations" in missing.json()["queries"]
    assert httpx.get(f"{live_server.url}/api/queries/no-such-query.rq").status_code == 404
    refused = httpx.get(f"{live_server.url}/api/representations",
                        headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/csv" in refused.json()["detail"]


def test_etag_gives_304(live_server: LiveServer) -> None:
    url = f"{live_server.url}/api/representations?agent=person/danila-valenti"
    first = httpx.get(url)
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    other = httpx.get(url, headers={"Accept": "text/csv"})
    assert other.headers["etag"] != first.headers["etag"]


def test_query_text_is_standalone_sparql(live_server: LiveServer) -> None:
    for name, query in LIBRARY.items():
        answer = httpx.get(f"{live_server.url}/api/queries/{name}.rq")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(
            "text/plain")
        assert query.sparql.splitlines()[0] in answer.text
        # parses without govgraph's predefined prefixes, as on any other endpoint
        ox.Store().query(answer.text)
    typed = httpx.get(f"{live_server.url}/api/queries/representations.rq",
                      headers={"Accept": "application/sparql-query"})
    assert typed.headers["content-type"].startswith("application/sparql-query")


def test_openapi_documents_every_query_and_its_examples_work(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] and spec["info"]["version"]
    assert httpx.get(f"{live_server.url}/docs").status_code == 200
    for path, item in spec["paths"].items():
        assert path.startswith("/")
        for method, op in item.items():
            assert method in ("get", "post", "put", "delete", "patch", "head", "options")
            assert op["responses"] and all(str(code).isdigit() or code == "default"
                                           for code in op["responses"])
            for param in op.get("parameters", []):
                assert {"name", "in", "schema"} <= set(param) and param["in"] in (
                    "query", "path", "header", "cookie")
    documented = {op["x-govgraph-query"]: (path, op) for path, item in spec["paths"].items()
                  for op in item.values() if "x-govgraph-query" in op}
    assert set(documented) == set(LIBRARY)
    assert "/api/representations" in spec["paths"]
    examples = 0
    for path, item in spec["paths"].items():
        for op in item.values():
            for url in op.get("x-govgraph-examples", []):
                answer = httpx.get(live_server.url + url, timeout=60)
                assert answer.status_code == 200, (url, answer.text)
                examples += 1
            required = {p["name"]: p["example"] for p in op.get("parameters", [])
                        if p["required"] and "example" in p}
            for param in op.get("parameters", []):
                if "example" in param:
                    answer = httpx.get(live_server.url + path, timeout=60,
                                       params={**required, param["name"]: param["example"]})
                    assert answer.status_code == 200, (path, param, answer.text)
                    assert param["description"], param
    assert examples >= len(LIBRARY)


class _SlowStore:
    """A store whose queries take ``delay`` seconds (threads executor: no process to kill)."""

    local = False

    def __init__(self, inner: Store, delay: float) -> None:
        self.inner, self.delay = inner, delay

    @property
    def version(self) -> str:
        return "slow"

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        time.sleep(self.delay)
        return self.inner.query(sparql, substitutions=substitutions,
                                default_graphs=default_graphs, named_graphs=named_graphs)

    def graphs(self) -> list[str]:
        return self.inner.graphs()

    def __len__(self) -> int:
        return len(self.inner)


def test_time_limit_is_503(make_server: Callable[..., LiveServer], shipped_store: Store) -> None:
    server = make_server(_SlowStore(shipped_store, 3.0), timeout=0.5)
    answer = httpx.get(f"{server.url}/api/representations", timeout=30)
    assert answer.status_code == 503 and "0.5" in answer.json()["detail"]
