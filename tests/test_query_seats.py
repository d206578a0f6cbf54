"""Who a forum's seats are, as forum-members and representations list them, on fixture data
(tests/fixtures/queries/seats.ttl), through the command line and the API: a person or post with
a plain membership is no body and nobody's principal; the secretariat is no member."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgraph.rdf import sources
from govgraph.rdf.store import load_store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "queries" / "seats.ttl"
ID = "https://w3id.org/govgraph/id/"
FORUM = ID + "forum/fixture-tavolo"
COMUNE, REGIONE, UFFICIO = (ID + "body/fixture-" + s for s in ("comune", "regione", "ufficio"))
ANNA, MARIO = ID + "person/fixture-anna-bianchi", ID + "person/fixture-mario-verdi"
DIRETTORE = ID + "post/fixture-direttore"
GG, ORG = "https://w3id.org/govgraph/ontology#", "http://www.w3.org/ns/org#"

Rows = list[dict[str, str]]


def _rows(doc: dict[str, Any]) -> Rows:
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def _cli(name: str, params: dict[str, str]) -> Rows:
    args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    proc = subprocess.run(
        [sys.executable, "-m", "govgraph", "query", name, "--data", str(FIXTURE), *args,
         "--format", "json"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return _rows(json.loads(proc.stdout))


@pytest.fixture(scope="module")
def fixture_store() -> Any:
    return load_store([sources.SourceFile.of(FIXTURE)])


@pytest.fixture(params=["cli", "api"])
def ask(request: pytest.FixtureRequest, make_server: Callable[..., Any],
        fixture_store: Any) -> Callable[[str, dict[str, str]], Rows]:
    if request.param == "cli":
        return _cli
    server = make_server(fixture_store)

    def api(name: str, params: dict[str, str]) -> Rows:
        answer = httpx.get(f"{server.url}/api/queries/{name}", params=params, timeout=60)
        assert answer.status_code == 200, answer.text
        return _rows(answer.json())
    return api


def test_forum_members_keeps_persons_and_posts_out_of_the_bodies(ask: Callable[..., Rows]) -> None:
    rows = ask("forum-members", {"forum": FORUM})
    bodies = {r.get("body") for r in rows}
    assert ANNA not in bodies and DIRETTORE not in bodies
    own = [(r.get("body"), r["via"], r["seatType"]) for r in rows
           if r.get("via") in (ANNA, DIRETTORE)]
    # members in their own right: listed through themselves, for no body
    assert sorted(own) == sorted([(None, ANNA, ORG + "Membership"),
                                  (None, DIRETTORE, ORG + "Membership")])
    assert (REGIONE, MARIO, GG + "Representation") in {
        (r.get("body"), r.get("via"), r["seatType"]) for r in rows}
    assert (COMUNE, None) in {(r.get("body"), r.get("via")) for r in rows}


def test_forum_members_says_secretariat_not_member(ask: Callable[..., Rows]) -> None:
    rows = [r for r in ask("forum-members", {"forum": FORUM}) if r.get("body") == UFFICIO]
    assert len(rows) == 1
    assert rows[0]["seatType"] == GG + "Secretariat"
    assert rows[0]["role"] == ID + "concept/role/secretariat"
    assert rows[0]["roleLabel"] == "Segreteria"
    assert "segreteria" in rows[0]["quote"]


def test_representations_lists_no_person_as_its_own_principal(ask: Callable[..., Rows]) -> None:
    rows = ask("representations", {"forum": FORUM, "include_memberships": "true"})
    assert {(r["agent"], r["principal"]) for r in rows} == {(COMUNE, COMUNE), (MARIO, REGIONE)}
    assert ask("representations", {"principal": ANNA, "include_memberships": "true"}) == []
