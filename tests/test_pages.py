"""The HTML pages over HTTP (real server): home, entity/forum/body/person pages, language,
escaping, ontology docs, query page, static assets; and ``govgraph build-site``."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
from markupsafe import escape

from conftest import LiveServer
from govgraph import cli
from govgraph.analysis import network
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.rdf.store import OxigraphStore
from govgraph.web import networkview
from govgraph.web.pages import VENDORED, vendored_file
from test_registry_coverage import SEATS, pairs

EVIL = '<script>alert("x")</script>'
EVIL_TTL = """
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix forum: <https://w3id.org/govgraph/id/forum/> .
@prefix body: <https://w3id.org/govgraph/id/body/> .
@prefix person: <https://w3id.org/govgraph/id/person/> .
@prefix rep: <https://w3id.org/govgraph/id/representation/> .
@prefix quote: <https://w3id.org/govgraph/id/quote/> .
@prefix source: <https://w3id.org/govgraph/id/source/> .
forum:evil a gg:Forum ; rdfs:label 'EVIL'@en .
body:evil a gg:Body ; rdfs:label '"><img src=x onerror=alert(1)>'@en .
person:evil a foaf:Person ; rdfs:label 'EVIL person' .
rep:evil a gg:Representation ; org:member person:evil ; org:organization forum:evil ;
    gg:onBehalfOf body:evil ; gg:evidence quote:evil ; prov:wasDerivedFrom source:evil .
quote:evil a gg:Quote ; prov:value 'EVIL quoted'@it .
source:evil a gg:SourceDocument ; rdfs:label '</title><script>bad()</script>' .
""".replace("EVIL", EVIL)


def html(server: LiveServer, path: str, **headers: str) -> str:
    r = httpx.get(server.url + path, headers={"Accept": "text/html", **headers}, timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def test_home(live_server: LiveServer) -> None:
    page = html(live_server, "/")
    for link in ("/query", "/ontology", "/dumps/govgraph.ttl", "/docs", "/dataset",
                 "/id/forum/gruppo-tecnico-ctssm-bologna"):
        assert f'href="{link}' in page
    assert "Representation" in page  # the counts


def test_forum_page_diagram(live_server: LiveServer) -> None:
    page = html(live_server, "/id/forum/gruppo-tecnico-ctssm-bologna?lang=it")
    svg = page[page.index("<svg"):page.index("</svg>")]
    for name in ("Danila Valenti", "Luca Baldino", "Gianluca Fiorentini", "Comune di Bologna",
                 "Regione Emilia-Romagna", "Università di Bologna",
                 "Struttura Tecnica Metropolitana della CTSSM", "Segreteria", "Coordinamento"):
        assert name in svg, name
    assert 'href="/id/person/danila-valenti"' in svg
    # the quoted sentence next to the seat
    assert "sarà coordinato dalla dottoressa Danila Valenti" in page
    assert 'href="/id/source/ctssm-bologna-2022-06"' in page


def test_body_page_lists_forums_and_through_whom(live_server: LiveServer) -> None:
    page = html(live_server, "/id/body/comune-bologna?lang=en")
    assert "Forums it takes part in" in page
    assert 'href="/id/forum/gruppo-tecnico-ctssm-bologna"' in page
    assert 'href="/id/forum/gruppo-di-lavoro-ctssm-bologna"' in page
    assert 'href="/id/person/danila-valenti"' in page
    assert "https://www.wikidata.org/wiki/" in page or "wikidata.org/entity/Q1891" in page
    assert "037006" in page


def test_person_page_lists_seats(live_server: LiveServer) -> None:
    page = html(live_server, "/id/person/danila-valenti")
    assert "Seats in forums" in page
    for link in ("/id/forum/gruppo-tecnico-ctssm-bologna", "/id/body/comune-bologna",
                 "/id/forum/ctssm-bologna", "/id/concept/role/coordinator"):
        assert f'href="{link}"' in page


@pytest.mark.parametrize(("query", "header", "expected"), [
    ("?lang=it", "", "Organismi"), ("?lang=en", "it", "Forums"),
    ("", "it-IT,it;q=0.9,en;q=0.8", "Organismi"), ("", "en-GB,en;q=0.9", "Forums"),
    ("", "fr, en;q=0.5, it;q=0.4", "Forums"), ("", "", "Forums"), ("?lang=xx", "", "Forums"),
])
def test_language(live_server: LiveServer, query: str, header: str, expected: str) -> None:
    page = html(live_server, "/" + query, **({"Accept-Language": header} if header else {}))
    assert f"<h2>{expected}</h2>" in page


def test_entity_labels_follow_language(live_server: LiveServer) -> None:
    assert "<h1>Metropolitan City of Bologna</h1>" in html(
        live_server, "/id/body/citta-metropolitana-bologna?lang=en")
    assert "<h1>Città metropolitana di Bologna</h1>" in html(
        live_server, "/id/body/citta-metropolitana-bologna?lang=it")


@pytest.fixture
def evil_server(make_server: Callable[..., LiveServer],
                shipped_store: OxigraphStore) -> LiveServer:
    inner = ox.Store()
    inner.load(EVIL_TTL.encode(), ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/govgraph/graph/evil"))
    for quad in shipped_store.inner.quads_for_pattern(None, None, None, None):
        inner.add(quad)
    return make_server(OxigraphStore(inner, "evil"))


@pytest.mark.parametrize("path", ["/", "/id/forum/evil", "/id/body/evil", "/id/person/evil",
                                  "/id/representation/evil", "/id/source/evil",
                                  "/id/quote/evil", "/network?kind=persons-forums"])
def test_labels_are_escaped(evil_server: LiveServer, path: str) -> None:
    page = html(evil_server, path)
    assert "<script>" not in page.replace('<script type="application/json"', "")
    assert "<img src=x" not in page
    assert "</title><script>" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page or "&lt;/title&gt;" in page


def test_ontology_page(live_server: LiveServer) -> None:
    page = html(live_server, "/ontology")
    for term in ("Representation", "onBehalfOf", "Forum", "partOfForum"):
        assert f'id="{term}"' in page
    assert "org:Membership" in page or "http://www.w3.org/ns/org#Membership" in page
    assert "ggid:representation/valenti-gruppo-tecnico-ctssm-bologna" in page  # an example
    assert html(live_server, "/shapes").count('class="card"') > 3


def test_query_page(live_server: LiveServer) -> None:
    page = html(live_server, "/query")
    assert "representations" in page  # a named query as a ready example
    assert "PREFIX gg: &lt;https://w3id.org/govgraph/ontology#&gt;" in page or \
        "PREFIX gg: <https://w3id.org/govgraph/ontology#>" in page
    assert 'action="/sparql"' in page
    assert not re.search(r'src="https?://', page)  # no external assets
    assert not re.search(r'href="https?://[^"]*\.(css|js)"', page)


def test_static_assets(live_server: LiveServer) -> None:
    css = httpx.get(live_server.url + "/static/govgraph.css", timeout=10)
    assert css.status_code == 200 and "@media print" in css.text
    assert httpx.get(live_server.url + "/static/nope.css", timeout=10).status_code == 404
    assert httpx.get(live_server.url + "/static/yasgui/../../pages.py",
                     timeout=10).status_code == 404


def _embedded(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="govgraph-network">(.*?)</script>',
                      page, re.S)
    assert found, "the page embeds its network"
    return dict(json.loads(found.group(1)))


@pytest.mark.parametrize("query", ["", "?kind=persons-forums&as_of=2022-06-30",
                                   "?kind=bodies&region=body/regione-emilia-romagna"])
def test_network_page_is_the_api_s_network(live_server: LiveServer, query: str) -> None:
    """The table has a row per edge of /api/network for the same filters, each seat linked and
    its quote shown; the drawing gets the same node-link JSON."""
    page = html(live_server, "/network" + query)
    api = httpx.get(f"{live_server.url}/api/network{query}", timeout=60).json()
    assert _embedded(page)["network"] == api
    table = page.split('id="network-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == len(api["edges"]) + 1  # and the header
    for edge in api["edges"]:
        if "seat" in edge:
            assert f'href="/{edge["seat"].split("/govgraph/", 1)[1]}"' in table
        if "quote" in edge:
            assert str(escape(edge["quote"])) in table
    assert 'method="get" action="/network"' in page  # the filters work without JavaScript
    assert not re.search(r'src="https?://', page)
    download = re.search(r'data-format="graphml"[^>]* href="([^"]+)"', page)
    assert download, "a GraphML download"
    served = httpx.get(live_server.url + download.group(1).replace("&amp;", "&"), timeout=60)
    assert served.content == httpx.get(f"{live_server.url}/api/network", timeout=60, params={
        **dict(p.split("=") for p in query.lstrip("?").split("&") if p),
        "format": "graphml"}).content  # a whole network: its file /network/KIND.graphml


def test_network_page_bad_filter(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/network?as_of=someday", timeout=30)
    assert answer.status_code == 422
    assert "as_of" in answer.text and 'id="network-table"' in answer.text


def _timeline(page: str) -> str:
    assert 'id="timeline"' in page, "the page has a timeline"
    return page.split('id="timeline"')[1].split("</section>")[0]


def _dates(section: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]+)">', section)


def test_forum_timeline(live_server: LiveServer, shipped_store: OxigraphStore) -> None:
    """The forum with the most dated events: each of them, and each dated office, is in its
    timeline, oldest first (dates compared at their common precision)."""
    forums = Counter(text(r, "concernedForum") for r in rows_of(shipped_store, "timeline")
                     if text(r, "date") and text(r, "concernedForum"))
    forum = max(sorted(forums, key=str), key=lambda f: forums[f])
    section = _timeline(html(live_server, "/" + str(forum).split("/govgraph/", 1)[1]))
    for row in rows_of(shipped_store, "timeline", {"forum": str(forum)}):
        assert f'href="/{str(text(row, "event")).split("/govgraph/", 1)[1]}"' in section
    for row in rows_of(shipped_store, "office-holders", {"forum": str(forum)}):
        for column in ("start", "end"):
            if text(row, column):
                assert f'<time datetime="{text(row, column)}">' in section
    dates = _dates(section)
    assert dates and all(a[:len(b)] <= b[:len(a)] for a, b in pairwise(dates))


def test_person_timeline(live_server: LiveServer, shipped_store: OxigraphStore) -> None:
    dated = sorted((str(text(r, "person")), str(text(r, "start")))
                   for r in rows_of(shipped_store, "office-holders") if text(r, "start"))
    person, start = dated[0]
    section = _timeline(html(live_server, "/" + person.split("/govgraph/", 1)[1]))
    assert start in _dates(section)


@pytest.mark.parametrize("path", ["/", "/network", "/browse", "/query", "/ontology",
                                  "/id/forum/gruppo-tecnico-ctssm-bologna", "/search"])
def test_search_box_on_every_page(live_server: LiveServer, path: str) -> None:
    page = html(live_server, path)
    assert re.search(r'<form class="search" method="get" action="/search" role="search">', page)


def test_search_finds_a_forum_by_name(live_server: LiveServer,
                                      shipped_store: OxigraphStore) -> None:
    row = rows_of(shipped_store, "forum-tree")[0]
    forum, label = str(text(row, "forum")), str(text(row, "forumLabel"))
    page = html(live_server, "/search?" + urlencode({"q": label}))
    assert f'href="/{forum.split("/govgraph/", 1)[1]}"' in page.split("<main>")[1]


def test_entity_page_cites_and_downloads(live_server: LiveServer) -> None:
    """Each table's CSV and JSON links answer with its named query's rows; the citation
    names the page's IRI, the dataset version and every source document linked on the page."""
    path = "/id/forum/gruppo-tecnico-ctssm-bologna"
    page = html(live_server, path)
    links = [u.replace("&amp;", "&") for u in re.findall(r'href="(/api/queries/[^"]+)"', page)]
    assert {u.rsplit("format=", 1)[1] for u in links} == {"csv", "json"}
    for url in links:
        answer = httpx.get(live_server.url + url, timeout=60)
        assert answer.status_code == 200 and int(answer.headers["x-govgraph-rows"]) > 0
    cited = page.split('id="cite"')[1].split("</section>")[0]
    dataset = httpx.get(live_server.url + "/health", timeout=10).json()["dataset"]
    assert "https://w3id.org/govgraph" + path in cited and dataset in cited
    for source in set(re.findall(r'href="(/id/source/[^"]+)"', page)):
        assert f'href="{source}"' in cited


def test_build_site(tmp_path: Path, shipped_store: OxigraphStore) -> None:
    # without the registry's 25 000 entities, which the pages checked here do not need
    assert cli.main(["build-site", "--no-registry", str(tmp_path / "site")]) == 0
    site = tmp_path / "site"
    # a municipality a trust or forum covers has its section, as on the server
    covered = sorted(m for m, _forum in pairs(shipped_store, SEATS, "municipality", "forum"))
    assert 'id="coverage"' in (site / covered[0].split("/govgraph/", 1)[1] /
                               "index.html").read_text()
    forum = (site / "id/forum/gruppo-tecnico-ctssm-bologna/index.html").read_text()
    assert "<svg" in forum and "Danila Valenti" in forum
    assert (site / "index.html").is_file() and (site / "ontology/index.html").is_file()
    assert (site / "id/forum/gruppo-tecnico-ctssm-bologna.ttl").stat().st_size > 0
    assert (site / "dumps/govgraph.ttl").stat().st_size > 0
    assert (site / "dumps/govgraph.nt.gz").stat().st_size > 0
    assert b"void:Dataset" in (site / ".well-known/void").read_bytes()
    assert "govgraph-network" in (site / "network/index.html").read_text()
    offline = json.loads((site / "network/data.json").read_bytes())
    assert set(offline["networks"]) == set(networkview.OFFLINE_KINDS)
    for kind in network.KINDS:  # the downloads of the offline network page
        assert (site / f"network/{kind}.graphml").read_bytes().startswith(b"<?xml")
    for package, (_folder, names) in VENDORED.items():
        for name in names:
            assert (site / "static" / package / name).is_file() == \
                vendored_file(package, name).is_file()
