"""``govgraph build-site``: a static copy of the pages, the RDF of every entity and the dumps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govgraph.cli.common import EXIT_OK, Subparsers, add_registry_option, data_files
from govgraph.rdf.store import load_store
from govgraph.web.config import Settings


def run(args: argparse.Namespace) -> int:
    """Write a static version of the site: pages, RDF of every entity, dumps, metadata."""
    from govgraph.web.app import create_app
    from govgraph.web.site import build_site

    files = data_files(args.data, registry=not args.no_registry)
    store = load_store(files)
    settings = Settings(base_iri=args.base_iri, validate=False)
    out = Path(args.out)
    written = build_site(create_app(settings, store), store, out, settings.base_iri)
    print(f"govgraph: wrote {len(written)} files under {out}", file=sys.stderr)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    b = sub.add_parser("build-site", help="write a static version of the pages and dumps",
                       description="Write the web pages (index.html under /id/... paths), the "
                       "RDF of every entity, the dumps, the VoID/DCAT metadata and the ontology "
                       "documentation into OUT/, for any static web server.")
    b.add_argument("out", metavar="OUT", help="output folder (created if needed)")
    b.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                   help="build from these files instead of the shipped data (repeatable)")
    add_registry_option(b)
    b.add_argument("--base-iri", default="https://w3id.org/govgraph/",
                   help="public base IRI of the data")
    b.set_defaults(func=run)
