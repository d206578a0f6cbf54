"""``govgraph export``: the whole dataset as one dump."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govgraph import formats
from govgraph.cli.common import EXIT_OK, Subparsers
from govgraph.rdf import export, sources
from govgraph.rdf.store import load_store


def run(args: argparse.Namespace) -> int:
    store = load_store(sources.shipped())
    data = export.dump(store, args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(store)} quads to {args.output}", file=sys.stderr)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    e = sub.add_parser("export", help="write the whole dataset (ontology + data) as one dump")
    e.add_argument("--format", choices=[f.name for f in formats.dumps()], default="ttl")
    e.add_argument("-o", "--output", help="file to write (default: stdout)")
    e.set_defaults(func=run)
