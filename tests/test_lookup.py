"""`govgraph find` and /api/lookup: one look-up, accent- and case-insensitive, by prefix, by
word and by identifier, over the seed cases' snapshot (tests/fixtures/seed-cases/) or, for
properties that hold whatever the data, over the shipped data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import LiveServer
from govgraph.authoring import lookup
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import OxigraphStore, load_store

ROOT = Path(__file__).resolve().parents[1]
SEED_CASES = ROOT / "tests" / "fixtures" / "seed-cases"


@pytest.fixture(scope="module")
def seed() -> OxigraphStore:
    return load_store(sources.shipped(data=False) +
                      [sources.SourceFile.of(p) for p in sorted(SEED_CASES.glob("*.ttl"))])


def ids(matches: list[lookup.Match]) -> list[str]:
    return [m.entity.iri.removeprefix(GGID) for m in matches]


@pytest.mark.parametrize("query", ["Università di Bologna", "universita di bologna",
                                   "UNIVERSITÀ", "univ bol", "Alma Mater", "Q131262"])
def test_names_and_identifiers_find_the_entity(seed: OxigraphStore, query: str) -> None:
    assert "body/universita-bologna" in ids(lookup.find(seed, query))


def test_exact_name_comes_first_and_kinds_filter(seed: OxigraphStore) -> None:
    found = lookup.find(seed, "Comune di Bologna")
    assert ids(found)[0] == "body/comune-bologna" and found[0].score == 100
    assert found[0].entity.kind == "gg:Body"
    assert ("istat-municipality", "037006") in found[0].entity.identifiers
    assert ids(lookup.find(seed, "037006")) == ["body/comune-bologna"]
    assert all(m.entity.kind == "gg:Forum" for m in lookup.find(seed, "bologna", kind="Forum"))


def test_statements_and_quotes_are_not_entities(seed: OxigraphStore) -> None:
    for m in lookup.find(seed, "gruppo", limit=200):
        assert not lookup.NOT_ENTITIES.intersection(m.entity.types), m.entity.iri


@pytest.mark.parametrize("query", ['" } ; DROP ALL', "", "   ", "zzzz-nothing"])
def test_odd_input_finds_nothing_without_error(seed: OxigraphStore, query: str) -> None:
    assert lookup.find(seed, query) == []


def test_every_shipped_forum_is_found_by_its_label(shipped_store: OxigraphStore) -> None:
    index = lookup.index(shipped_store)
    forums = [e for e in index.entities if "https://w3id.org/govgraph/ontology#Forum" in e.types]
    assert forums
    for e in forums:
        assert e.iri in {m.entity.iri for m in index.find(e.labels[0][0], limit=200)}


def test_cli_find() -> None:
    run = subprocess.run([sys.executable, "-m", "govgraph", "find", "univ bol", "--format",
                          "json"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0
    assert any(r["id"] == "body/universita-bologna" for r in json.loads(run.stdout))
    none = subprocess.run([sys.executable, "-m", "govgraph", "find", "zzzz-nothing"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert none.returncode == 1 and none.stdout == "" and "nothing" in none.stderr


def test_api_lookup_is_the_same_look_up(live_server: LiveServer,
                                        shipped_store: OxigraphStore) -> None:
    r = httpx.get(live_server.url + "/api/lookup", params={"q": "univ bol"})
    assert r.status_code == 200
    body = r.json()
    expected = [m.entity.iri for m in lookup.find(shipped_store, "univ bol")]
    assert [x["iri"] for x in body["results"]] == expected
    assert httpx.get(live_server.url + "/api/lookup").status_code == 422
