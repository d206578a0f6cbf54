"""The fast engine reports exactly what pyshacl (the reference) reports.

Compared per result: (focus node, path, constraint component, source shape, severity) and the
value; blank nodes are compared as "a blank node" since each engine names them its own way. On
every fixture (tests/fixtures/invalid and valid), on the seed cases with faults planted by
SPARQL updates (written out as TriG), and with a user shape the compiler does not translate
(it must go to pyshacl, not be skipped).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from govgraph.rdf import sources
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.validation import fastshacl, sparqltext
from govgraph.validation.fastshacl import Hit
from govgraph.validation.validate import check, shapes_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("*valid/*.ttl"))
SEED_CASES = ROOT / "tests" / "fixtures" / "seed-cases"
Key = tuple[str, str | None, str, str, str, str | None]


def _blank(term: str | None) -> str | None:
    return None if term is None else re.sub(r"_:\w+", "_:", term)


def keys(hits: list[Hit]) -> Counter[Key]:
    return Counter({(_blank(h.focus) or "", h.path, h.component, h.shape, h.severity,
                     _blank(h.value)) for h in hits})


def both(store: OxigraphStore, shapes: rdflib.Graph | None = None
         ) -> tuple[Counter[Key], Counter[Key], list[str]]:
    shapes = shapes if shapes is not None else shapes_graph()
    reference, _ = check(store, shapes, "pyshacl")
    fast, fallback = check(store, shapes, "fast")
    return keys(reference), keys(fast), fallback


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.stem}" for p in FIXTURES])
def test_fixture_same_results(path: Path) -> None:
    reference, fast, fallback = both(load_store(sources.with_context([path])))
    assert fallback == [], "every govgraph shape compiles"
    assert fast == reference, (f"only pyshacl: {reference - fast}\n"
                               f"only fast: {fast - reference}")
    if path.parent.name == "invalid":
        assert reference, "an invalid fixture gives results"


#: Faults planted in the shipped data: (name, SPARQL update).
FAULTS = {
    "representation loses its source": """
        DELETE { GRAPH ?g { ?r prov:wasDerivedFrom ?s } } WHERE { { SELECT ?r WHERE {
          GRAPH ?h { ?r a gg:Representation } }
          ORDER BY ?r LIMIT 1 } GRAPH ?g { ?r prov:wasDerivedFrom ?s } }""",
    "date as text": """
        DELETE { GRAPH ?g { ?e gg:date ?d } } INSERT { GRAPH ?g { ?e gg:date "giugno 2022" } }
        WHERE { { SELECT ?e WHERE { GRAPH ?h { ?e gg:date ?x } }
          ORDER BY ?e LIMIT 1 }
                GRAPH ?g { ?e gg:date ?d } }""",
    "ill-typed date": """
        INSERT { GRAPH ggg:faults { ?d dct:date "2022-13-45"^^xsd:date } }
        WHERE { { SELECT ?d WHERE { GRAPH ?h { ?d a gg:SourceDocument } }
          ORDER BY DESC(?d) LIMIT 1 } }""",
    "second name": """
        INSERT { GRAPH ggg:faults { ?p foaf:name "Altro Nome" } }
        WHERE { { SELECT ?p WHERE { GRAPH ?h { ?p a foaf:Person } }
          ORDER BY ?p LIMIT 1 } }""",
    "label without language": """
        INSERT { GRAPH ggg:faults { ?b rdfs:label "senza lingua" } }
        WHERE { { SELECT ?b WHERE { GRAPH ?h { ?b a gg:Body } }
          ORDER BY ?b LIMIT 1 } }""",
    "quote ends before start": """
        DELETE { GRAPH ?g { ?q oa:end ?e } } INSERT { GRAPH ?g { ?q oa:end 1 } }
        WHERE { { SELECT ?q WHERE { GRAPH ?h { ?q oa:start ?s FILTER(?s > 5) } }
          ORDER BY ?q LIMIT 1 }
                GRAPH ?g { ?q oa:end ?e } }""",
    "negative offset": """
        INSERT { GRAPH ggg:faults { ?q oa:start -5 } }
        WHERE { { SELECT ?q WHERE { GRAPH ?h { ?q a gg:Quote } }
          ORDER BY DESC(?q) LIMIT 1 } }""",
    "second Italian prefLabel": """
        INSERT { GRAPH ggg:faults { ?c skos:prefLabel "doppione"@it } }
        WHERE { { SELECT ?c WHERE { GRAPH ?h { ?c a skos:Concept } }
          ORDER BY ?c LIMIT 1 } }""",
    "unknown identifier scheme": """
        DELETE { GRAPH ?g { ?i dct:type ?t } }
        INSERT { GRAPH ?g { ?i dct:type <https://w3id.org/govgraph/id/concept/x/y> } }
        WHERE { { SELECT ?i WHERE { GRAPH ?h { ?i a adms:Identifier } }
          ORDER BY ?i LIMIT 1 }
                GRAPH ?g { ?i dct:type ?t } }""",
    "member is a forum": """
        DELETE { GRAPH ?g { ?r org:member ?m } } INSERT { GRAPH ?g { ?r org:member ?f } }
        WHERE { { SELECT ?r ?f WHERE { GRAPH ?h { ?r a gg:Representation ; org:organization ?f } }
                  ORDER BY ?r LIMIT 1 } GRAPH ?g { ?r org:member ?m } }""",
    "source document loses its type": """
        DELETE { GRAPH ?g { ?d a gg:SourceDocument } }
        WHERE { { SELECT ?d WHERE { GRAPH ?h { ?d a gg:SourceDocument } }
          ORDER BY ?d LIMIT 1 }
                GRAPH ?g { ?d a gg:SourceDocument } }""",
    "blank-node principal": """
        INSERT { GRAPH ggg:faults { ?r gg:onBehalfOf [ a gg:Body ] } }
        WHERE { { SELECT ?r WHERE { GRAPH ?h { ?r a gg:Representation } }
          ORDER BY DESC(?r) LIMIT 1 } }""",
}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[OxigraphStore, Path]:
    """The two seed cases (a copy kept in tests/fixtures/seed-cases, so that pyshacl's time
    does not grow with the shipped data) with every fault planted, as one TriG file (+ the
    ontology). The registry's shapes are compared on their own fixtures
    (test_fixture_same_results)."""
    store = load_store(sources.shipped(data=False) + [
        sources.SourceFile.of(p) for p in sorted(SEED_CASES.glob("*.ttl"))])
    for name, update in FAULTS.items():
        before = set(store.inner)
        store.inner.update(update, prefixes=dict(fastshacl_prefixes()))
        assert set(store.inner) != before, f"fault not planted: {name}"
    path = tmp_path_factory.mktemp("faulty") / "faulty.trig"
    store.inner.dump(str(path), ox.RdfFormat.TRIG)
    return load_store([sources.SourceFile.of(path)]), path


def fastshacl_prefixes() -> dict[str, str]:
    from govgraph.rdf.namespaces import PREFIXES
    return PREFIXES


def test_shipped_data_with_faults_same_results(faulty: tuple[OxigraphStore, Path]) -> None:
    reference, fast, fallback = both(faulty[0])
    assert fallback == []
    assert fast == reference, (f"only pyshacl: {reference - fast}\n"
                               f"only fast: {fast - reference}")
    fired = {k[3].rsplit("#", 1)[-1] for k in reference}
    # one shape per planted fault, at least: the faults are seen, not only agreed on
    assert len(fired) >= len(FAULTS), sorted(fired)
    assert {"QuoteShape-endAfterStart", "ConceptShape-prefLabel", "IdentifierShape-scheme",
            "QuoteShape-start"} <= fired


UNCOMPILED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <https://example.org/shapes#> .
ex:PersonNamePattern a sh:NodeShape ;
    sh:targetClass foaf:Person ;
    sh:property ex:PersonNamePattern-name .
ex:PersonNamePattern-name a sh:PropertyShape ;
    sh:path foaf:name ;
    sh:pattern "^[A-Z][a-z]+ [A-Z]" ;
    sh:message "A name is 'Given Family', capitalised."@en .
"""


def test_uncompiled_shape_falls_back_to_pyshacl(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(UNCOMPILED, encoding="utf-8")
    shapes = shapes_graph([extra])
    plan = fastshacl.compile_shapes(shapes, load_store(sources.with_context([])))
    assert [str(s) for s in plan.fallback] == ["https://example.org/shapes#PersonNamePattern"]
    store = load_store(sources.with_context([]))  # the ontology and reference data
    store.inner.update('INSERT DATA { GRAPH <urn:x> { <https://w3id.org/govgraph/id/person/x> '
                       'a foaf:Person ; foaf:name "nome minuscolo" } }',
                       prefixes=fastshacl_prefixes())
    reference, fast, fallback = both(store, shapes)
    assert fallback == ["https://example.org/shapes#PersonNamePattern"]
    assert fast == reference
    pattern = [k for k in fast if k[2].endswith("PatternConstraintComponent")]
    assert [k[0] for k in pattern] == ["https://w3id.org/govgraph/id/person/x"], pattern


def test_not_exists_rewrite_only_where_it_means_the_same() -> None:
    simple = "?this gg:x ?value . FILTER NOT EXISTS { ?value a/rdfs:subClassOf* ?c . " \
             "FILTER(?c IN (gg:A)) }"
    rewritten = sparqltext.not_exists_rewrite(simple)
    assert "NOT EXISTS" not in rewritten and "OPTIONAL" in rewritten and "!BOUND" in rewritten
    outer_var = "?this gg:x ?v . FILTER NOT EXISTS { ?v gg:y ?w . FILTER(?w > ?v2) }"
    assert sparqltext.not_exists_rewrite(outer_var) == outer_var  # ?v2 is not bound inside
    optional = "?this gg:x ?v . OPTIONAL { ?v gg:z ?z } FILTER NOT EXISTS { ?v gg:y ?w }"
    assert sparqltext.not_exists_rewrite(optional) == optional
