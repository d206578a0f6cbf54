"""``govgraph find NAME``: the entities already in the data, with IRI, kind, names, identifiers."""

from __future__ import annotations

import argparse
import json
import sys

from govgraph.authoring import context, lookup
from govgraph.cli.common import EXIT_INVALID, EXIT_OK, Subparsers, warn


def run(args: argparse.Namespace) -> int:
    store, _files = context.store()
    matches = lookup.find(store, args.name, kind=args.kind, limit=args.limit)
    if args.format == "json":
        json.dump([{**m.entity.as_json(), "score": m.score, "matched": m.matched}
                   for m in matches], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for m in matches:
            e = m.entity
            names = " ; ".join(f'"{t}"@{lang}' if lang else f'"{t}"' for t, lang in e.labels)
            codes = ", ".join(f"{s} {c}".strip() for s, c in e.identifiers)
            print(f"{e.iri}\n    {e.kind}  {names}" + (f"\n    identifiers: {codes}"
                                                       if codes else ""))
    if not matches:
        warn(f"nothing in the data matches {args.name!r}: a new entity needs a new IRI "
             "(docs/authoring.md, 'Naming IRIs')")
        return EXIT_INVALID
    return EXIT_OK


def register(sub: Subparsers) -> None:
    f = sub.add_parser("find", help="find an entity's IRI by name or identifier",
                       description="Find the bodies, forums, persons, posts, concepts and "
                       "sources whose name or identifier matches NAME (accents and case "
                       "ignored; prefixes and single words match). Exit 1 when none does.")
    f.add_argument("name", metavar="NAME", help="a name, part of it, or an identifier")
    f.add_argument("--kind", help="only entities of a type whose name contains this "
                   "(Forum, Body, Person, Post, Concept, SourceDocument)")
    f.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    f.add_argument("--format", choices=("text", "json"), default="text")
    f.set_defaults(func=run)
