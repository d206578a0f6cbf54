"""The municipality-coverage query (which health trusts and conferences cover a municipality) on
its own fixture (tests/fixtures/registry/territory.ttl + coverage.ttl), and properties of its
answers on the shipped data that stay true as trusts and conferences are added."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import OxigraphStore, load_store
from test_registry_queries import run as run_query

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


@pytest.fixture(scope="module")
def covered() -> OxigraphStore:
    fixtures = (sources.SourceFile.of(FIXTURES / n) for n in ("territory.ttl", "coverage.ttl"))
    return load_store([*sources.shipped(data=False), *fixtures])


def run(store: OxigraphStore, municipality: str) -> list[dict[str, str]]:
    return run_query(store, "municipality-coverage", municipality=municipality)


def short(iri: str) -> str:
    return iri.removeprefix(GGID)


def found(rows: list[dict[str, str]]) -> set[tuple[str, str, str, str]]:
    return {(r["coverage"], short(r["covering"]), r["how"], short(r["via"])) for r in rows}


def test_a_trust_and_a_forum_over_the_province_cover_its_municipality(
        covered: OxigraphStore) -> None:
    assert found(run(covered, "body/comune/901001")) == {
        ("trust", "body/asl-a", "territory", "body/uts/901"),
        ("forum", "forum/conferenza-a", "territory", "body/provincia-a"),
    }


def test_a_case_body_declared_the_same_stands_for_the_municipality(covered: OxigraphStore) -> None:
    assert found(run(covered, "body/comune-alfa")) == found(run(covered, "body/comune/901001"))


def test_an_ex_officio_seat_of_the_mayor_covers_the_municipality(covered: OxigraphStore) -> None:
    rows = run(covered, "body/comune/901002")
    assert ("forum", "forum/tavolo-s", "mayor-seat", "post/sindaco-beta") in found(rows)
    [seat] = [r for r in rows if r["how"] == "mayor-seat"]
    assert short(seat["statement"]) == "membership/sindaco-beta-tavolo-s"
    assert seat["quote"] == "Il sindaco di Beta è membro di diritto del Tavolo S."


def test_a_municipality_itself_and_a_region_are_territories_too(covered: OxigraphStore) -> None:
    # Gamma: the trust over it; not the university, not the seat that is not ex officio.
    assert found(run(covered, "body/comune/902001")) == {
        ("trust", "body/azienda-b", "territory", "body/comune/902001")}
    [row] = run(covered, "body/comune/903001")
    assert (short(row["covering"]), short(row["via"]), row["coveringLabel"]) == (
        "body/agenzia-r", "body/regione/92", "Agenzia R")
    assert (short(row["source"]), row["sourceLabel"], row["quote"]) == (
        "source/fixture-coverage", "Atto di prova", "L'Agenzia R copre la Regione Due.")


def test_what_is_no_municipality_has_no_coverage(covered: OxigraphStore) -> None:
    assert run(covered, "body/uts/901") == []


# ---- the shipped data: properties, not a list of cases

SEATS = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?forum (SAMPLE(?registry) AS ?municipality) WHERE {
  ?seat org:member ?post ; org:organization ?forum ; gg:exOfficio true .
  ?forum a gg:Forum .
  ?post org:role <https://w3id.org/govgraph/id/concept/role/mayor> ; org:postIn ?m .
  ?m owl:sameAs? ?registry .
  ?registry org:classification <https://w3id.org/govgraph/id/concept/body-kind/municipality> ;
            gg:withinTerritoryOf ?unit .
} GROUP BY ?forum"""

COVERED_UNITS = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?covering (SAMPLE(?m) AS ?municipality) WHERE {
  ?covering gg:coversTerritory ?area .
  { ?covering a gg:Forum } UNION { ?covering org:classification ?k
    VALUES ?k { <https://w3id.org/govgraph/id/concept/body-kind/local-health-authority>
                <https://w3id.org/govgraph/id/concept/body-kind/health-trust> } }
  ?m gg:withinTerritoryOf* ?area ;
     org:classification <https://w3id.org/govgraph/id/concept/body-kind/municipality> .
} GROUP BY ?covering"""


def pairs(store: OxigraphStore, sparql: str, a: str, b: str) -> list[tuple[str, str]]:
    return [(s[a].value, s[b].value) for s in store.query(sparql)]


def test_a_forum_with_a_mayors_ex_officio_seat_covers_that_municipality_with_a_quote(
        shipped_store: OxigraphStore) -> None:
    # One municipality per forum (any of its mayors' seats), so the test stays cheap as data grows.
    seats = pairs(shipped_store, SEATS, "municipality", "forum")
    assert seats, "no ex-officio seat of a registry municipality's mayor in the shipped data"
    for municipality, forum in seats:
        rows = [r for r in run(shipped_store, municipality)
                if r["covering"] == forum and r["how"] == "mayor-seat"]
        assert rows, f"{forum} not found for {municipality}"
        assert all(r.get("source") and r.get("quote") for r in rows), rows


def test_every_trust_or_forum_over_a_registry_node_covers_a_municipality_in_it(
        shipped_store: OxigraphStore) -> None:
    covering = pairs(shipped_store, COVERED_UNITS, "covering", "municipality")
    assert covering, "no trust or forum covers a registry node in the shipped data"
    for body, municipality in covering:
        rows = [r for r in run(shipped_store, municipality) if r["covering"] == body]
        assert rows and all(r["how"] == "territory" and r.get("source") for r in rows), (body, rows)
