"""The query body-members on its own fixture (tests/fixtures/queries/members.ttl): the members
of a body (an office-holding is none), the bodies a group names, the parties of an agreement
and whom it was signed for, and both sides of an act made "d'intesa con"; each row with its
source and quote where the statement has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph.querying import queries
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import OxigraphStore, load_store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "queries" / "members.ttl"
CONSORZIO, ALTO, BASSO, REGIONE, UNIVERSITA = (
    ID + "body/fixture-" + s for s in ("consorzio", "alto", "basso", "regione", "universita"))
INTESA = ID + "instrument/fixture-intesa"
NOMINA = ID + "appointment/fixture-nomina-bianchi"
QUOTE_01 = "Il Consorzio riunisce i Comuni di Alto e di Basso; lo presiede Anna Bianchi."

Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load_store([sources.SourceFile.of(FIXTURE)])


def run(store: OxigraphStore, **params: str) -> Rows:
    result = queries.run_named_query(store, queries.get("body-members"), params)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_members_of_a_consortium_not_its_president(store: OxigraphStore) -> None:
    rows = run(store, of=CONSORZIO)
    assert {(r["how"], r["member"]) for r in rows} == {("member", ALTO), ("member", BASSO)}
    assert {r["memberLabel"] for r in rows} == {"Comune di Alto", "Comune di Basso"}
    assert all(r["kindLabel"] == "Consorzio sociosanitario (Società della Salute)"
               and r["roleLabel"] == "Componente" and r["quote"] == QUOTE_01
               and r["source"] == ID + "source/fixture-members" for r in rows)


def test_parties_and_signings_of_an_agreement(store: OxigraphStore) -> None:
    rows = run(store, of=INTESA)
    assert {(r["how"], r["member"]) for r in rows} == {
        ("party", REGIONE), ("party", UNIVERSITA), ("signed-for", UNIVERSITA)}
    signed = next(r for r in rows if r["how"] == "signed-for")
    assert signed["viaLabel"] == "Mario Verdi"
    assert signed["statement"] == ID + "event/fixture-firma-intesa-universita"
    assert all(r["quote"].startswith("La Regione e l'Università firmano") for r in rows)
    assert all("kind" not in r for r in rows)  # an agreement has no body kind


def test_both_sides_of_an_act_made_in_agreement(store: OxigraphStore) -> None:
    rows = run(store, of=NOMINA)
    assert {(r["how"], r["member"]) for r in rows} == {
        ("acting", REGIONE), ("in-agreement-with", UNIVERSITA)}


def test_what_a_body_belongs_to(store: OxigraphStore) -> None:
    """The converse, by the member parameter: the consortium, the group and the agreement."""
    rows = run(store, member=UNIVERSITA)
    assert {(r["how"], r["whole"]) for r in rows} == {
        ("party", INTESA), ("signed-for", INTESA), ("in-agreement-with", NOMINA)}
    wholes = {r["whole"]: r["how"] for r in run(store, member=ALTO)}
    assert wholes == {CONSORZIO: "member", ID + "body/fixture-comuni-alto-basso": "grouped"}
