"""Every format govgraph reads or writes, in one table (:data:`FORMATS`).

The CLI, ``/sparql``, ``/api``, the linked-data pages, the dumps, the static site and the input
files all look formats up here, so a name means the same format everywhere. Adding a format is
one entry in :data:`FORMATS`.

A name picks at most one format per kind of result: ``json`` is SPARQL results JSON for a
SELECT or ASK and JSON-LD for a graph, ``xml`` SPARQL results XML or RDF/XML.

The products of :mod:`govgraph.analysis` (networks, diffs) are neither RDF nor query results;
their formats are :data:`OUTPUTS`, named the same way per product (``csv`` of a network is a zip
of ``nodes.csv`` and ``edges.csv``, of a diff one table). Their modules write them; ``govgraph
network``/``diff`` and ``/api/network``/``/api/diff`` read names and media types from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal, TypeAlias

import pyoxigraph as ox

from govgraph.rdf.namespaces import PREFIXES

Kind: TypeAlias = Literal["solutions", "boolean", "graph"]
#: The two families of result: tables (SELECT, ASK) and graphs (CONSTRUCT, DESCRIBE, dumps).
TABULAR: frozenset[Kind] = frozenset({"solutions", "boolean"})
GRAPH: frozenset[Kind] = frozenset({"graph"})


@dataclass(frozen=True)
class Format:
    """One serialisation format."""

    #: The short name (``format=``, ``--format``); unique.
    name: str
    #: The pyoxigraph format that reads and writes it.
    engine: ox.QueryResultsFormat | ox.RdfFormat
    #: Media types, the one sent first; the others are accepted in ``Accept``.
    media_types: tuple[str, ...]
    #: File suffixes without the dot, the one written first; the others are read.
    suffixes: tuple[str, ...]
    #: The kinds of result it can carry.
    kinds: frozenset[Kind]
    #: The local name of its IRI under http://www.w3.org/ns/formats/.
    w3c: str
    #: Other names for it (unique within its kinds).
    aliases: tuple[str, ...] = ()
    #: Writes prefix declarations (``@prefix``, ``xmlns:``); see :meth:`prefixes`.
    writes_prefixes: bool = False
    #: The rdflib parser name (the validation engine reads through rdflib).
    rdflib: str | None = None
    #: Offered as a dump of the whole dataset (``govgraph export``, ``/dumps/``).
    dump: bool = False
    #: Offered for the linked-data descriptions (``/id/...``, ``/ontology.ttl``, ...).
    page: bool = False

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    @property
    def rdf(self) -> ox.RdfFormat:
        """The pyoxigraph RDF format (a graph format only)."""
        assert isinstance(self.engine, ox.RdfFormat), self.name
        return self.engine

    @property
    def results(self) -> ox.QueryResultsFormat:
        """The pyoxigraph query results format (a tabular format only)."""
        assert isinstance(self.engine, ox.QueryResultsFormat), self.name
        return self.engine

    def prefixes(self, table: Mapping[str, str] | None = None) -> dict[str, str] | None:
        """The prefixes to write in this format: ``table`` (default :data:`DATA_PREFIXES`), or
        None for a format without prefix declarations."""
        if not self.writes_prefixes:
            return None
        return dict(DATA_PREFIXES if table is None else table)


#: The prefixes written into RDF. ``ggid:`` and ``ggg:`` are left out: the IRIs under them have
#: slashes, which a prefixed name must escape (``ggid:forum\/x``), so they read better in full.
DATA_PREFIXES: dict[str, str] = {k: v for k, v in PREFIXES.items() if k not in ("ggid", "ggg")}

_R, _G = ox.QueryResultsFormat, ox.RdfFormat

#: Every format, in the server's order of preference within each kind (the first is the default).
FORMATS: tuple[Format, ...] = (
    Format("json", _R.JSON, ("application/sparql-results+json", "application/json"), ("srj",),
           TABULAR, "SPARQL_Results_JSON"),
    Format("xml", _R.XML, ("application/sparql-results+xml",), ("srx",), TABULAR,
           "SPARQL_Results_XML"),
    Format("csv", _R.CSV, ("text/csv",), ("csv",), TABULAR, "SPARQL_Results_CSV"),
    Format("tsv", _R.TSV, ("text/tab-separated-values",), ("tsv",), TABULAR,
           "SPARQL_Results_TSV"),
    Format("ttl", _G.TURTLE, ("text/turtle", "application/turtle", "application/x-turtle",
                              "text/n3", "text/rdf+n3"), ("ttl", "turtle"), GRAPH, "Turtle",
           aliases=("turtle", "n3"), writes_prefixes=True, rdflib="turtle", dump=True, page=True),
    Format("nt", _G.N_TRIPLES, ("application/n-triples",), ("nt",), GRAPH, "N-Triples",
           aliases=("ntriples",), rdflib="nt", dump=True, page=True),
    Format("jsonld", _G.JSON_LD, ("application/ld+json",), ("jsonld", "json"), GRAPH, "JSON-LD",
           aliases=("json-ld", "json"), rdflib="json-ld", dump=True, page=True),
    Format("rdfxml", _G.RDF_XML, ("application/rdf+xml",), ("rdf", "owl", "xml"), GRAPH,
           "RDF_XML", aliases=("rdf", "rdf+xml", "xml"), writes_prefixes=True, rdflib="xml",
           page=True),
    Format("trig", _G.TRIG, ("application/trig",), ("trig",), GRAPH, "TriG",
           writes_prefixes=True, rdflib="trig", dump=True),
    Format("nq", _G.N_QUADS, ("application/n-quads",), ("nq",), GRAPH, "N-Quads",
           aliases=("nquads",), rdflib="nquads", dump=True),
)


#: The products of :mod:`govgraph.analysis` that have formats of their own.
Product: TypeAlias = Literal["network", "diff"]
NETWORK: frozenset[Product] = frozenset({"network"})
DIFF: frozenset[Product] = frozenset({"diff"})


@dataclass(frozen=True)
class Output:
    """A format of an analysis product (a network or a diff); the product's module writes it."""

    #: The short name (``format=``, ``--format``); unique within each product.
    name: str
    media_type: str
    #: The file suffix, without the dot.
    suffix: str
    products: frozenset[Product]


#: The formats of the analysis products, the first of a product its default over HTTP.
OUTPUTS: tuple[Output, ...] = (
    Output("json", "application/json", "json", NETWORK | DIFF),
    Output("graphml", "application/graphml+xml", "graphml", NETWORK),
    Output("gexf", "application/gexf+xml", "gexf", NETWORK),
    Output("csv", "application/zip", "zip", NETWORK),  # nodes.csv and edges.csv
    Output("csv", "text/csv", "csv", DIFF),  # the changes
    Output("text", "text/plain", "txt", DIFF),
)


def outputs(product: Product) -> list[Output]:
    """The formats of a product, in the server's order of preference."""
    return [o for o in OUTPUTS if product in o.products]


def output_named(name: str, product: Product) -> Output | None:
    wanted = name.strip().lower()
    return next((o for o in outputs(product) if o.name == wanted), None)


def of_kind(kinds: frozenset[Kind]) -> list[Format]:
    """The formats for a family of results (:data:`TABULAR` or :data:`GRAPH`), in order."""
    return [f for f in FORMATS if f.kinds == kinds]


def named(name: str, kinds: frozenset[Kind]) -> Format | None:
    """The format of that family a name or alias stands for (case-insensitive)."""
    wanted = name.strip().lower()
    return next((f for f in of_kind(kinds) if wanted == f.name or wanted in f.aliases), None)


def pick(name: str) -> tuple[Format | None, Format | None]:
    """What a ``format=`` name means for a tabular and for a graph result."""
    return named(name, TABULAR), named(name, GRAPH)


def names() -> list[str]:
    """Every name and alias, names first."""
    out = [f.name for f in FORMATS]
    return out + [a for f in FORMATS for a in f.aliases if a not in out]


def media_types(kinds: frozenset[Kind]) -> list[str]:
    """The media types offered for a family, in order of preference: every format's own type,
    then the other types accepted for them."""
    formats = of_kind(kinds)
    return [f.media_type for f in formats] + [m for f in formats for m in f.media_types[1:]]


def by_media_type(media_type: str, kinds: frozenset[Kind]) -> Format | None:
    bare = media_type.split(";")[0].strip().lower()
    return next((f for f in of_kind(kinds) if bare in f.media_types), None)


def of_engine(engine: ox.QueryResultsFormat | ox.RdfFormat) -> Format:
    """The entry of a pyoxigraph format."""
    return next(f for f in FORMATS if f.engine == engine)


def by_suffix(path: str | PurePath) -> Format | None:
    """The RDF format of a file name, by its suffix (``.ttl``, ``.rdf``, ...)."""
    suffix = PurePath(path).suffix.lower().removeprefix(".")
    return next((f for f in of_kind(GRAPH) if suffix in f.suffixes), None)


def suffixes() -> list[str]:
    """Every RDF file suffix read, with its dot."""
    return ["." + s for f in of_kind(GRAPH) for s in f.suffixes]


def dumps() -> list[Format]:
    """The dump formats, in order."""
    return [f for f in FORMATS if f.dump]


def pages() -> list[Format]:
    """The formats of linked-data descriptions, in order (suffix URLs ``.ttl``, ``.rdf``, ...)."""
    return [f for f in FORMATS if f.page]


def page_suffix(suffix: str) -> Format | None:
    """The linked-data format of a URL suffix (``ttl``, ``jsonld``, ``nt``, ``rdf``)."""
    return next((f for f in pages() if f.suffix == suffix), None)


def dump_named(name: str) -> Format | None:
    """The dump format of a file suffix or name (``ttl``, ``nq``)."""
    return next((f for f in dumps() if name in (f.suffix, f.name)), None)


def serialize(triples: list[ox.Triple] | list[ox.Quad], fmt: Format,
              prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples or quads in an RDF format, with the prefixes the format writes."""
    return bytes(ox.serialize(triples, format=fmt.rdf, prefixes=fmt.prefixes(prefixes)) or b"")
