"""``/browse`` and the coverage sections of entity pages over a real HTTP server, on the fixture
territory of the registry queries (tests/fixtures/registry/territory.ttl) and its trusts and
forums (coverage.ttl): regions with their units and trusts, a unit's municipalities with codes, a
case body declared the same as a registry node, unknown units, both languages; a municipality's
trusts and conferences, a trust's or forum's municipalities and a trust's forums."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape

from conftest import LiveServer
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import load_store
from govgraph.web.config import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    store = load_store([*sources.shipped(data=False),
                        *(sources.SourceFile.of(FIXTURES / n) for n in ("territory.ttl",
                                                                         "coverage.ttl"))])
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


def section(html: str, name: str) -> str:
    """The page's <section> of class ``name`` ("" when there is none)."""
    found = re.search(rf'<section class="{name}"[^>]*>(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def test_regions_list_their_trusts_and_the_rest_come_last(server: LiveServer) -> None:
    text = page(server, "/browse").text
    uno, due = text.index("Regione Uno"), text.index("Regione Due")
    for trust, where in (("asl-a", uno), ("azienda-b", uno), ("agenzia-r", due)):
        at = text.index(f'href="/id/body/{trust}"')
        assert where < at and (where == due or at < due), trust
    unplaced = section(text, "unplaced")
    assert 'href="/id/body/asl-z"' in unplaced and "asl-a" not in unplaced
    assert "universita-u" not in text  # no trust
    assert "(Local health authority)" in text and "(Azienda sanitaria locale)" in page(
        server, "/browse", "it").text
    region = page(server, "/browse?unit=" + quote(GGID + "body/regione/92")).text
    assert 'href="/id/body/agenzia-r"' in region and "asl-a" not in region


@pytest.mark.parametrize(("municipality", "expected"), [
    ("comune/901001", {"body/asl-a": "L'ASL A opera nella Provincia A.",
                       "forum/conferenza-a":
                           "La Conferenza A riunisce i sindaci della Provincia A."}),
    ("comune-alfa", {"body/asl-a": "L'ASL A opera nella Provincia A."}),
    ("comune/901002", {"forum/tavolo-s": "Il sindaco di Beta è membro di diritto del Tavolo S."}),
    ("comune/903002", {"body/agenzia-r": "L'Agenzia R copre la Regione Due."}),
])
def test_a_municipality_lists_its_trusts_and_conferences(
        server: LiveServer, municipality: str, expected: dict[str, str]) -> None:
    found = section(page(server, "/id/body/" + municipality).text, "coverage")
    assert "<h2>Health trusts and conferences</h2>" in found
    for node, quoted in expected.items():
        assert f'href="/id/{node}"' in found and str(escape(quoted)) in found, node
    assert 'href="/id/source/fixture-coverage"' in found
    assert "universita-u" not in found and "tavolo-t" not in found
    assert "<h2>Aziende sanitarie e conferenze</h2>" in page(
        server, "/id/body/" + municipality, "it").text


def test_no_coverage_section_where_nothing_covers(server: LiveServer) -> None:
    for path in ("/id/body/uts/901", "/id/body/universita-u", "/id/body/asl-z"):
        html = page(server, path).text
        assert 'class="coverage"' not in html and 'class="covered"' not in html, path


def test_a_trust_lists_its_municipalities_and_the_forums_over_them(server: LiveServer) -> None:
    html = page(server, "/id/body/asl-a").text
    covered = section(html, "covered")
    assert 'href="/id/body/comune/901001"' in covered and 'href="/id/body/comune/901002"' in covered
    assert "Gamma" not in covered and 'href="/id/body/uts/901"' in covered  # through the unit
    assert str(escape("L'ASL A opera nella Provincia A.")) in covered
    forums = section(html, "trust-forums")
    assert 'href="/id/forum/conferenza-a"' in forums and 'href="/id/forum/tavolo-s"' in forums
    assert "covered-municipalities" in html and "trust-forums" in html  # the tables' downloads


def test_a_forum_lists_its_municipalities(server: LiveServer) -> None:
    covered = section(page(server, "/id/forum/conferenza-a").text, "covered")
    assert 'href="/id/body/comune/901001"' in covered and 'href="/id/body/comune/901002"' in covered
    assert 'href="/id/body/provincia-a"' in covered
