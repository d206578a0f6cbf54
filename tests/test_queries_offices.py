"""The named queries of issue 15 (offices, elections, appointments, forum profile, ex-officio
seats, event roles) on the phrase fixtures of tests/fixtures/phrases/, not on shipped data.

The fixtures are loaded with the ontology and the reference data (as `govgraph validate`
loads a file), so the rows below are exactly what those test documents say.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgraph.querying import queries
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import OxigraphStore, load_store

ROOT = Path(__file__).resolve().parents[1]
PHRASES = sorted((ROOT / "tests" / "fixtures" / "phrases").glob("*.ttl"))
CONF = ID + "forum/fixture-conferenza-sindaci-valprova"
UFFICIO = ID + "forum/fixture-ufficio-presidenza-conferenza-valprova"
BRUNI = ID + "person/fixture-anna-bruni"
PRESIDENT = ID + "concept/role/president"
PRESIDENT_POST = ID + "post/fixture-presidente-conferenza-valprova"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load_store(sources.with_context(PHRASES))


def run(store: OxigraphStore, name: str, **params: str) -> list[dict[str, str]]:
    result = queries.run_named_query(store, queries.get(name), params)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_office_holders_of_the_conference(store: OxigraphStore) -> None:
    rows = run(store, "office-holders", forum=CONF)
    offices = {(r["person"], r["role"]) for r in rows}
    assert offices == {(BRUNI, PRESIDENT),
                       (ID + "person/fixture-carlo-dini", ID + "concept/role/vice-president")}
    bruni = [r for r in rows if r["person"] == BRUNI]
    assert {r["start"] for r in bruni} == {"2024-06-28"}
    assert {r["appointmentKindLabel"] for r in bruni} == {"Elezione"}
    assert all(r["source"].startswith(ID + "source/fixture-phrase-") and r["quote"] for r in rows)


def test_office_holders_as_of_and_filters(store: OxigraphStore) -> None:
    before = run(store, "office-holders", forum=CONF, as_of="2024-01-01")
    assert BRUNI not in {r["person"] for r in before}  # president only from 2024-06-28
    assert ID + "person/fixture-carlo-dini" in {r["person"] for r in before}  # undated: kept
    rectors = run(store, "office-holders", role=ID + "concept/role/rector")
    assert [r["personLabel"] for r in rectors] == ["Elena Ferri"]
    mayors = run(store, "office-holders", person=BRUNI, role=ID + "concept/role/mayor")
    assert [r["organizationLabel"] for r in mayors] == ["Comune di Altopiano"]
    assert run(store, "office-holders", body=ID + "body/fixture-universita")[0]["roleLabel"] \
        == "Rettore"


def test_elections_with_counts_and_positions(store: OxigraphStore) -> None:
    rows = [r for r in run(store, "elections", forum=CONF) if "voteEvent" in r]
    assert len(rows) == 1
    row = rows[0]
    assert row["person"] == BRUNI and row["role"] == PRESIDENT
    assert row["session"] == ID + "event/fixture-seduta-conferenza-valprova-2024-06-28"
    assert row["outcomeLabel"] == "A larga maggioranza"
    counts = set(row["counts"].split("; "))
    assert {"present=38", "eligible-voters=45", "inhabitants-represented=410000", "quorum=30",
            "votes-for=114 (Anna Bruni) weighted", "votes-for=62 (Ivo Serra) weighted",
            "inhabitants-represented=72%"} == counts  # a percentage with its unit
    assert set(row["positions"].split("; ")) == {"Ugo Valli: against",
                                                  "Rita Zanetti: abstention"}


def test_elections_without_a_vote_are_listed(store: OxigraphStore) -> None:
    rows = run(store, "elections", person=BRUNI)
    plain = [r for r in rows if "voteEvent" not in r]
    assert [r["appointment"] for r in plain] == [ID + "appointment/fixture-elezione-bruni"]


def test_appointments_are_not_representations(store: OxigraphStore) -> None:
    rows = run(store, "appointments", forum=ID + "forum/fixture-gruppo-esperti-valprova")
    by_person = {r["personLabel"]: r for r in rows}
    assert set(by_person) == {"Paola Neri", "Marco Rizzi", "Sara Testa"}
    assert by_person["Paola Neri"]["agentLabel"] == "Università di Valprova"
    assert by_person["Paola Neri"]["kindLabel"] == "Proposta"
    assert by_person["Marco Rizzi"]["kindLabel"] == "Indicazione"
    assert by_person["Sara Testa"]["roleLabel"] == "Coordinatore"
    assert all(r.get("onBehalfOf", "") == "" for r in rows)  # appointed, not representing
    regione = run(store, "appointments", by=ID + "body/fixture-regione")
    assert [r["personLabel"] for r in regione] == ["Sara Testa"]


def test_forum_profile_sections(store: OxigraphStore) -> None:
    rows = run(store, "forum-profile", forum=CONF)
    sections = {r["section"] for r in rows}
    assert {"kind", "territory", "organ", "term", "officer", "seat", "figure"} <= sections
    assert (CONF, "concept/forum-kind/mayors-conference") in {
        (r["scope"], r["detail"].removeprefix(ID)) for r in rows if r["section"] == "kind"}
    assert {r["value"] for r in rows if r["section"] == "term"} == {"P4Y"}
    figures = {(r["scope"], r["detailLabel"], r["value"]) for r in rows if r["section"] == "figure"}
    assert (CONF, "Enti componenti", "45") in figures
    # a percentage shows its unit; a count stays a number
    assert {(CONF, "Quorum", "58%"), (CONF, "Abitanti rappresentati", "60%")} <= figures
    ex_officio = [r for r in rows if r["section"] == "seat" and r["scope"] == UFFICIO]
    assert len(ex_officio) == 6 and all(r["value"] == "ex officio" for r in ex_officio)
    # facts about forums themselves (organs, territory) carry a source only where the forum does
    assert all(r["source"] and r["quote"] for r in rows
               if r["section"] not in ("kind", "organ", "territory"))


def test_forum_profile_mandate_and_milestones(store: OxigraphStore) -> None:
    rows = run(store, "forum-profile", forum=ID + "forum/fixture-gruppo-esperti-valprova")
    milestones = sorted((r.get("date", ""), r["value"]) for r in rows
                        if r["section"] == "milestone")
    assert milestones == [("", "relazione finale, inviata alla Regione"),
                          ("2024-09-30", "documento intermedio"),
                          ("2024-12", "relazione finale")]


def test_ex_officio_seat_shows_who_held_the_office(store: OxigraphStore) -> None:
    rows = run(store, "forum-members", forum=UFFICIO, as_of="2024-07-01")
    by_post = {r["via"]: r for r in rows}
    assert by_post[PRESIDENT_POST]["exOfficio"] == "true"
    assert by_post[PRESIDENT_POST]["holderLabel"] == "Anna Bruni"
    assert "holder" not in by_post[ID + "post/fixture-sindaco-castelrotto"]  # not known
    early = run(store, "forum-members", forum=UFFICIO, as_of="2024-01-01")
    assert "holder" not in next(r for r in early if r["via"] == PRESIDENT_POST)  # from 06-28
    # an office-holding without dates is kept on any date: the source does not say it ended
    assert next(r for r in early if r["via"] == ID + "post/fixture-sindaco-borgofiume")[
        "holderLabel"] == "Carlo Dini"
    reps = run(store, "representations", forum=UFFICIO, as_of="2024-07-01")
    assert [(r["agent"], r["exOfficio"], r["holderLabel"]) for r in reps] == [
        (ID + "post/fixture-sindaco-borgofiume", "true", "Carlo Dini")]


def test_timeline_shows_new_events_and_roles(store: OxigraphStore) -> None:
    rows = run(store, "timeline", forum=CONF)
    types = {r["types"] for r in rows}
    assert {"Appointment", "VoteEvent", "Session"} <= types
    meeting = next(r for r in rows
                   if r["event"] == ID + "event/fixture-incontro-conferenza-valprova")
    assert set(meeting["roles"].split("; ")) == {
        "convenedBy: Franco Gatti", "organisedBy: Azienda sanitaria di Valprova",
        "coordinatedBy: Azienda sanitaria di Valprova", "chairedBy: Anna Bruni",
        "heldAt: Sala delle Colonne"}


def test_cli_answers_from_the_fixture_files() -> None:
    args = [a for p in PHRASES for a in ("--data", str(p))]
    done = subprocess.run([sys.executable, "-m", "govgraph", "query", "office-holders",
                           "--param", f"forum={CONF}", "--format", "json", *args],
                          capture_output=True, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    people = {b["person"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]}
    assert BRUNI in people


def test_api_answers_from_a_fixture_store(store: OxigraphStore,
                                          make_server: Callable[..., Any]) -> None:
    server = make_server(store)
    answer = httpx.get(f"{server.url}/api/queries/elections", params={"forum": CONF}, timeout=60)
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    assert any(r.get("positions", {}).get("value") for r in rows)
