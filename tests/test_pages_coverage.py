"""The coverage sections on the shipped data over HTTP (the session's ``live_server``), as
properties that stay true as trusts and conferences are added: a municipality's page shows every
trust and forum ``municipality-coverage`` finds for it, linked, with its source and quote; a
trust's page every municipality ``covered-municipalities`` and every forum ``trust-forums``
gives; ``/browse`` every trust ``health-trusts`` lists. One municipality per trust or forum keeps
it cheap."""

from __future__ import annotations

import re

import httpx
from markupsafe import escape

from conftest import LiveServer
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.rdf.store import OxigraphStore
from test_registry_coverage import COVERED_UNITS, SEATS, pairs


def html(server: LiveServer, path: str) -> str:
    answer = httpx.get(server.url + path, headers={"Accept": "text/html"}, timeout=60)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.text


def href(iri: str) -> str:
    return f'href="/{iri.split("/govgraph/", 1)[1]}"'


def section(page: str, name: str) -> str:
    found = re.search(rf'<section class="{name}"[^>]*>(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def test_a_municipality_page_shows_every_trust_and_forum_covering_it(
        live_server: LiveServer, shipped_store: OxigraphStore) -> None:
    municipalities = {m for m, _ in pairs(shipped_store, SEATS, "municipality", "forum")} | \
        {m for _, m in pairs(shipped_store, COVERED_UNITS, "covering", "municipality")}
    assert municipalities, "no trust or forum covers a registry municipality in the shipped data"
    for municipality in sorted(municipalities):
        rows = rows_of(shipped_store, "municipality-coverage", {"municipality": municipality})
        found = section(html(live_server, "/" + municipality.split("/govgraph/", 1)[1]),
                        "coverage")
        assert rows and found, municipality
        for row in rows:
            for column in ("covering", "via", "source"):
                assert href(str(text(row, column))) in found, (municipality, column, row)
            for quote in str(text(row, "quote")).split(" […] "):
                assert str(escape(quote)) in found, (municipality, quote)


def test_a_trust_page_shows_its_municipalities_and_the_forums_over_them(
        live_server: LiveServer, shipped_store: OxigraphStore) -> None:
    trusts = {str(text(r, "trust")) for r in rows_of(shipped_store, "health-trusts")
              if text(r, "region")}
    assert trusts, "no trust's territory is given by registry node in the shipped data"
    for trust in sorted(trusts):
        page = html(live_server, "/" + trust.split("/govgraph/", 1)[1])
        covered = section(page, "covered")
        for row in rows_of(shipped_store, "covered-municipalities", {"covering": trust}):
            assert href(str(text(row, "municipality"))) in covered, (trust, row)
        forums = section(page, "trust-forums")
        for row in rows_of(shipped_store, "trust-forums", {"trust": trust}):
            assert href(str(text(row, "forum"))) in forums, (trust, row)


def test_browse_lists_every_trust(live_server: LiveServer,
                                  shipped_store: OxigraphStore) -> None:
    page = html(live_server, "/browse")
    rows = rows_of(shipped_store, "health-trusts")
    assert rows
    for row in rows:
        assert href(str(text(row, "trust"))) in page, row
