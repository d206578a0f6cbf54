"""``govgraph export``: the whole dataset as one dump."""

from __future__ import annotations

import argparse

from govgraph import formats
from govgraph.cli.common import EXIT_OK, Subparsers, add_registry_option, emit
from govgraph.rdf import export, sources
from govgraph.rdf.store import load_store


def run(args: argparse.Namespace) -> int:
    store = load_store(sources.shipped(registry=not args.no_registry))
    emit(export.dump(store, args.format), args.output, f"{len(store)} quads")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    e = sub.add_parser("export", help="write the whole dataset (ontology + data) as one dump")
    e.add_argument("--format", choices=[f.name for f in formats.dumps()], default="ttl")
    e.add_argument("-o", "--output", help="file to write (default: stdout)")
    add_registry_option(e)
    e.set_defaults(func=run)
