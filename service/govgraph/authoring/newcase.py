"""``govgraph new-case``: register a source (its text under ``sources/``, its metadata) and write
the case file skeleton: prefixes, the document and its text, a commented template of each kind
of statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from govgraph.authoring import fmt, kinds, texts
from govgraph.rdf.namespaces import BASE, GG, GGID, PREFIXES

CASE_PREFIXES: dict[str, str] = {
    "gg": GG, "src": GGID + "source/", "body": GGID + "body/", "forum": GGID + "forum/",
    "person": GGID + "person/", "post": GGID + "post/", "rep": GGID + "representation/",
    "mem": GGID + "membership/", "coord": GGID + "coordination/",
    "oh": GGID + "office-holding/", "appt": GGID + "appointment/",
    "ak": GGID + "concept/appointment-kind/",
    "interval": GGID + "interval/", "instant": GGID + "instant/",
    "role": GGID + "concept/role/", "fk": GGID + "concept/forum-kind/",
    "bk": GGID + "concept/body-kind/", "doctype": GGID + "concept/document-type/",
    **{p: PREFIXES[p] for p in ("dcat", "dct", "foaf", "oa", "org", "prov", "rdfs", "skos",
                                "xsd")}}
LANGUAGE = "http://id.loc.gov/vocabulary/iso639-1/"


def _p(curie: str) -> rdflib.URIRef:
    prefix, _, local = curie.partition(":")
    return rdflib.URIRef(PREFIXES[prefix] + local)


def date_literal(text: str) -> rdflib.Literal:
    """``2024``, ``2024-03`` or ``2024-03-18`` as xsd:gYear, xsd:gYearMonth or xsd:date."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            int(parts[0])
            return rdflib.Literal(parts[0], datatype=XSD.gYear)
        if len(parts) == 2:
            dt.date(int(parts[0]), int(parts[1]), 1)
            return rdflib.Literal(f"{int(parts[0]):04d}-{int(parts[1]):02d}",
                                  datatype=XSD.gYearMonth)
        return rdflib.Literal(dt.date.fromisoformat(text.strip()).isoformat(), datatype=XSD.date)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD") from exc


@dataclass(frozen=True)
class NewSource:
    slug: str
    text: bytes
    title: str
    url: str
    publisher: str  # IRI
    date: str
    title_en: str | None = None
    retrieved: str | None = None
    licence: str | None = None
    language: str = "it"
    doctype: str = "press-release"
    new_publisher: str | None = None  # a publisher not in the data (a news site): its name
    passages_only: bool = False  # no licence stated: the text holds only the quoted passages


#: The document types ``new-case --type`` offers (concepts of ggid:scheme/document-type).
DOCTYPES = ("press-release", "news-article", "web-page")
#: What a source whose page states no licence says about its stored text.
PASSAGES_ONLY = (("Licenza non indicata nella pagina: si conservano solo i passi citati.", "it"),
                 ("Licence not stated on the page; only the quoted passages are stored.", "en"))


def publisher_iri(name: str) -> str:
    """The IRI of a new publisher (``body/<slug>``)."""
    from govgraph.authoring.names import slugify

    return f"{GGID}body/{slugify(name)}"


def source_graph(new: NewSource) -> rdflib.Graph:
    """The source document and its text (dcat:Distribution) as triples."""
    g = rdflib.Graph(bind_namespaces="none")
    src = rdflib.URIRef(GGID + "source/" + new.slug)
    dist = rdflib.URIRef(f"{src}/text")
    for t in ("gg:SourceDocument", "prov:Entity", "foaf:Document"):
        g.add((src, RDF.type, _p(t)))
    g.add((src, RDFS.label, rdflib.Literal(new.title, lang=new.language)))
    if new.title_en:
        g.add((src, RDFS.label, rdflib.Literal(new.title_en, lang="en")))
    g.add((src, _p("dct:type"), rdflib.URIRef(GGID + "concept/document-type/" + new.doctype)))
    g.add((src, _p("dct:language"), rdflib.URIRef(LANGUAGE + new.language)))
    g.add((src, _p("dct:date"), date_literal(new.date)))
    g.add((src, _p("dct:publisher"), rdflib.URIRef(new.publisher)))
    g.add((src, _p("dcat:distribution"), dist))
    if new.licence:
        g.add((src, _p("dct:license"), rdflib.URIRef(new.licence)))
    if new.new_publisher:
        org = rdflib.URIRef(new.publisher)
        for t in ("foaf:Organization", "org:Organization"):
            g.add((org, RDF.type, _p(t)))
        g.add((org, _p("skos:prefLabel"), rdflib.Literal(new.new_publisher, lang=new.language)))
        g.add((org, RDFS.label, rdflib.Literal(new.new_publisher, lang=new.language)))
        g.add((org, rdflib.URIRef(GG + "mentionedIn"), src))
    g.add((dist, RDF.type, _p("dcat:Distribution")))
    g.add((dist, RDFS.label, rdflib.Literal(f"Testo: {new.title}", lang=new.language)))
    g.add((dist, _p("dcat:mediaType"),
           rdflib.URIRef("https://www.iana.org/assignments/media-types/text/plain")))
    g.add((dist, _p("dcat:downloadURL"), rdflib.URIRef(f"{BASE}sources/{new.slug}.txt")))
    g.add((dist, _p("dcat:byteSize"), rdflib.Literal(str(len(new.text)),
                                                     datatype=XSD.nonNegativeInteger)))
    g.add((dist, _p("dct:source"), rdflib.URIRef(new.url)))
    retrieved = new.retrieved or dt.date.today().isoformat()
    g.add((dist, rdflib.URIRef(GG + "retrievedOn"),
           rdflib.Literal(dt.date.fromisoformat(retrieved).isoformat(), datatype=XSD.date)))
    g.add((dist, rdflib.URIRef(texts.TEXT_FILE), rdflib.Literal(f"../sources/{new.slug}.txt")))
    g.add((dist, rdflib.URIRef(texts.SHA256), rdflib.Literal(texts.digest(new.text),
                                                             datatype=XSD.hexBinary)))
    if new.passages_only:
        for node in (src, dist):
            for text, lang in PASSAGES_ONLY:
                g.add((node, _p("dct:rights"), rdflib.Literal(text, lang=lang)))
    return g


def skeleton(new: NewSource) -> str:
    """The case file: comment, prefixes, the source and its text, the statement templates."""
    prefixes = {**CASE_PREFIXES, "q": f"{GGID}quote/{new.slug}/"}
    head = [f"# govgraph — case: {new.title} (source src:{new.slug}, text ../sources/"
            f"{new.slug}.txt).",
            "# Written by govgraph new-case. Add the statements the text makes, each with",
            f"# prov:wasDerivedFrom src:{new.slug} and gg:evidence a quote "
            "(docs/authoring.md);",
            "# reuse the entities already in the data (govgraph find NAME)."]
    body = fmt.render(source_graph(new), prefixes, comments=head)
    templates = [*(k.template for k in kinds.KINDS.values()), *kinds.TURTLE_ONLY.values()]
    return (body + "\n# ---- Templates of each kind of statement (uncomment, fill in, and run "
            "govgraph fmt) ----\n\n" + "\n\n".join(templates) + "\n")
