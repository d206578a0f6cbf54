"""``/browse`` over a real HTTP server, on the fixture territory of the registry queries
(tests/fixtures/registry/territory.ttl): regions with their units, a unit's municipalities with
codes, a case body declared the same as a registry node, unknown units, both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from conftest import LiveServer
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import load_store
from govgraph.web.config import Settings

FIXTURE = Path(__file__).parent / "fixtures" / "registry" / "territory.ttl"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    store = load_store([*sources.shipped(data=False), sources.SourceFile.of(FIXTURE)])
    with LiveServer(Settings(), store) as live:
        yield live


def page(server: LiveServer, path: str, lang: str = "en") -> httpx.Response:
    return httpx.get(server.url + path, headers={"Accept-Language": lang}, timeout=30)


def test_regions_list_their_units_in_code_order(server: LiveServer) -> None:
    answer = page(server, "/browse")
    assert answer.status_code == 200
    text = answer.text
    assert "Regions, provinces and municipalities" in text
    order = [text.index(name) for name in ("Regione Uno", "Provincia A", "Città B",
                                           "Regione Due", "Provincia C")]
    assert order == sorted(order)
    assert re.search(r'href="/browse\?unit=[^"]*body/uts/901"', text)
    assert "Regioni, province e comuni" in page(server, "/browse", "it").text


def test_a_unit_lists_its_municipalities_with_codes(server: LiveServer) -> None:
    answer = page(server, "/browse?unit=" + quote(GGID + "body/uts/901"))
    assert answer.status_code == 200
    assert "Alfa" in answer.text and "Beta" in answer.text and "Gamma" not in answer.text
    assert "<code>901001</code>" in answer.text and "<code>Z001</code>" in answer.text
    assert 'href="/id/body/comune/901001"' in answer.text
    region = page(server, "/browse?unit=" + quote(GGID + "body/regione/91")).text
    assert all(n in region for n in ("Alfa", "Beta", "Gamma")) and "Delta" not in region


def test_a_body_declared_the_same_browses_as_its_registry_node(server: LiveServer) -> None:
    answer = page(server, "/browse?unit=" + quote(GGID + "body/provincia-a"))
    assert answer.status_code == 200
    assert "<code>901001</code>" in answer.text and "<code>901002</code>" in answer.text


def test_an_unknown_unit_is_404(server: LiveServer) -> None:
    assert page(server, "/browse?unit=" + quote(GGID + "body/uts/999")).status_code == 404
    assert page(server, "/browse?unit=not%20an%20iri").status_code == 404
