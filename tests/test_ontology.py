"""The ontology files: they parse, they are documented in Italian and English, and they declare
every gg: term that the data, the shapes and the queries use.

Standalone on purpose: it reads ontology/*.ttl with rdflib and scans data/, shapes/ and queries/
as text, so it does not depend on anything the govgraph package exposes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILES = ("govgraph.ttl", "vocabularies.ttl", "alignments.ttl")

GG_NS = "https://w3id.org/govgraph/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/govgraph/ontology")
VERSION_IRI = URIRef("https://w3id.org/govgraph/ontology/0.1.0")
ID_NS = "https://w3id.org/govgraph/id/"
VANN = Namespace("http://purl.org/vocab/vann/")
ORG = Namespace("http://www.w3.org/ns/org#")

# The concept schemes that ontology/vocabularies.ttl owns (case-specific schemes live in data/).
OWNED_SCHEMES = ("body-kind", "forum-kind", "role", "mandate-status", "identifier-scheme",
                 "appointment-kind", "vote-option", "vote-outcome", "figure-kind", "figure-unit",
                 "territory-kind")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              RDFS.Datatype, RDF.Property)

LOCAL_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
FULL_IRI_RE = re.compile(re.escape(GG_NS) + f"({LOCAL_NAME})")
# "gg:" not preceded by anything that would make it part of another prefix (ggg:, ggid:) or an IRI.
PREFIXED_RE = re.compile(rf"(?<![\w:/#.-])gg:({LOCAL_NAME})")
TURTLE_PREFIX_RE = re.compile(r"(?i)(?:@prefix|\bprefix)\s+gg:\s*<([^>]*)>")
SHACL_PREFIX_RE = re.compile(r'sh:prefix\s+"gg"\s*;\s*sh:namespace\s+"([^"]*)"')
CONCEPT_RE = re.compile(re.escape(ID_NS) + r"concept/([a-z0-9-]+)/([A-Za-z0-9_-]+)"
                        r"|(?<![\w:/#.-])ggid:concept/([a-z0-9-]+)/([A-Za-z0-9_-]+)")


@cache
def parsed(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name, format="turtle")


@cache
def declared_terms() -> frozenset[str]:
    """Local names of the gg: terms govgraph.ttl declares (a class, property or datatype)."""
    graph = parsed("govgraph.ttl")
    names = set()
    for term_type in TERM_TYPES:
        for subject in graph.subjects(RDF.type, term_type):
            if isinstance(subject, URIRef) and str(subject).startswith(GG_NS):
                names.add(str(subject)[len(GG_NS):])
    return frozenset(names)


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {str(o.language) for o in graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.language}


def gg_terms_in_text(text: str) -> set[str]:
    """gg: local names a file uses: full IRIs always, prefixed names where gg: may be ours."""
    used = set(FULL_IRI_RE.findall(text))
    bound_to = TURTLE_PREFIX_RE.findall(text) + SHACL_PREFIX_RE.findall(text)
    # A file that binds gg: to the ontology namespace, or does not bind it at all (queries may
    # get the contract's prefixes from the service), uses our gg:; one binding it elsewhere not.
    if not bound_to or GG_NS in bound_to:
        used |= set(PREFIXED_RE.findall(text))
    return used


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for folder, patterns in (("data", ("*.ttl", "*.trig")), ("shapes", ("*.ttl", "*.trig")),
                             ("queries", ("*.rq",))):
        for pattern in patterns:
            files.extend(sorted((ROOT / folder).rglob(pattern)))
    return files


# --- (a) every file parses -------------------------------------------------------------------

@pytest.mark.parametrize("name", ONTOLOGY_FILES)
def test_ontology_file_parses(name: str) -> None:
    assert (ONTOLOGY_DIR / name).is_file(), f"ontology/{name} is missing"
    assert len(parsed(name)) > 0, f"ontology/{name} is empty"


# --- (b) the ontology header -------------------------------------------------------------------

def test_exactly_one_ontology_header_with_metadata() -> None:
    graph = parsed("govgraph.ttl")
    headers = list(graph.subjects(RDF.type, OWL.Ontology))
    assert headers == [ONTOLOGY_IRI], f"expected one owl:Ontology {ONTOLOGY_IRI}, found {headers}"
    onto = ONTOLOGY_IRI
    assert graph.value(onto, OWL.versionIRI) == VERSION_IRI
    assert str(graph.value(onto, OWL.versionInfo)) == "0.1.0"
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {"it", "en"} <= languages(graph, onto, predicate), f"{predicate} needs @it and @en"
    assert graph.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(graph.value(onto, DCTERMS.creator)) == "govgraph contributors"
    for predicate in (DCTERMS.created, DCTERMS.modified):
        value = graph.value(onto, predicate)
        assert isinstance(value, Literal), f"{predicate} missing"
        assert value.datatype == XSD.date, f"{predicate} must be xsd:date"
    assert str(graph.value(onto, VANN.preferredNamespacePrefix)) == "gg"
    assert str(graph.value(onto, VANN.preferredNamespaceUri)) == GG_NS
    assert (onto, OWL.imports, None) not in graph, "reference external terms, do not import"


def test_alignments_header_belongs_to_the_ontology() -> None:
    graph = parsed("alignments.ttl")
    headers = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 1
    assert (headers[0], DCTERMS.isPartOf, ONTOLOGY_IRI) in graph


def test_imprecise_date_is_the_union_of_the_three_date_types() -> None:
    graph = parsed("govgraph.ttl")
    datatype = URIRef(GG_NS + "ImpreciseDate")
    assert (datatype, RDF.type, RDFS.Datatype) in graph
    union = graph.value(graph.value(datatype, OWL.equivalentClass), OWL.unionOf)
    assert union is not None
    assert set(Collection(graph, union)) == {XSD.date, XSD.gYearMonth, XSD.gYear}


# --- (c) every gg: term is documented in both languages ----------------------------------------

def test_gg_terms_are_declared() -> None:
    assert declared_terms(), "govgraph.ttl declares no gg: term"


TERMS = sorted(declared_terms()) if (ONTOLOGY_DIR / "govgraph.ttl").is_file() else []


@pytest.mark.parametrize("name", TERMS)
def test_term_has_bilingual_label_and_definition(name: str) -> None:
    graph = parsed("govgraph.ttl")
    term = URIRef(GG_NS + name)
    for predicate in (RDFS.label, SKOS.definition):
        found = languages(graph, term, predicate)
        assert {"it", "en"} <= found, f"gg:{name} {predicate}: has {sorted(found)}, needs it and en"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph, f"gg:{name} lacks rdfs:isDefinedBy"


def test_properties_are_object_or_datatype_properties() -> None:
    graph = parsed("govgraph.ttl")
    for name in declared_terms():
        term = URIRef(GG_NS + name)
        kinds = {t for t in graph.objects(term, RDF.type)
                 if t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class, RDFS.Datatype)}
        assert len(kinds) == 1, f"gg:{name}: exactly one of class, datatype, object/data property"


def test_every_gg_iri_in_the_ontology_files_is_declared() -> None:
    for name in ONTOLOGY_FILES:
        graph = parsed(name)
        used = {str(node)[len(GG_NS):] for triple in graph for node in triple
                if isinstance(node, URIRef) and str(node).startswith(GG_NS)}
        missing = used - declared_terms()
        assert not missing, f"ontology/{name} uses undeclared gg: terms {sorted(missing)}"


def test_terms_of_docs_model_are_declared() -> None:
    model = ROOT / "docs" / "model.md"
    if not model.is_file():
        pytest.skip("docs/model.md not present")
    named = set(PREFIXED_RE.findall(model.read_text(encoding="utf-8")))
    missing = named - declared_terms()
    assert not missing, f"terms named in docs/model.md but not declared: {sorted(missing)}"


# --- (d) the concept schemes ---------------------------------------------------------------------

def test_concepts_have_bilingual_labels_and_a_scheme() -> None:
    graph = parsed("vocabularies.ttl")
    schemes = {s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)}
    concepts = {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    assert concepts, "vocabularies.ttl has no skos:Concept"
    problems = []
    for concept in sorted(concepts):
        for predicate in (SKOS.prefLabel, SKOS.definition):
            found = languages(graph, concept, predicate)
            if not {"it", "en"} <= found:
                problems.append(f"{concept} {predicate}: {sorted(found)}")
        for lang in ("it", "en"):
            labels = [o for o in graph.objects(concept, SKOS.prefLabel)
                      if isinstance(o, Literal) and o.language == lang]
            if len(labels) > 1:
                problems.append(f"{concept}: {len(labels)} prefLabels @{lang}")
        in_schemes = {str(o) for o in graph.objects(concept, SKOS.inScheme)}
        if not in_schemes or not in_schemes <= {str(s) for s in schemes}:
            problems.append(f"{concept}: skos:inScheme {sorted(in_schemes)} not a declared scheme")
        for scheme in graph.objects(concept, SKOS.topConceptOf):
            if (scheme, SKOS.hasTopConcept, concept) not in graph or str(scheme) not in in_schemes:
                problems.append(f"{concept}: topConceptOf {scheme} without hasTopConcept/inScheme")
    assert not problems, "\n".join(problems)


def test_owned_schemes_and_iri_patterns() -> None:
    graph = parsed("vocabularies.ttl")
    for scheme_name in OWNED_SCHEMES:
        scheme = URIRef(f"{ID_NS}scheme/{scheme_name}")
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, f"missing scheme {scheme_name}"
        assert {"it", "en"} <= languages(graph, scheme, SKOS.prefLabel)
        members = set(graph.subjects(SKOS.inScheme, scheme))
        assert members, f"scheme {scheme_name} has no concepts"
        for concept in members:
            assert str(concept).startswith(f"{ID_NS}concept/{scheme_name}/"), concept
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{ID_NS}scheme/role")):
        assert (concept, RDF.type, ORG.Role) in graph, f"{concept} must also be an org:Role"
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{ID_NS}scheme/identifier-scheme")):
        assert graph.value(concept, SKOS.notation) is not None, f"{concept} needs skos:notation"


def test_concepts_of_docs_model_exist() -> None:
    model = ROOT / "docs" / "model.md"
    if not model.is_file():
        pytest.skip("docs/model.md not present")
    graph = parsed("vocabularies.ttl")
    text = model.read_text(encoding="utf-8")
    missing = []
    for scheme_name, listing in re.findall(r"`([a-z-]+)` \(([^)]*)\)", text):
        if scheme_name not in OWNED_SCHEMES:
            continue
        for slug in (s.strip() for s in listing.split(";")[0].split(",")):
            concept = URIRef(f"{ID_NS}concept/{scheme_name}/{slug}")
            if slug and (concept, RDF.type, SKOS.Concept) not in graph:
                missing.append(f"{scheme_name}/{slug}")
    assert not missing, f"concepts listed in docs/model.md but not in vocabularies.ttl: {missing}"


# --- (e) every gg: term (and owned concept) the data, shapes and queries use is declared ------

FILES = scanned_files()
FILE_PARAMS: list[Path | None] = list(FILES) or [None]
FILE_IDS = [str(p.relative_to(ROOT)) for p in FILES] or ["none"]


@pytest.mark.parametrize("path", FILE_PARAMS, ids=FILE_IDS)
def test_used_terms_are_declared(path: Path | None) -> None:
    if path is None or not path.is_file():
        pytest.skip("no data, shapes or query files yet")
    text = path.read_text(encoding="utf-8")
    missing = gg_terms_in_text(text) - declared_terms()
    where = path.relative_to(ROOT)
    assert not missing, f"{where} uses gg: terms not declared in govgraph.ttl: {sorted(missing)}"


@pytest.mark.parametrize("path", FILE_PARAMS, ids=FILE_IDS)
def test_used_concepts_of_owned_schemes_exist(path: Path | None) -> None:
    if path is None or not path.is_file():
        pytest.skip("no data, shapes or query files yet")
    graph = parsed("vocabularies.ttl")
    text = path.read_text(encoding="utf-8")
    missing = set()
    for match in CONCEPT_RE.findall(text):
        scheme_name, slug = (match[0], match[1]) if match[0] else (match[2], match[3])
        if scheme_name in OWNED_SCHEMES:
            concept = URIRef(f"{ID_NS}concept/{scheme_name}/{slug}")
            if (concept, RDF.type, SKOS.Concept) not in graph:
                missing.add(f"{scheme_name}/{slug}")
    where = path.relative_to(ROOT)
    assert not missing, f"{where} uses concepts not in vocabularies.ttl: {sorted(missing)}"


def test_scanner_catches_undeclared_terms() -> None:
    """The scanner: prefixed names and full IRIs count; other prefixes and a foreign gg: do not."""
    turtle = (f"@prefix gg: <{GG_NS}> .\n@prefix ggid: <{ID_NS}> .\n"
              f"ggid:x a gg:Representation ; gg:noSuchTerm 1 ; <{GG_NS}alsoMissing> 2 .\n"
              "# ggg:other ggid:concept/x\n")
    assert gg_terms_in_text(turtle) - declared_terms() == {"noSuchTerm", "alsoMissing"}
    foreign = "@prefix gg: <http://example.org/other#> .\nex:x gg:whatever 1 .\n"
    assert gg_terms_in_text(foreign) == set()
    query = "SELECT ?r WHERE { ?r a gg:Representation ; gg:onBehalfOf ?p }"
    assert gg_terms_in_text(query) == {"Representation", "onBehalfOf"}
