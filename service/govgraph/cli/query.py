"""``govgraph query``: list the named queries or run one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govgraph.cli.common import EXIT_OK, Subparsers
from govgraph.querying import queries, results
from govgraph.rdf import sources
from govgraph.rdf.store import load_store


def _params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise queries.QueryError(f"--param expects key=value, got {pair!r}")
        values[key.strip()] = value
    return values


def run(args: argparse.Namespace) -> int:
    library = queries.library()
    if args.list or not args.name:
        for q in library.values():
            print(f"{q.name}\t{q.title}")
            if q.description:
                print(f"    {q.description}")
            for p in q.params:
                need = "required" if p.required else f"optional, default {p.default}" \
                    if p.default else "optional"
                print(f"    --param {p.name}=<{p.type}>  ({need}) {p.description}")
        return EXIT_OK
    query = queries.get(args.name)
    store = load_store(sources.shipped() if not args.data else
                       [sources.SourceFile.of(d) for d in args.data])
    result = queries.run_named_query(store, query, _params(args.param))
    if args.format == "table":
        sys.stdout.write(results.table(result))
    else:
        sys.stdout.buffer.write(results.serialize(result, results.TABULAR[args.format]))
    return EXIT_OK


def register(sub: Subparsers) -> None:
    q = sub.add_parser("query", help="run a named query from the query library")
    q.add_argument("name", nargs="?", help="the query's name (see --list)")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    q.add_argument("--format", choices=("table", *results.TABULAR), default="table")
    q.add_argument("--data", action="append", metavar="FILE",
                   help="query these files instead of the shipped dataset (repeatable)")
    q.set_defaults(func=run)
