"""``govgraph new-case TEXT``: register a source document and write its case file skeleton."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from govgraph.authoring import casefile, context, names, newcase
from govgraph.authoring.files import write_atomic
from govgraph.cli.common import EXIT_INVALID, EXIT_OK, Subparsers, fail, warn
from govgraph.rdf import resources


def run(args: argparse.Namespace) -> int:
    given = Path(args.text)
    try:
        data = given.read_bytes()
        data.decode("utf-8")
    except OSError as exc:
        return fail(f"{given}: cannot read the text: {exc.strerror}")
    except UnicodeDecodeError as exc:
        return fail(f"{given}: the text is not UTF-8 (byte {exc.start}): save it as UTF-8")
    slug = args.slug or names.slugify(given.stem)
    text_path = resources.folder("sources") / f"{slug}.txt"
    case_path = resources.folder("data") / f"{slug}.ttl"
    for path in (text_path, case_path):
        if path.exists():
            return fail(f"{path} already exists: the source {slug!r} is registered (choose "
                        "another --slug for another document)")
    store, _files = context.store()
    try:
        if args.new_publisher:
            publisher = newcase.publisher_iri(args.publisher)
            if store.query("ASK { ?s ?p ?o }", substitutions={"s": ox.NamedNode(publisher)}):
                return fail(f"{publisher} is already in the data: give it as --publisher "
                            "without --new-publisher")
        else:
            publisher = names.resolve(store, args.publisher)
        new = newcase.NewSource(slug=slug, text=data, title=args.title, title_en=args.title_en,
                                url=args.url, publisher=publisher, date=args.date,
                                retrieved=args.retrieved, licence=args.licence,
                                doctype=args.type, passages_only=args.passages_only,
                                new_publisher=args.publisher if args.new_publisher else None)
        content = newcase.skeleton(new)
    except ValueError as exc:  # UnknownName, a bad date
        return fail(f"{exc}")
    write_atomic(text_path, data)
    try:
        casefile.validated_write(case_path, content)
    except casefile.NotValid as exc:
        text_path.unlink(missing_ok=True)
        sys.stderr.write(str(exc))
        warn("the new source does not validate; nothing was written")
        return EXIT_INVALID
    except BaseException:
        text_path.unlink(missing_ok=True)
        raise
    warn(f"registered src:{slug}: text {text_path}, case file {case_path}")
    print(case_path)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    n = sub.add_parser("new-case", help="register a source text and write its case file",
                       description="Copy TEXT (UTF-8) to sources/SLUG.txt and write "
                       "data/SLUG.ttl: the source document (title, URL, publisher, date, "
                       "retrieval date, licence, the text's SHA-256) and a commented template "
                       "of each kind of statement. Validated before anything is written.")
    n.add_argument("text", metavar="SOURCE_TEXT", help="the document's text, as a UTF-8 file")
    n.add_argument("--url", required=True, help="where the document was published")
    n.add_argument("--title", required=True, help="its title (Italian)")
    n.add_argument("--title-en", help="an English title")
    n.add_argument("--publisher", required=True,
                   help="the publishing body: name, identifier or IRI of an entity in the data")
    n.add_argument("--new-publisher", action="store_true",
                   help="the publisher is not in the data (a news site): add it, named "
                   "--publisher, to the case file as an organisation")
    n.add_argument("--type", choices=newcase.DOCTYPES, default="press-release",
                   help="the kind of document (default press-release)")
    n.add_argument("--passages-only", action="store_true",
                   help="the page states no licence and the text file holds only the passages "
                   "the quotes use: say so (dct:rights) on the source and its text")
    n.add_argument("--date", required=True, help="its date: YYYY, YYYY-MM or YYYY-MM-DD")
    n.add_argument("--retrieved", help="when the text was taken (YYYY-MM-DD; default today)")
    n.add_argument("--licence", help="the licence's IRI, when the publisher states one")
    n.add_argument("--slug", help="the source's name in IRIs and files (default: from the "
                   "text file's name)")
    n.set_defaults(func=run)
