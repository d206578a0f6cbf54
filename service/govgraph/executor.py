"""Running SPARQL queries for the service, off the event loop, with limits.

The HTTP layer negotiates the response format *before* running a query (one choice for
SELECT/ASK results, one for graph results) and hands a :class:`QueryRequest` to an executor; the
executor runs the query, serializes at most ``max_rows`` rows in the chosen format and returns a
:class:`QueryResponse` (bytes), or raises :class:`QueryTimeout`, ``SyntaxError`` or
:class:`NotAcceptable`. Only bytes leave the executor, so a result is complete before the HTTP
status is sent: a client never gets a 200 with a truncated body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox

from govgraph.namespaces import PREFIXES
from govgraph.store import QueryResult, Store, Term
from govgraph.tabular import write_solutions


class QueryTimeout(Exception):
    """The query ran longer than the time limit and was stopped."""


class NotAcceptable(Exception):
    """The result's kind (``tabular`` or ``graph``) has no format the client accepts."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(kind)


@dataclass(frozen=True)
class QueryRequest:
    sparql: str
    #: Media type for SELECT/ASK results, or None when the client accepts none.
    tabular: ox.QueryResultsFormat | None
    #: RDF format for CONSTRUCT/DESCRIBE results, or None when the client accepts none.
    graph: ox.RdfFormat | None
    substitutions: Mapping[str, Term] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10_000


@dataclass(frozen=True)
class QueryResponse:
    kind: str  # "select", "ask" or "graph"
    media_type: str
    body: bytes
    rows: int
    truncated: bool


def execute(store: Store, request: QueryRequest) -> QueryResponse:
    """Run one query synchronously and serialize its (capped) result."""
    result: QueryResult = store.query(
        request.sparql, substitutions=request.substitutions,
        default_graphs=request.default_graphs, named_graphs=request.named_graphs,
    )
    if isinstance(result, ox.QueryTriples):
        if request.graph is None:
            raise NotAcceptable("graph")
        triples = []
        for triple in result:
            if len(triples) == request.max_rows:
                return _graph(triples, request.graph, truncated=True)
            triples.append(triple)
        return _graph(triples, request.graph, truncated=False)
    if request.tabular is None:
        raise NotAcceptable("tabular")
    if isinstance(result, ox.QueryBoolean):
        body = bytes(result.serialize(format=request.tabular) or b"")
        return QueryResponse("ask", request.tabular.media_type, body, 1, False)
    body, rows, truncated = write_solutions(result, request.tabular, max_rows=request.max_rows)
    return QueryResponse("select", request.tabular.media_type, body, rows, truncated)


def _graph(triples: list[ox.Triple], fmt: ox.RdfFormat, *, truncated: bool) -> QueryResponse:
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    body = bytes(ox.serialize(triples, format=fmt, prefixes=prefixes) or b"")
    return QueryResponse("graph", fmt.media_type, body, len(triples), truncated)


class ThreadExecutor:
    """Runs queries in a thread pool; a query over its time limit gets :class:`QueryTimeout`."""

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0) -> None:
        self.store = store
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govgraph-query")

    async def run(self, request: QueryRequest) -> QueryResponse:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, execute, self.store, request)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError as exc:
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s") from exc

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
