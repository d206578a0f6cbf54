"""``govgraph validate``: data against the shapes; exit 0 valid, 1 violations, 2 unreadable."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from govgraph.cli.common import Subparsers, add_registry_option, warn
from govgraph.progress import Progress
from govgraph.rdf import sources
from govgraph.validation import cache, cachestore, report
from govgraph.validation.validate import AUTO_THRESHOLD, ENGINES, validate


def run(args: argparse.Namespace) -> int:
    given = [*args.files, *args.changed]
    if args.data_only and given:  # the files and the ontology, none of the shipped data
        own = {sources.SourceFile.of(p).path.resolve() for p in given}
        files = [f for f in sources.shipped(data=False) if f.path.resolve() not in own]
        files += _unique([sources.SourceFile.of(p) for p in given])
    elif args.data_only:  # the ontology and the reference data, without the cases
        files = sources.with_context([])
    else:  # the given files in the context of the whole shipped dataset; a given file stands
        # for the shipped file of its named graph (same name: a copy edited elsewhere)
        mine = _unique([sources.SourceFile.of(p) for p in given])
        graphs = {f.graph for f in mine}
        files = [f for f in sources.shipped(registry=not args.no_registry)
                 if f.graph not in graphs] + mine
    wanted = {sources.SourceFile.of(p).path.resolve() for p in args.changed}
    changed = [f for f in files if f.path.resolve() in wanted]
    with contextlib.ExitStack() as stack:
        kept = stack.enter_context(cache.opened(args.cache, warn)) if args.cache else None
        previous, data = {}, None
        progress = Progress("govgraph validate")
        if kept is not None and changed:
            also = [f for f in kept.changed(files) if f not in changed]
            if also:
                warn(f"also changed since the cache last saw them: "
                      f"{', '.join(str(f.path) for f in also)}")
            changed += also
            previous = {f.path: p for f in changed if (p := kept.previous(f)) is not None}
        if kept is not None:  # every run keeps the cache's store up to date
            data = stack.enter_context(cachestore.kept(
                kept.root, files, kept.digest_of, changed=bool(changed), say=warn,
                progress=progress))
        rep = validate(files, extra_shapes=args.shapes, lang=args.lang, progress=progress,
                       engine=args.engine, changed=changed, previous=previous, store=data)
        if kept is not None:
            kept.remember(files)
    sys.stdout.write(report.render(rep, args.format, lang=args.lang))
    if rep.fallback:
        print(f"govgraph: {len(rep.fallback)} shape(s) use features the fast engine does not "
              f"compile and were checked by pyshacl: {', '.join(rep.fallback)}", file=sys.stderr)
    if args.format != "text":
        print(report.summary(rep), file=sys.stderr)
    return rep.exit_code(strict=args.strict)


def _unique(files: Sequence[sources.SourceFile]) -> list[sources.SourceFile]:
    seen: set[Path] = set()
    out = []
    for f in files:
        if f.path.resolve() not in seen:
            seen.add(f.path.resolve())
            out.append(f)
    return out


def register(sub: Subparsers) -> None:
    v = sub.add_parser("validate", help="validate RDF data against the govgraph shapes",
                       description="Validate the given files in the context of the whole "
                       "shipped dataset (ontology, reference data, sources and every case, so a "
                       "file may link to what another case defines; a file named like a "
                       "shipped one stands for it), or all shipped data when "
                       "none are given; --data-only checks them with the ontology alone. "
                       "Exit 0 valid, 1 violations, 2 unreadable input.")
    v.add_argument("files", nargs="*", help="Turtle, TriG, JSON-LD, N-Triples or N-Quads files, "
                   "checked together with the whole shipped dataset (unless --data-only)")
    v.add_argument("--format", choices=report.FORMATS, default="text")
    v.add_argument("--lang", choices=("en", "it"), default="en", help="language of messages")
    v.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    v.add_argument("--shapes", type=Path, action="append", default=[],
                   help="extra SHACL shapes file to apply on top of govgraph's (repeatable)")
    add_registry_option(v)
    v.add_argument("--data-only", action="store_true",
                   help="check the files with the ontology only, without the shipped reference "
                   "data and cases (for datasets that reuse the ontology but not govgraph's "
                   "data)")
    v.add_argument("--engine", choices=ENGINES, default="auto",
                   help=f"pyshacl (the reference), fast (shapes compiled to SPARQL), or auto: "
                   f"fast from {AUTO_THRESHOLD} quads on (default)")
    v.add_argument("--changed", nargs="+", default=[], metavar="FILE",
                   help="check only the nodes these files mention and their neighbours, "
                   "against the whole dataset (incremental validation)")
    v.add_argument("--cache", type=Path, metavar="DIR",
                   help="keep here the version of each file seen and the data parsed (an "
                   "on-disk store), so that --changed re-parses only the files that changed, "
                   "re-checks what a change removed and notices other changed files")
    v.set_defaults(func=run)
