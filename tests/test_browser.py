"""The pages in a real browser: Debian's chromium driven by Playwright (never a downloaded
browser). Screenshots go to test-output/. Skips, saying why, without /usr/bin/chromium."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from conftest import LiveServer
from govgraph.analysis import network
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.authoring import lookup
from govgraph.web.config import Settings
from govgraph.web.pages import (
    SEARCH_LIMIT,
    VIS_TIMELINE_JS,
    cytoscape_dir,
    vendored_file,
    yasgui_dir,
)
from govgraph.web.site import build_site

CHROMIUM = Path("/usr/bin/chromium")
OUT = Path(__file__).resolve().parents[1] / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]  # a container's small /dev/shm crashes the renderer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="no /usr/bin/chromium (apt-get install chromium; see .ci/run)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e .[test])")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    p = context.new_page()
    outside: list[str] = []
    p.on("request", lambda req: outside.append(req.url)
         if not req.url.startswith((live_server.url, "data:", "blob:")) else None)
    yield p
    context.close()
    assert outside == [], f"requests left the service: {outside}"


def shot(page: Any, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def test_home_to_forum_diagram(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "govgraph"
    shot(page, "home")
    page.get_by_role("link", name="Technical working group of the Bologna CTSSM working group "
                     "(2022)").click()
    page.wait_for_url("**/id/forum/gruppo-tecnico-ctssm-bologna")
    svg = page.locator("svg.diagram")
    assert svg.is_visible()
    text = svg.text_content() or ""
    for name in ("Danila Valenti", "Luca Baldino", "Municipality of Bologna",
                 "Emilia-Romagna Region", "Metropolitan Technical Office of the CTSSM"):
        assert name in text, name
    shot(page, "forum")
    page.emulate_media(media="print")
    shot(page, "forum-print")


@pytest.mark.skipif(not (yasgui_dir() / "yasgui.min.js").is_file(),
                    reason="YASGUI assets not installed (make web)")
def test_query_page_runs_a_named_query(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/query")
    page.wait_for_selector(".yasgui .CodeMirror")
    shot(page, "query")
    page.locator("a.example[data-example='representations']").click()
    cell = page.locator(".yasr table a[href='/id/person/danila-valenti']").first
    cell.wait_for(timeout=20_000)
    assert page.locator(".yasr table tbody tr").count() >= 3
    shot(page, "query-results")
    page.get_by_label("Ellipse").uncheck()  # YASR's ellipsis spans lie over the links
    page.locator(".yasr table a[href='/id/person/danila-valenti']").first.click()
    page.wait_for_url("**/id/person/danila-valenti")
    assert page.locator("h1").inner_text() == "Danila Valenti"
    shot(page, "person")


def keep(page: Any, folder: Path, name: str) -> Path:
    """A screenshot of the window in the test's own folder; its path is printed (pytest -s).
    Not the full page: the network's seat table makes it thousands of pixels tall."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


@pytest.mark.skipif(not (cytoscape_dir() / "cytoscape.min.js").is_file(),
                    reason="Cytoscape.js not installed (make web)")
def test_network_page_draws_filters_and_opens(page: Any, live_server: LiveServer,
                                              tmp_path: Path) -> None:
    asked: list[str] = []
    page.on("request", lambda req: asked.append(req.url))
    page.goto(live_server.url + "/network")
    page.wait_for_selector("#network canvas")
    drawn = page.evaluate("window.govgraphNetwork.nodes().length")
    rows = page.locator("#network-table tbody tr").count()
    assert drawn > 0 and rows == page.evaluate("window.govgraphNetwork.edges().length")
    assert keep(page, tmp_path, "network").stat().st_size > 0
    quoted = page.evaluate("window.govgraphNetwork.edges('[quote]').length")
    assert quoted > 0, "the shipped seats have quotes"
    page.evaluate("window.govgraphNetwork.edges('[quote]')[0].emit('tap')")
    assert page.locator("#network-edge blockquote").inner_text().startswith("«")
    page.fill("input[name=as_of]", "2022-06-30")
    page.locator("#network-filters button").click()
    page.wait_for_function("location.search.includes('as_of=2022-06-30')")
    assert any("/api/network?" in url and "as_of=2022-06-30" in url for url in asked)
    assert page.locator("#network-table tbody tr").count() == page.evaluate(
        "window.govgraphNetwork.edges().length")
    keep(page, tmp_path, "network-as-of")
    page.evaluate("window.govgraphNetwork.nodes('[kind = \"forum\"]')[0].emit('tap')")
    page.wait_for_url("**/id/forum/**")
    assert page.locator("h1").inner_text()


def test_forum_timeline_renders(page: Any, live_server: LiveServer, shipped_store: Any,
                                tmp_path: Path) -> None:
    """The forum with the most dated events: its timeline table is shown, oldest first."""
    forums = Counter(text(r, "concernedForum") for r in rows_of(shipped_store, "timeline")
                     if text(r, "date") and text(r, "concernedForum"))
    forum = max(sorted(forums, key=str), key=lambda f: forums[f])
    page.goto(f"{live_server.url}/{str(forum).split('/govgraph/', 1)[1]}")
    timeline = page.locator("section#timeline")
    timeline.scroll_into_view_if_needed()
    assert timeline.is_visible()
    dated = timeline.locator("time")
    assert dated.count() >= forums[forum]
    if vendored_file("vis-timeline", VIS_TIMELINE_JS).is_file():  # the drawing over the table
        page.wait_for_selector("#timeline-chart .vis-item")
        assert page.evaluate("window.govgraphTimeline.itemsData.length") == dated.count()
    assert keep(page, tmp_path, "forum-timeline").stat().st_size > 0
    timeline.screenshot(path=str(tmp_path / "timeline.png"))
    print(f"screenshot: {tmp_path / 'timeline.png'}")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:  # no access log on stderr
        pass


@pytest.fixture(scope="module")
def static_site(live_server: LiveServer, shipped_store: Any,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The static site's network and search pages, their data and the static files (govgraph
    build-site, only those paths), served by a plain HTTP server with no /api."""
    site = tmp_path_factory.mktemp("site")
    def wanted(path: str) -> bool:
        return path in ("/network", "/search") or path.startswith((
            "/network/data", "/static/", "/network/bodies-forums.", "/search/index.json"))

    with ThreadPoolExecutor(1) as thread:  # Playwright's event loop runs in this one
        thread.submit(build_site, live_server.app, shipped_store, site, Settings().base_iri,
                      wanted).result()
    handler = functools.partial(_Quiet, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        thread.join()


@pytest.mark.skipif(not (cytoscape_dir() / "cytoscape.min.js").is_file(),
                    reason="Cytoscape.js not installed (make web)")
def test_static_network_page_filters_offline(browser: Any, static_site: str, shipped_store: Any,
                                             tmp_path: Path) -> None:
    """On the static site /api/network is missing: the page filters /network/data.json itself,
    to the networks the service would answer (analysis.network.build)."""
    as_of = "2000-01-01"
    expected = {kind: network.build(shipped_store, kind, network.Scope(as_of=as_of))
                for kind in network.KINDS}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith((static_site, "data:", "blob:")) else None)
    try:
        page.goto(static_site + "/network/")
        page.wait_for_selector("#network canvas")
        before = page.evaluate("window.govgraphNetwork.edges().length")
        assert before != expected[network.KINDS[0]].number_of_edges(), "the filter drops seats"
        page.fill("input[name=as_of]", as_of)
        page.locator("#network-filters button").click()
        page.wait_for_function("location.search.includes('as_of=" + as_of + "')")
        drawn = page.evaluate("[window.govgraphNetwork.nodes().length, "
                              "window.govgraphNetwork.edges().length]")
        graph = expected[network.KINDS[0]]
        assert drawn == [graph.number_of_nodes(), graph.number_of_edges()]
        assert page.locator("#network-table tbody tr").count() == drawn[1]
        keep(page, tmp_path, "network-static")
        for kind, graph in expected.items():  # the same filter, every kind, in the page's code
            found = page.evaluate("f => window.govgraphFilter(f).then(n => [n.nodes.length, "
                                  "n.edges.length])", {"kind": kind, "as_of": as_of})
            assert found == [graph.number_of_nodes(), graph.number_of_edges()], kind
        href = page.locator("a.api[data-format=graphml]").get_attribute("href")
        assert href == f"/network/{network.KINDS[0]}.graphml"
        assert page.request.get(static_site + href).ok
    finally:
        context.close()
    assert outside == [], f"requests left the site: {outside}"


def test_static_search_ranks_as_the_service(browser: Any, static_site: str, shipped_store: Any,
                                            tmp_path: Path) -> None:
    """On the static site /search is a file: its script ranks /search/index.json as the
    service's look-up (authoring.lookup.find) does, for names, word starts and codes."""
    entities = lookup.index(shipped_store).folded()
    coded = next(e for e in entities if e["codes"])
    name = str(entities[len(entities) // 2]["labels"][0][0])
    queries = [name, " ".join(w[:3] for w in name.split()[:2]), str(coded["codes"][0][1])[:3]]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{static_site}/search/?q={quote(queries[0])}")
        page.wait_for_selector("#search-status:not([hidden])")
        expected = lookup.find(shipped_store, queries[0], limit=SEARCH_LIMIT)
        assert expected, "the query is a name in the data"
        assert page.locator("#search-results tbody tr").count() == len(expected)
        assert page.locator("#search-results tbody a").first.get_attribute("title") == \
            expected[0].entity.iri
        keep(page, tmp_path, "search-static")
        for q in queries:
            found = page.evaluate("q => window.govgraphSearch(q).map(m => "
                                  "[m.entity.iri, m.score, m.matched])", q)
            assert found == [[m.entity.iri, m.score, m.matched] for m in
                             lookup.find(shipped_store, q, limit=SEARCH_LIMIT)], q
    finally:
        context.close()

