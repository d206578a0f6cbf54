"""``govgraph load``: validate the dataset and put it into a remote store (Graph Store Protocol)."""

from __future__ import annotations

import argparse
import sys
import time

from govgraph.cli.common import (
    ENDPOINT_ENV,
    EXIT_INVALID,
    EXIT_OK,
    Subparsers,
    add_registry_option,
    data_files,
    endpoint,
    fail,
    valid,
)
from govgraph.progress import Progress


def run(args: argparse.Namespace) -> int:
    from govgraph.rdf import remote

    url = endpoint(args)
    if not url and not args.graph_store:
        return fail(f"load needs --endpoint URL (or {ENDPOINT_ENV}) or --graph-store URL")
    graph_store = args.graph_store or remote.graph_store_url(str(url))
    files = data_files(args.data, registry=not args.no_registry)
    if not args.no_validate and not valid(files, Progress("govgraph load"), doing="loading"):
        return EXIT_INVALID
    start = time.monotonic()

    def progress(number: int, total: int, done: remote.Loaded) -> None:
        print(f"govgraph load: [{number}/{total}] PUT <{done.graph}>: {done.triples} triples "
              f"in {done.seconds:.2f} s", file=sys.stderr)

    try:
        loaded = remote.load(files, graph_store=graph_store, progress=progress)
    except remote.RemoteError as exc:
        return fail(str(exc))
    total = sum(g.triples for g in loaded)
    print(f"govgraph: loaded {total} triples from {len(files)} files into {len(loaded)} named "
          f"graphs at {graph_store} in {time.monotonic() - start:.1f} s", file=sys.stderr)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    ld = sub.add_parser("load", help="load the dataset into a remote SPARQL store",
                        description="Validate the shipped dataset (or the --data files) and put "
                        "it into a remote store through the SPARQL 1.1 Graph Store HTTP "
                        "Protocol: one PUT per named graph, replacing that graph. Progress and a "
                        "summary go to stderr.")
    ld.add_argument("--endpoint", metavar="URL",
                    help=f"the store's SPARQL query endpoint (default: ${ENDPOINT_ENV})")
    ld.add_argument("--graph-store", metavar="URL",
                    help="its Graph Store Protocol address (default: derived from --endpoint: "
                    "Virtuoso /sparql -> /sparql-graph-crud, Fuseki /ds/sparql -> /ds/data)")
    ld.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                    help="load these files instead of the shipped data (repeatable)")
    add_registry_option(ld)
    ld.add_argument("--no-validate", action="store_true", help="do not validate before loading")
    ld.set_defaults(func=run)
