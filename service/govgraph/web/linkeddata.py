"""Linked-data publishing: entity descriptions, labels, VoID/DCAT metadata and dumps.

Everything here reads the store with SPARQL queries whose IRIs are bound as RDF terms
(substitutions), never spliced into the query text. :mod:`govgraph.web.pages` turns the results into
HTTP responses and HTML pages.

IRIs stay the public ones (``https://w3id.org/govgraph/...``) in every RDF output: the service maps
a request path ``P`` to the IRI ``settings.base_iri + P`` and back (:class:`IriMap`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyoxigraph as ox

from govgraph import __version__, formats
from govgraph.formats import Format
from govgraph.querying.binding import Term
from govgraph.rdf import export
from govgraph.rdf.namespaces import ONTOLOGY, PREFIXES
from govgraph.rdf.store import Store

T = TypeVar("T")

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
VOID = PREFIXES["void"]
DCAT = PREFIXES["dcat"]
FOAF = PREFIXES["foaf"]
XSD = PREFIXES["xsd"]
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

#: The kinds of node that state something about other entities (shown with their evidence).
STATEMENT_TYPES = ("gg:Representation", "org:Membership", "gg:Coordination", "gg:Secretariat",
                   "gg:Mandate", "gg:Liaison", "gg:Event", "gg:Session", "gg:Establishment",
                   "gg:RevisionProcess")
_VALUES_STATEMENT = "VALUES ?kind { " + " ".join(STATEMENT_TYPES) + " }"

_EXISTS = "ASK { ?this ?p ?o }"

#: The description served as RDF: own triples, labels of what it links to, incoming
#: representation/membership/coordination links (with their types and labels).
_DESCRIBE = f"""
CONSTRUCT {{ ?this ?p ?o . ?o ?lp ?l . ?s ?ip ?this . ?s a ?kind . ?s ?slp ?sl }}
WHERE {{
  {{ ?this ?p ?o
     OPTIONAL {{ ?o ?lp ?l VALUES ?lp {{ rdfs:label skos:prefLabel }} }} }}
  UNION
  {{ ?s ?ip ?this . ?s a ?kind {_VALUES_STATEMENT}
     OPTIONAL {{ ?s ?slp ?sl VALUES ?slp {{ rdfs:label skos:prefLabel }} }} }}
}}"""

#: What a page needs: the entity's triples, the triples pointing at it, every triple of the
#: statements around it and of the quotes those statements rest on.
_NEIGHBOURHOOD = f"""
CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  {{ ?this ?p ?o BIND(?this AS ?s) }}
  UNION {{ ?s ?p ?this }}
  UNION {{ {{ ?st ?l ?this }} UNION {{ ?this ?l ?st }} ?st a ?kind {_VALUES_STATEMENT}
           ?st ?p ?o BIND(?st AS ?s) }}
  UNION {{ {{ ?st ?l ?this }} UNION {{ ?this ?l ?st }} ?st a ?kind {_VALUES_STATEMENT}
           ?st gg:evidence ?s . ?s ?p ?o }}
  UNION {{ ?this gg:evidence ?s . ?s ?p ?o }}
  UNION {{ ?this adms:identifier ?s . ?s ?p ?o }}
}}"""

_LABELS = """
SELECT ?x ?p ?l WHERE { ?x ?p ?l VALUES ?p { skos:prefLabel rdfs:label } FILTER(isLiteral(?l)) }"""

_ONTOLOGY_GRAPH = """
CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?this a owl:Ontology . ?s ?p ?o } }"""

_TERMS = """
CONSTRUCT { ?t ?p ?o . ?x ?m ?t } WHERE {
  { ?t rdfs:isDefinedBy ?this . ?t ?p ?o }
  UNION { ?t rdfs:isDefinedBy ?this . ?x ?m ?t
          VALUES ?m { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch
                      skos:relatedMatch owl:equivalentClass owl:equivalentProperty } }
}"""


def _first(result: object) -> ox.QueryTriples:
    assert isinstance(result, ox.QueryTriples)
    return result


def exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` (as a subject)."""
    return bool(store.query(_EXISTS, substitutions={"this": ox.NamedNode(iri)}))


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The description of one entity (empty when the store knows nothing of it)."""
    triples = _first(store.query(_DESCRIBE, substitutions={"this": ox.NamedNode(iri)}))
    return sorted(set(triples), key=str)


def ontology_triples(store: Store, iri: str = ONTOLOGY) -> list[ox.Triple]:
    """Every triple of the named graph that declares the ontology ``iri``."""
    triples = _first(store.query(_ONTOLOGY_GRAPH, substitutions={"this": ox.NamedNode(iri)}))
    return sorted(set(triples), key=str)


def serialize(triples: Iterable[ox.Triple], fmt: Format) -> bytes:
    """Triples in one RDF format, with the shared prefixes where it writes prefixes."""
    return formats.serialize(list(triples), fmt)


@dataclass(frozen=True)
class IriMap:
    """The public base IRI of the data and where the server answers for it."""

    base_iri: str

    def path(self, iri: str) -> str | None:
        """The local path (``/id/...``) of a public IRI, or None if it is not ours."""
        if iri.startswith(self.base_iri):
            return "/" + iri[len(self.base_iri):]
        return None

    def iri(self, path: str) -> str:
        """The public IRI of a local path."""
        return self.base_iri + path.lstrip("/")

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` should point: the local page, else the IRI itself."""
        return self.path(iri) or iri


class Graph:
    """A small in-memory index of triples: outgoing and incoming, by predicate."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in sorted(set(triples), key=str):
            if isinstance(t.subject, ox.NamedNode) and not isinstance(t.object, ox.Triple):
                self.out[t.subject.value][t.predicate.value].append(t.object)
                if isinstance(t.object, ox.NamedNode):
                    self.inc[t.object.value][t.predicate.value].append(t.subject.value)

    def objects(self, s: str, p: str) -> list[Term]:
        return list(self.out.get(s, {}).get(p, []))

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]

    def subjects(self, p: str, o: str) -> list[str]:
        return list(self.inc.get(o, {}).get(p, []))

    def types(self, s: str) -> list[str]:
        return self.iris(s, RDF + "type")

    def has_type(self, s: str, *curies: str) -> bool:
        wanted = {_expand(c) for c in curies}
        return any(t in wanted for t in self.types(s))


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def neighbourhood(store: Store, iri: str) -> Graph:
    """The triples a page about ``iri`` shows (see :data:`_NEIGHBOURHOOD`)."""
    return Graph(_first(store.query(_NEIGHBOURHOOD, substitutions={"this": ox.NamedNode(iri)})))


def ontology_terms(store: Store, iri: str = ONTOLOGY) -> Graph:
    """Every term defined by the ontology, with all its triples and incoming alignments."""
    return Graph(_first(store.query(_TERMS, substitutions={"this": ox.NamedNode(iri)})))


class Labels:
    """Every ``skos:prefLabel`` and ``rdfs:label`` of the store, by IRI and language."""

    def __init__(self, store: Store) -> None:
        pref: dict[str, dict[str, str]] = defaultdict(dict)
        plain: dict[str, dict[str, str]] = defaultdict(dict)
        result = store.query(_LABELS)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            x, p, lit = row["x"], row["p"], row["l"]
            if not isinstance(x, ox.NamedNode) or not isinstance(lit, ox.Literal):
                continue
            table = pref if isinstance(p, ox.NamedNode) and p.value == SKOS + "prefLabel" \
                else plain
            table[x.value].setdefault(lit.language or "", lit.value)
        self._pref, self._plain = dict(pref), dict(plain)

    def get(self, iri: str, lang: str) -> str | None:
        """The best label in ``lang``: prefLabel, then rdfs:label, then other languages."""
        for order in ((lang,), ("",), ("it", "en")):
            for table in (self._pref, self._plain):
                by_lang = table.get(iri, {})
                for code in order:
                    if code in by_lang:
                        return by_lang[code]
        return None

    def __contains__(self, iri: object) -> bool:
        return iri in self._pref or iri in self._plain


def pick(literals: Sequence[Term], lang: str) -> list[ox.Literal]:
    """The literals in ``lang``, else the untagged ones, else all (language-tagged strings)."""
    lits = [o for o in literals if isinstance(o, ox.Literal)]
    for keep in (lambda x: x.language == lang, lambda x: not x.language):
        chosen = [x for x in lits if keep(x)]
        if chosen:
            return chosen
    return lits


class VersionCache:
    """Values computed once per dataset version (labels, metadata, dumps); thread-safe."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._values: dict[str, object] = {}
        self._lock = threading.Lock()

    def known(self, store: Store, key: str) -> Any:
        """The value kept for ``key`` in the store's version, or None."""
        with self._lock:
            return self._values.get(key) if store.version == self._version else None

    def get(self, store: Store, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if store.version != self._version:
                self._version, self._values = store.version, {}
            if key in self._values:
                return self._values[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: computations may use the cache themselves
        with self._lock:
            if store.version == self._version:
                self._values.setdefault(key, value)
        return value


def per_app(state: object, name: str, kind: Callable[[], T]) -> T:
    """The one ``kind()`` of an app, kept in its ``app.state`` under ``name``, made on first
    use."""
    value = getattr(state, name, None)
    if value is None:
        value = kind()
        setattr(state, name, value)
    return value


def dump_bytes(store: Store, name: str) -> bytes | None:
    """The bytes of ``govgraph.{ttl,nt,jsonld,trig}[.gz]``, as :func:`govgraph.rdf.export.dump`
    writes them (None for an unknown name)."""
    stem, gz = (name[:-3], True) if name.endswith(".gz") else (name, False)
    if formats.dump_named(stem) is None:
        return None
    data = export.dump(store, stem)
    return gzip.compress(data, mtime=0) if gz else data


# --- VoID and DCAT ------------------------------------------------------------------------------

_STATS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
       (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"""
_ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(?space))) }"""
_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) }
GROUP BY ?class ORDER BY ?class"""
_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_MODIFIED = """
SELECT (MAX(?d) AS ?m) WHERE { ?s dct:modified ?d FILTER(datatype(?d) = xsd:date) }"""


@dataclass
class _Meta:
    triples: list[ox.Triple] = field(default_factory=list)

    def add(self, s: str | ox.NamedNode, p: str, o: Term | str) -> None:
        subject = s if isinstance(s, ox.NamedNode) else ox.NamedNode(s)
        obj = o if not isinstance(o, str) else ox.NamedNode(o)
        self.triples.append(ox.Triple(subject, ox.NamedNode(_expand(p)), obj))


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def _scalar(store: Store, sparql: str, name: str, **subs: Term) -> Term | None:
    result = store.query(sparql, substitutions=subs or None)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        value = row[name]
        return value if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode) else None
    return None


def dataset_iri(base_iri: str) -> str:
    return base_iri + "dataset"


def dataset_description(store: Store, base_iri: str,
                        sizes: Callable[[str], int | None]) -> list[ox.Triple]:
    """VoID + DCAT(-AP) description of the served dataset, computed from the data.

    ``sizes(name)`` gives the byte size of a dump (None when there is none)."""
    ds = dataset_iri(base_iri)
    meta = _Meta()
    stats = store.query(_STATS)
    assert isinstance(stats, ox.QuerySolutions)
    row = next(iter(stats))
    for curie in ("rdf:type",):
        meta.add(ds, curie, VOID + "Dataset")
        meta.add(ds, curie, DCAT + "Dataset")
    for text, lang in (("govgraph: rappresentanze nella governance del sistema sanitario "
                        "italiano", "it"),
                       ("govgraph: representation in the governance of the Italian health "
                        "system", "en")):
        meta.add(ds, "dct:title", ox.Literal(text, language=lang))
    meta.add(ds, "dct:description", ox.Literal(
        "An open knowledge graph of Italian health-system governance actors: who represents "
        "whom in which forum, since when, according to which document (with the verbatim "
        "sentence each statement rests on).", language="en"))
    meta.add(ds, "dct:description", ox.Literal(
        "Un grafo di conoscenza aperto degli attori della governance del sistema sanitario "
        "italiano: chi rappresenta chi in quale organismo, da quando, secondo quale documento.",
        language="it"))
    meta.add(ds, "dct:license", LICENSE)
    publisher = base_iri + "dataset#publisher"
    meta.add(ds, "dct:publisher", publisher)
    meta.add(publisher, "rdf:type", FOAF + "Agent")
    meta.add(publisher, "foaf:name", ox.Literal("govgraph contributors"))
    meta.add(ds, "owl:versionInfo", ox.Literal(f"{__version__}+{store.version}"))
    meta.add(ds, "dcat:version", ox.Literal(f"{__version__}+{store.version}"))
    modified = _scalar(store, _MODIFIED, "m")
    meta.add(ds, "dct:modified", modified if isinstance(modified, ox.Literal) else ox.Literal(
        dt.date.today().isoformat(), datatype=ox.NamedNode(XSD + "date")))
    for lang in ("it", "en"):
        meta.add(ds, "dct:language", f"http://id.loc.gov/vocabulary/iso639-1/{lang}")
    for key, prop in (("triples", "void:triples"), ("subjects", "void:distinctSubjects"),
                      ("properties", "void:properties"), ("objects", "void:distinctObjects")):
        value = row[key]
        if isinstance(value, ox.Literal):
            meta.add(ds, prop, _int(int(value.value)))
    space = base_iri + "id/"
    meta.add(ds, "void:uriSpace", ox.Literal(space))
    entities = _scalar(store, _ENTITIES, "n", space=ox.Literal(space))
    meta.add(ds, "void:entities", _int(int(entities.value) if entities else 0))
    _class_partitions(store, meta, ds)
    _vocabularies(store, meta, ds)
    meta.add(ds, "void:sparqlEndpoint", base_iri + "sparql")
    service = base_iri + "sparql#service"
    meta.add(service, "rdf:type", DCAT + "DataService")
    meta.add(service, "dcat:endpointURL", base_iri + "sparql")
    meta.add(service, "dcat:servesDataset", ds)
    meta.add(service, "dct:title", ox.Literal("govgraph SPARQL 1.1 endpoint", language="en"))
    meta.add(ds, "void:exampleResource", space + "forum/ctssm-bologna")
    meta.add(ds, "void:rootResource", ONTOLOGY)
    _distributions(meta, ds, base_iri, sizes)
    return meta.triples


def _class_partitions(store: Store, meta: _Meta, ds: str) -> None:
    result = store.query(_CLASSES)
    assert isinstance(result, ox.QuerySolutions)
    count = 0
    for row in result:
        cls, n = row["class"], row["n"]
        if not isinstance(cls, ox.NamedNode) or not isinstance(n, ox.Literal):
            continue
        count += 1
        part = ox.NamedNode(f"{ds}#class-{count}")
        meta.add(ds, "void:classPartition", part)
        meta.add(part, "void:class", cls)
        meta.add(part, "void:entities", _int(int(n.value)))
    meta.add(ds, "void:classes", _int(count))


def _vocabularies(store: Store, meta: _Meta, ds: str) -> None:
    result = store.query(_PREDICATES)
    assert isinstance(result, ox.QuerySolutions)
    used = {row["p"].value for row in result if isinstance(row["p"], ox.NamedNode)}
    for ns in sorted({ns for ns in PREFIXES.values() if any(p.startswith(ns) for p in used)}):
        meta.add(ds, "void:vocabulary", ns)


def _distributions(meta: _Meta, ds: str, base_iri: str,
                   sizes: Callable[[str], int | None]) -> None:
    for fmt in formats.dumps():
        for name, mtype in ((f"govgraph.{fmt.suffix}", fmt.media_type),
                            (f"govgraph.{fmt.suffix}.gz", "application/gzip")):
            url = f"{base_iri}dumps/{name}"
            size = sizes(name)
            if size is None:
                continue
            meta.add(ds, "void:dataDump", url)
            meta.add(ds, "dcat:distribution", url)
            meta.add(url, "rdf:type", DCAT + "Distribution")
            meta.add(url, "dcat:downloadURL", url)
            meta.add(url, "dcat:accessURL", url)
            meta.add(url, "dcat:mediaType",
                     "http://www.iana.org/assignments/media-types/" + mtype)
            if name.endswith(".gz"):
                meta.add(url, "dcat:packageFormat",
                         "http://www.iana.org/assignments/media-types/application/gzip")
            meta.add(url, "dcat:byteSize", ox.Literal(
                str(size), datatype=ox.NamedNode(XSD + "nonNegativeInteger")))
            meta.add(url, "dct:license", LICENSE)
            meta.add(url, "dct:title", ox.Literal(f"govgraph dump ({name})", language="en"))


# --- seats: who sits in which forum, on whose behalf ------------------------------------------

COORDINATOR_ROLE = PREFIXES["ggid"] + "concept/role/coordinator"
SECRETARIAT_ROLE = PREFIXES["ggid"] + "concept/role/secretariat"


@dataclass
class Seat:
    """A representation, membership, coordination or secretariat read from a page's
    neighbourhood."""

    node: str
    kind: str
    forum: str | None
    agent: str | None
    role: str | None
    principals: list[str]
    sources: list[str]
    quotes: list[str]
    dates: list[str]


def seats(g: Graph) -> list[Seat]:
    """Every seat-like statement of a neighbourhood graph, representations first."""
    found: list[Seat] = []
    for node in list(g.out):
        if g.has_type(node, "gg:Coordination"):
            kind, forum_p, agent_p, principal_p = ("coordination", "gg:coordinatedForum",
                                                   "gg:coordinator", "gg:inAgreementWith")
        elif g.has_type(node, "gg:Secretariat"):  # a function for the forum, not a seat in it
            kind, forum_p, agent_p, principal_p = ("secretariat", "gg:secretariatOf",
                                                   "gg:secretariatProvider", "gg:onBehalfOf")
        elif g.has_type(node, "gg:Representation", "org:Membership"):
            kind = "representation" if g.has_type(node, "gg:Representation") else "membership"
            forum_p, agent_p, principal_p = "org:organization", "org:member", "gg:onBehalfOf"
        else:
            continue
        role = next(iter(g.iris(node, _expand("org:role"))), None)
        quotes = [o.value for q in g.iris(node, _expand("gg:evidence"))
                  for o in g.objects(q, _expand("prov:value")) if isinstance(o, ox.Literal)]
        dates = [f"{label} {o.value}" for label, p in (("from", "gg:startDate"),
                                                      ("to", "gg:endDate"))
                 for o in g.objects(node, _expand(p))]
        found.append(Seat(
            node, kind, next(iter(g.iris(node, _expand(forum_p))), None),
            next(iter(g.iris(node, _expand(agent_p))), None),
            {"coordination": COORDINATOR_ROLE, "secretariat": SECRETARIAT_ROLE}.get(kind, role),
            g.iris(node, _expand(principal_p)), g.iris(node, _expand("prov:wasDerivedFrom")),
            quotes, dates))
    order = {"representation": 0, "coordination": 1, "membership": 2, "secretariat": 3}
    return sorted(found, key=lambda s: (order[s.kind], s.node))


_ENTITY_LIST = """
SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?space))) }
ORDER BY ?s"""


def entities(store: Store, space: str) -> list[str]:
    """Every subject IRI under ``space`` (``https://w3id.org/govgraph/id/``)."""
    result = store.query(_ENTITY_LIST, substitutions={"space": ox.Literal(space)})
    assert isinstance(result, ox.QuerySolutions)
    return [row["s"].value for row in result if isinstance(row["s"], ox.NamedNode)]
