"""``govgraph query``: list the named queries or run one.

A query runs through the service's executor (:mod:`govgraph.querying.executor`), with its time
limit, row cap and serialisers, so ``--format F`` writes the bytes ``/api/queries/NAME?format=F``
sends for the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

import pyoxigraph as ox

from govgraph import formats
from govgraph.cli.common import (
    EXIT_OK,
    Subparsers,
    add_registry_option,
    data_files,
    fail,
    warn,
)
from govgraph.querying import queries, results
from govgraph.querying.executor import (
    NotAcceptable,
    ProcessExecutor,
    QueryRequest,
    QueryResponse,
    QueryTimeout,
    WorkerCrashed,
)
from govgraph.rdf.store import load_store
from govgraph.web.config import Settings

TABLE = "table"


def _params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise queries.QueryError(f"--param expects key=value, got {pair!r}")
        values[key.strip()] = value
    return values


def _list(library: dict[str, queries.NamedQuery]) -> None:
    for q in library.values():
        print(f"{q.name}\t{q.title}")
        if q.description:
            print(f"    {q.description}")
        for p in q.params:
            need = "required" if p.required else f"optional, default {p.default}" \
                if p.default else "optional"
            print(f"    --param {p.name}=<{p.type}>  ({need}) {p.description}")


async def _execute(executor: ProcessExecutor, job: QueryRequest) -> QueryResponse:
    try:
        return await executor.run(job)
    finally:
        executor.close()


def run(args: argparse.Namespace) -> int:
    library = queries.library()
    if args.list or not args.name:
        _list(library)
        return EXIT_OK
    query = queries.get(args.name)
    bindings = query.bindings(_params(args.param))
    if args.format == TABLE:
        tabular, graph = formats.named("json", formats.TABULAR), formats.named("ttl", formats.GRAPH)
    else:
        tabular, graph = formats.pick(args.format)
    settings = Settings(timeout=args.timeout, max_rows=args.max_rows, workers=1, cache_mb=0)
    store = load_store(data_files(args.data, registry=not args.no_registry))
    job = QueryRequest(query.sparql, tabular=tabular.results if tabular else None,
                       graph=graph.rdf if graph else None, substitutions=bindings,
                       max_rows=settings.max_rows)
    try:
        answer = asyncio.run(_execute(settings.executor(store), job))
    except NotAcceptable as exc:
        offered = ", ".join(f.name for f in formats.of_kind(
            formats.TABULAR if exc.kind == "tabular" else formats.GRAPH))
        return fail(f"the query {query.name} gives {exc.kind} results, which --format "
                    f"{args.format} cannot write; use one of {offered}")
    except QueryTimeout as exc:
        return fail(f"{exc} (--timeout {settings.timeout:g}); make the query more selective")
    except WorkerCrashed as exc:
        return fail(f"the process running the query died: {exc}")
    if answer.truncated:
        warn(f"the result was cut to its first {answer.rows} rows (--max-rows)")
    if args.format == TABLE and answer.kind != "graph":
        parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
        assert not isinstance(parsed, ox.QueryTriples)
        sys.stdout.write(results.table(parsed))
    else:
        sys.stdout.buffer.write(answer.body)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    defaults = Settings()
    q = sub.add_parser("query", help="run a named query from the query library")
    q.add_argument("name", nargs="?", help="the query's name (see --list)")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    q.add_argument("--format", choices=(TABLE, *formats.names()), default=TABLE,
                   help="a table for the terminal, or a result format (as format= of /api)")
    q.add_argument("--timeout", type=float, default=defaults.timeout,
                   help="query time limit in seconds (as govgraph serve)")
    q.add_argument("--max-rows", type=int, default=defaults.max_rows,
                   help="result row cap (as govgraph serve)")
    q.add_argument("--data", action="append", metavar="FILE",
                   help="query these files instead of the shipped dataset (repeatable)")
    add_registry_option(q)
    q.set_defaults(func=run)
