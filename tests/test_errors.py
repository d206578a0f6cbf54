"""One error map and one ETag helper for every router: the same failure gets the same status
and headers at /sparql, /api and the pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import httpx
import pytest
from starlette.requests import Request

from conftest import LiveServer
from govgraph.querying.binding import Term
from govgraph.querying.jobs import NotAcceptable, Overloaded, QueryTimeout, WorkerCrashed
from govgraph.rdf.remote import RemoteError, RemoteTimeout
from govgraph.rdf.store import QueryResult, Store
from govgraph.web import errors, etags

#: exception -> (status, asks the client to retry later)
FAILURES: list[tuple[Exception, int, bool]] = [
    (Overloaded("too many queries"), 503, True),
    (QueryTimeout("the query ran longer than 1 s"), 503, True),
    (WorkerCrashed("pid 1 died"), 503, True),
    (RemoteTimeout("slow"), 504, False),
    (RemoteError("down"), 502, False),
    (NotAcceptable("tabular"), 406, False),
    (NotAcceptable("graph"), 406, False),
    (errors.ProtocolError(413, "too large"), 413, False),
]


@pytest.mark.parametrize(("exc", "status", "retry"), FAILURES, ids=lambda x: repr(x)[:30])
def test_error_map(exc: Exception, status: int, retry: bool) -> None:
    answer = errors.failure(exc)
    assert answer is not None and answer.status == status
    assert ("Retry-After" in answer.headers) == retry
    assert answer.message.endswith("\n") and answer.message.strip()
    assert isinstance(exc, errors.HANDLED)


def test_bugs_are_not_mapped() -> None:
    assert errors.failure(KeyError("x")) is None


def _request(if_none_match: str | None) -> Request:
    headers = [] if if_none_match is None else [(b"if-none-match", if_none_match.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


TAG = etags.make("v1", "q")
#: If-None-Match header -> fresh (weak comparison, lists, ``*``)
CONDITIONS: list[tuple[str | None, bool]] = [
    (None, False), ("", False), (TAG, True), (TAG.removeprefix("W/"), True),
    (f'"x", {TAG}', True), (f'W/"x",{TAG} ', True), ("*", True), ('"x"', False),
    (TAG[:-2] + '"', False), (f'"{TAG}"', False),
]


@pytest.mark.parametrize(("header", "fresh"), CONDITIONS)
def test_if_none_match(header: str | None, fresh: bool) -> None:
    assert etags.fresh(_request(header), TAG) is fresh


def test_tags_are_weak_and_follow_their_parts() -> None:
    assert TAG.startswith('W/"') and TAG == etags.make("v1", "q") != etags.make("v2", "q")


class _Failing:
    """A store whose every query raises ``exc`` (threads executor: the exception as raised)."""

    local = False

    def __init__(self, inner: Store, exc: Exception) -> None:
        self.inner, self.exc = inner, exc

    @property
    def version(self) -> str:
        return "failing"

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        raise self.exc

    def graphs(self) -> list[str]:
        return self.inner.graphs()

    def __len__(self) -> int:
        return len(self.inner)


@pytest.mark.parametrize("exc", [WorkerCrashed("pid 1 died"), Overloaded("busy"),
                                 RemoteError("down"), RemoteTimeout("slow")],
                         ids=lambda e: type(e).__name__)
def test_every_router_answers_a_failure_alike(make_server: Callable[..., LiveServer],
                                              shipped_store: Store, exc: Exception) -> None:
    expected = errors.failure(exc)
    assert expected is not None
    server = make_server(_Failing(shipped_store, exc))
    sparql = httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=30)
    api = httpx.get(f"{server.url}/api/queries/forum-tree", timeout=30)
    for answer in (sparql, api):
        assert answer.status_code == expected.status
        assert answer.headers.get("retry-after") == expected.headers.get("Retry-After")
        assert answer.headers.get("cache-control") == "no-store"
    assert sparql.text == expected.message
    assert api.json()["detail"] == expected.message.rstrip("\n")
