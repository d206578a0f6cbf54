"""Entity pages show the facts of issue 15, on the phrase fixtures (tests/fixtures/phrases/):
a forum page lists its officers with their dates and the election that chose them, and its
terms of office; a person page the offices held over time; a vote event how each named
member voted and the figures stated about it."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgraph.rdf import sources
from govgraph.rdf.store import OxigraphStore, load_store

ROOT = Path(__file__).resolve().parents[1]
PHRASES = sorted((ROOT / "tests" / "fixtures" / "phrases").glob("*.ttl"))


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load_store(sources.with_context(PHRASES))


def section(html: str, heading: str) -> str:
    """The text of the page's <section> whose <h2> is ``heading`` (tags removed)."""
    for block in re.findall(r"<section>(.*?)</section>", html, re.S):
        if re.search(rf"<h2>{re.escape(heading)}</h2>", block):
            return unescape(re.sub(r"<[^>]+>", " ", block))
    raise AssertionError(f"no section {heading!r}")


def page(server: Any, path: str, lang: str = "en") -> str:
    answer = httpx.get(server.url + path, headers={"Accept": "text/html",
                                                   "Accept-Language": lang}, timeout=60)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_forum_page_officers_and_terms(store: OxigraphStore,
                                       make_server: Callable[..., Any]) -> None:
    server = make_server(store)
    html = page(server, "/id/forum/fixture-conferenza-sindaci-valprova")
    officers = section(html, "Officers")
    assert "Anna Bruni" in officers and "Carlo Dini" in officers
    assert "2024-06-28" in officers and "Elezione" in officers
    assert "Votazione per il presidente" in officers  # the vote that decided the election
    assert "P4Y" in section(html, "Terms of office")


def test_person_page_offices_over_time(store: OxigraphStore,
                                       make_server: Callable[..., Any]) -> None:
    server = make_server(store)
    offices = section(page(server, "/id/person/fixture-anna-bruni"), "Offices held over time")
    assert "Comune di Altopiano" in offices and "Sindaco" in offices
    assert "Conferenza dei sindaci" in offices and "Presidente" in offices


def test_vote_page_positions_and_counts(store: OxigraphStore,
                                        make_server: Callable[..., Any]) -> None:
    server = make_server(store)
    html = page(server, "/id/event/fixture-voto-presidente-valprova-2024", lang="it")
    votes = section(html, "Come hanno votato i componenti nominati")
    assert re.search(r"Ugo Valli\s.*Contrario", votes, re.S)
    assert re.search(r"Rita Zanetti\s.*Astenuto", votes, re.S)
    counts = section(html, "Numeri dichiarati dalla fonte")
    assert "114" in counts and "Anna Bruni" in counts and "ponderati" in counts
    assert "72%" in counts  # a percentage shows its unit
