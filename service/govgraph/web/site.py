"""The static site: every page, RDF description, dump and metadata file of the service,
fetched through the ASGI app and written under a folder (``govgraph build-site``).

The ``/network`` page works there without ``/api``: the site holds ``network/data.json``, which
its script filters, and each network kind unfiltered in every format (``network/KIND.SUFFIX``,
the bytes of ``/api/network?kind=KIND&format=F``) for its downloads: the service's own paths.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govgraph import formats
from govgraph.analysis import network
from govgraph.rdf.store import Store
from govgraph.web import linkeddata, texts
from govgraph.web.linkeddata import IriMap
from govgraph.web.pages import HERE, HTML, PAGES, VENDORED


async def _get(app: Any, path: str, accept: str) -> tuple[int, bytes]:
    """One GET through the ASGI app, without a server or an HTTP client."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"accept", accept.encode()), (b"host", b"site")],
             "client": ("127.0.0.1", 0), "server": ("site", 80)}
    status, body = 500, bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body)


def build_site(app: Any, store: Store, out: Path, base_iri: str,
               wanted: Callable[[str], bool] = lambda _path: True) -> list[Path]:
    """Write the pages of :data:`govgraph.web.pages.PAGES` (``index.html`` under each path) and
    their RDF files, the RDF of every entity, the dumps, the static files and the network data
    under ``out``; returns the files written. ``wanted``: only the paths it accepts."""
    suffixes = [f.suffix for f in formats.pages()]
    targets: list[tuple[str, str, str]] = []
    for page in PAGES:
        targets.append((page.path, page.accept, page.site_file()))
        if page.rdf_files:
            targets += [(f"{page.path}.{s}", "*/*", f"{page.path[1:]}.{s}") for s in suffixes]
    targets += [(f"/static/{p.name}", "*/*", f"static/{p.name}")
                for p in (HERE / "static").iterdir()]
    targets += [(f"/static/{package}/{name}", "*/*", f"static/{package}/{name}")
                for package, (_folder, names) in VENDORED.items() for name in names]
    targets += [(f"/dumps/govgraph.{f.suffix}{gz}", "*/*", f"dumps/govgraph.{f.suffix}{gz}")
                for f in formats.dumps() for gz in ("", ".gz")]
    targets += [(p, "*/*", p[1:]) for p in texts.paths()]
    targets.append(("/search/index.json", "*/*", "search/index.json"))
    targets += [(f"/network/{name}", "*/*", f"network/{name}") for name in (
        "data.json", *(f"{kind}.{f.suffix}" for kind in network.KINDS
                       for f in network.FORMATS.values()))]
    iris = IriMap(base_iri)
    for iri in linkeddata.entities(store, base_iri + "id/"):
        path = iris.path(iri)
        if path is None or "." in path or ".." in path.split("/"):
            continue
        targets.append((path, HTML, path[1:] + "/index.html"))
        targets += [(f"{path}.{s}", "*/*", f"{path[1:]}.{s}") for s in suffixes]

    async def fetch_all() -> list[Path]:
        written: list[Path] = []
        for path, accept, name in targets:
            if not wanted(path):
                continue
            status, body = await _get(app, path, accept)
            if status == 200:
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
                written.append(target)
        return written

    return asyncio.run(fetch_all())
