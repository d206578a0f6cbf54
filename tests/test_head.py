"""HEAD on every GET route: the GET's status and headers, no body; and the pages are declared
once (route, view, static-site file)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from conftest import LiveServer
from govgraph import formats
from govgraph.rdf import sources
from govgraph.rdf.store import load_store
from govgraph.web.app import create_app
from govgraph.web.config import Settings
from govgraph.web.pages import PAGES
from govgraph.web.site import build_site

#: Headers that may differ between two answers to the same request.
VOLATILE = {"date", "x-govgraph-cache"}


def _same_but_bodiless(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    get = httpx.get(server.url + path, headers=headers, timeout=60)
    head = httpx.head(server.url + path, headers=headers, timeout=60)
    assert head.status_code == get.status_code, path
    assert head.content == b""
    strip = lambda r: {k: v for k, v in r.headers.items() if k not in VOLATILE}  # noqa: E731
    assert strip(head) == strip(get), path
    return get


def _paths(live_server: LiveServer) -> list[str]:
    entity = next(iter(httpx.get(f"{live_server.url}/sparql", params={
        "query": "SELECT ?s WHERE { ?s a gg:Forum } LIMIT 1", "format": "csv"}).text.split()[1:]))
    entity_path = "/id/" + entity.split("/id/", 1)[1]
    return [
        entity_path, entity_path + ".ttl", "/id/no-such-thing",
        *(f"/dumps/govgraph.{f.suffix}" for f in formats.dumps()), "/dumps/govgraph.ttl.gz",
        "/sparql", "/sparql?query=ASK%20%7B%7D", "/api/queries", "/api/queries/forum-tree",
        *(p.path for p in PAGES), *(f"{p.path}.ttl" for p in PAGES if p.rdf_files),
        "/health",
    ]


def test_head_answers_like_get(live_server: LiveServer) -> None:
    for path in _paths(live_server):
        _same_but_bodiless(live_server, path)
    _same_but_bodiless(live_server, "/sparql", Accept="text/html")
    _same_but_bodiless(live_server, PAGES[0].path, **{"Accept-Encoding": "gzip"})


def test_every_get_route_answers_head(live_server: LiveServer) -> None:
    routes = [r for r in live_server.app.routes if isinstance(r, Route) and "GET" in r.methods
              and "{" not in r.path]
    assert routes
    for route in routes:
        answer = httpx.head(live_server.url + route.path, timeout=60)
        assert answer.status_code != 405, route.path


@pytest.fixture(scope="module")
def site(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Without the ISTAT registry (about 25 000 more entity pages): every page is there as well.
    out = tmp_path_factory.mktemp("site")
    store = load_store(sources.shipped(registry=False))
    build_site(create_app(Settings(validate=False), store), store, out,
               live_server.settings.base_iri)
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_every_page_is_routed_and_in_the_static_site(live_server: LiveServer, site: Path,
                                                     page: object) -> None:
    from govgraph.web.pages import Page

    assert isinstance(page, Page)
    answer = httpx.get(live_server.url + page.path, headers={"Accept": page.accept})
    assert answer.status_code == 200
    # The site is built without the registry, so its counts differ: the file is the same page.
    written = (site / page.site_file()).read_bytes()
    assert written and written[:64] == answer.content[:64]
    if page.rdf_files:
        for fmt in formats.pages():
            assert (site / f"{page.path[1:]}.{fmt.suffix}").is_file()
