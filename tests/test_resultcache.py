"""The result cache: a repeated question is answered from memory, with the same bytes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph.querying.executor import QueryRequest, QueryResponse
from govgraph.querying.resultcache import ResultCache
from govgraph.rdf.store import OxigraphStore

JSON = ox.QueryResultsFormat.JSON
FORUM = "forum/gruppo-tecnico-ctssm-bologna"


def request(sparql: str = "ASK {}", **options: object) -> QueryRequest:
    return QueryRequest(sparql, JSON, None, **options)  # type: ignore[arg-type]


def response(size: int) -> QueryResponse:
    return QueryResponse("select", JSON.media_type, b"x" * size, 1, False)


def test_hit_returns_the_kept_answer_marked_cached() -> None:
    cache = ResultCache(max_bytes=10_000)
    assert cache.get(request()) is None
    cache.put(request(), response(10))
    hit = cache.get(request())
    assert hit is not None and hit.cached and hit.body == b"x" * 10
    assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize("other", [
    request("ASK { ?s ?p ?o }"),
    request(substitutions={"forum": ox.NamedNode("https://w3id.org/govgraph/id/" + FORUM)}),
    request(max_rows=5),
    request(default_graphs=("https://w3id.org/govgraph/graph/sources",)),
    QueryRequest("ASK {}", ox.QueryResultsFormat.CSV, None),
])
def test_any_difference_in_the_request_is_another_entry(other: QueryRequest) -> None:
    cache = ResultCache(max_bytes=10_000)
    cache.put(request(), response(10))
    assert cache.get(other) is None


def test_least_recently_used_go_first_and_big_answers_are_not_kept() -> None:
    cache = ResultCache(max_bytes=100, max_entry=60)
    a, b, c = request("ASK {}"), request("ASK {{}}"), request("ASK {{{}}}")
    cache.put(a, response(30))
    cache.put(b, response(30))
    assert cache.get(a) is not None  # a is now the most recently used
    cache.put(c, response(30))  # over 100 bytes: b goes
    assert cache.get(b) is None and cache.get(a) is not None and cache.get(c) is not None
    assert cache.size <= 100
    cache.put(request("ASK {} # big"), response(70))  # over max_entry: not kept
    assert cache.get(request("ASK {} # big")) is None


def test_live_named_query_and_sparql_are_answered_from_the_cache(
        make_server: Callable[..., LiveServer], shipped_store: OxigraphStore) -> None:
    server = make_server(shipped_store)
    with httpx.Client(base_url=server.url) as client:
        for path, params in (("/api/queries/representations", {"forum": FORUM}),
                             ("/sparql", {"query": "SELECT ?s WHERE { ?s a gg:Forum }"})):
            first = client.get(path, params=params)
            second = client.get(path, params=params)
            assert first.status_code == second.status_code == 200
            assert first.headers["x-govgraph-cache"] == "miss"
            assert second.headers["x-govgraph-cache"] == "hit"
            assert first.content == second.content
            assert first.headers["x-govgraph-rows"] == second.headers["x-govgraph-rows"] != "0"
        other = client.get("/api/queries/representations",
                           params={"agent": "person/danila-valenti"})
        assert other.headers["x-govgraph-cache"] == "miss"


def test_live_cache_can_be_switched_off(make_server: Callable[..., LiveServer],
                                        shipped_store: OxigraphStore) -> None:
    server = make_server(shipped_store, cache_mb=0)
    with httpx.Client(base_url=server.url) as client:
        for _ in range(2):
            answer = client.get("/api/queries/representations", params={"forum": FORUM})
            assert answer.headers["x-govgraph-cache"] == "miss"
