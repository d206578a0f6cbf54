"""``govgraph quote SOURCE TEXT``: the quote node of a text of a source, offsets counted for you."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, XSD

from govgraph.authoring import context, fmt, quotes, texts
from govgraph.cli.common import EXIT_OK, Subparsers, fail
from govgraph.rdf.namespaces import GG, GGID, PREFIXES
from govgraph.rdf.sources import InputError


def source_iri(given: str, declared: dict[str, texts.SourceText]) -> str:
    """A source named by IRI, ``source/slug``, ``src:slug``, slug or its text file's path."""
    path = Path(given)
    if path.suffix == ".txt" and path.exists():
        for iri, t in declared.items():
            if t.path.resolve() == path.resolve():
                return iri
        raise InputError(path, "no source document in the data declares this text file",
                         hint="register it first: govgraph new-case " + given)
    slug = given.rsplit("/", 1)[-1].removeprefix("src:") if "://" not in given else None
    iri = given if slug is None else GGID + "source/" + slug
    if iri not in declared:
        known = ", ".join(sorted(texts.slug(s) for s in declared)) or "none"
        raise InputError(given, "no source with a text file has this name",
                         hint=f"sources with a text: {known}")
    return iri


def quote_node(iri: str, value: str, lang: str, source: str, span: quotes.Span) -> str:
    """The quote as house-style Turtle, with the prefixes a case file declares."""
    graph = rdflib.Graph(bind_namespaces="none")
    q = rdflib.URIRef(iri)
    prov, oa = PREFIXES["prov"], PREFIXES["oa"]
    graph.add((q, RDF.type, rdflib.URIRef(GG + "Quote")))
    graph.add((q, RDF.type, rdflib.URIRef(prov + "Entity")))
    graph.add((q, rdflib.URIRef(prov + "value"), rdflib.Literal(value, lang=lang or None)))
    graph.add((q, rdflib.URIRef(prov + "wasQuotedFrom"), rdflib.URIRef(source)))
    for name, number in (("start", span.start), ("end", span.end)):
        graph.add((q, rdflib.URIRef(oa + name),
                   rdflib.Literal(str(number), datatype=XSD.nonNegativeInteger)))
    writer = fmt.Writer(case_prefixes(source))
    return fmt.block(graph, q, writer) + "\n"


def case_prefixes(source: str) -> dict[str, str]:
    """``q:`` (this source's quotes), ``src:`` and the vocabularies a quote uses."""
    return {"q": f"{GGID}quote/{texts.slug(source)}/", "src": GGID + "source/", "gg": GG,
            **{p: PREFIXES[p] for p in ("prov", "oa", "xsd")}}


def run(args: argparse.Namespace) -> int:
    store, files = context.store([args.file] if args.file else [])
    declared = texts.from_store(store, files)
    source = source_iri(args.source, declared)
    text_of = declared[source]
    text = text_of.read()
    every = quotes.occurrences(text, args.text)
    found = every if args.at is None else [s for s in every if s.start == args.at]
    if len(found) != 1:
        try:
            quotes.locate(text, args.text, name=str(text_of.path))
            message = f"the text does not start at {args.at} in {text_of.path}"
        except quotes.QuoteError as exc:
            message = str(exc)
            for s in exc.spans:
                print(f"  {s}: …{text[max(0, s.start - 30):s.start]}[{text[s.start:s.end]}]"
                      f"{text[s.end:s.end + 30]}…".replace("\n", "⏎"), file=sys.stderr)
        return fail(message + (" (or pick one with --at START)" if len(every) > 1 else ""))
    iri = args.iri or quotes.next_quote_iri(store, source)
    sys.stdout.write(quote_node(iri, args.text, args.lang, source, found[0]))
    return EXIT_OK


def register(sub: Subparsers) -> None:
    q = sub.add_parser("quote", help="print the quote node of a text of a source, with offsets",
                       description="Find TEXT in the text of SOURCE and print the gg:Quote node "
                       "(IRI, prov:value, prov:wasQuotedFrom, oa:start, oa:end) ready to paste "
                       "into the case file. Refuses a text that is absent or occurs more than "
                       "once, listing each occurrence with its offsets.")
    q.add_argument("source", metavar="SOURCE",
                   help="the source: its slug (ctssm-bologna-2022-06), src:slug, IRI, or the "
                   "path of its text file")
    q.add_argument("text", metavar="TEXT", help="the text as it appears in the source")
    q.add_argument("--iri", help="the quote's IRI (default: the next free number of the source)")
    q.add_argument("--at", type=int, metavar="START",
                   help="take the occurrence starting at this offset (for a repeated text)")
    q.add_argument("--lang", default="it", help="language tag of the text (default it)")
    q.add_argument("--file", type=Path, metavar="CASE.ttl",
                   help="the case file the quote goes in, when it is not yet in the shipped "
                   "data (its folder's files are read too)")
    q.set_defaults(func=run)
