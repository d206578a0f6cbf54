"""What a query job is: its request, its response, the errors it may end in, and running it.

:func:`execute` runs one :class:`QueryRequest` on a store and serializes the (capped) result; the
executor (:mod:`govgraph.querying.executor`) calls it in a worker process
(:mod:`govgraph.querying.pool`) or a thread. A :class:`CallRequest` is the other kind of job: a
Python function of the store (a network, a diff: several named queries and the work on their
rows), run the same way by :func:`run_job`, so that the time limit stops it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govgraph import formats
from govgraph.querying.binding import Term
from govgraph.querying.tabular import write_solutions
from govgraph.rdf.store import QueryResult, Store


class QueryTimeout(Exception):
    """The query ran longer than the time limit and was stopped."""


class Overloaded(QueryTimeout):
    """No worker is free and the queue is full (or stayed full): try again later (HTTP 503)."""


class WorkerCrashed(Exception):
    """The process running the query died (crash, out of memory); it has been replaced."""


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
    #: Answered from the :class:`~govgraph.querying.resultcache.ResultCache`, not run again.
    cached: bool = False


@dataclass(frozen=True)
class CallRequest:
    """``function(store, *args)`` as a job. The function is module-level and the arguments and
    its value picklable: they cross to a worker process and back."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


#: What the executor runs.
Job = QueryRequest | CallRequest


def run_job(store: Store, job: Job) -> Any:
    """A query's :class:`QueryResponse`, or a call's value."""
    if isinstance(job, CallRequest):
        return job.function(store, *job.args)
    return execute(store, job)


def execute(store: Store, request: QueryRequest) -> QueryResponse:
    """Run one query synchronously and serialize its (capped) result."""
    result: QueryResult = store.query(
        request.sparql, substitutions=request.substitutions,
        default_graphs=request.default_graphs, named_graphs=request.named_graphs,
    )
    if isinstance(result, ox.QueryTriples):
        if request.graph is None:
            raise NotAcceptable("graph")
        triples: list[ox.Triple] = []
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
    body = formats.serialize(triples, formats.of_engine(fmt))
    return QueryResponse("graph", fmt.media_type, body, len(triples), truncated)
