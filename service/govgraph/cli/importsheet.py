"""``govgraph import-sheet``: statements from a spreadsheet (.csv, .xlsx, .ods) into a case file,
validated before it is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govgraph.authoring import casefile, context, fmt, sheets, texts
from govgraph.authoring.newcase import CASE_PREFIXES
from govgraph.cli.common import EXIT_INVALID, EXIT_OK, Subparsers, fail, warn
from govgraph.rdf import resources
from govgraph.rdf.namespaces import GGID


def run(args: argparse.Namespace) -> int:
    if args.template:
        sheets.write_template(args.template)
        warn(f"wrote the template {args.template}")
        return EXIT_OK
    if not args.sheets or not args.source:
        return fail("give the spreadsheet(s) and --source (or --template PATH)")
    tables: dict[str, list[sheets.Row]] = {}
    for path in args.sheets:
        for kind, rows in sheets.read(Path(path)).items():
            tables.setdefault(kind, []).extend(rows)
    store, files = context.store()
    declared = texts.from_store(store, files)
    source = texts.source_iri(args.source, declared)
    slug = texts.slug(source)
    out = args.out or resources.folder("data") / f"{slug}.ttl"
    job = sheets.Import(store, source, declared[source])
    made = job.run(tables)
    graph, prefixes = job.graph, {**CASE_PREFIXES, "q": f"{GGID}quote/{slug}/"}
    comments = [f"# govgraph — case: statements of src:{slug}, imported with govgraph "
                "import-sheet."]
    if out.exists():
        text = out.read_text(encoding="utf-8")
        existing, declared_prefixes = fmt.parse(text, str(out))
        graph += existing
        prefixes = {**prefixes, **declared_prefixes}
        comments = fmt.leading_comments(text) or comments
    content = fmt.render(graph, prefixes, comments=comments)
    if args.dry_run:
        sys.stdout.write(content)
        return EXIT_OK
    try:
        casefile.validated_write(out, content)
    except casefile.NotValid as exc:
        sys.stderr.write(str(exc))
        warn(f"the statements do not validate; {out} was not written")
        return EXIT_INVALID
    for iri, name in job.created:
        warn(f"new entity {iri.removeprefix(GGID)} for {name!r}: check it is not already in "
             "the data under another name (govgraph find)")
    warn(f"{len(made)} statement(s), {len(job.quote_of)} quote(s) written to {out}")
    print(out)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    s = sub.add_parser("import-sheet", help="write statements from a spreadsheet into a case file",
                       description="Read one sheet per kind of statement (membership, "
                       "representation, office, appointment; an 'entities' sheet for new "
                       "names) from .xlsx/.ods, or CSV files named after the kind, resolve "
                       "the names against the data, "
                       "locate the quotes in the source's text and write the case file "
                       "(data/SLUG.ttl, merged with it if it exists) once the data with it "
                       "validates. The template: docs/templates/ or --template PATH.")
    s.add_argument("sheets", nargs="*", type=Path, metavar="SHEET",
                   help=".xlsx, .ods, or .csv files (one per kind)")
    s.add_argument("--source", help="the source: slug, src:slug, IRI or its text file")
    s.add_argument("--out", type=Path, help="the case file (default data/SLUG.ttl)")
    s.add_argument("--dry-run", action="store_true",
                   help="print the case file instead of validating and writing it")
    s.add_argument("--template", type=Path, metavar="PATH",
                   help="write the empty template (PATH.xlsx, or a folder of CSV files) and stop")
    s.set_defaults(func=run)
