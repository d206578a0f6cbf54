"""``/sources/<name>.txt``: the text of each source document (the ``dcat:downloadURL`` of its
``dcat:Distribution``). With the shipped data, the files of ``sources/``; with other data
(``govgraph serve --data``), the texts that data declares, each found where its ``gg:textFile``
says (relative to the Turtle file that states it), under the name of its download URL."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from govgraph.authoring import texts as source_texts
from govgraph.rdf import resources
from govgraph.rdf.store import Store
from govgraph.web.config import Settings
from govgraph.web.pages import static_file
from govgraph.web.reload import dataset_files

_cache: dict[int, tuple[str, dict[str, Path]]] = {}
_lock = threading.Lock()


def declared(settings: Settings, store: Store) -> dict[str, Path]:
    """The text files the served data declares, by the name they are served under (the last
    segment of their download URL, else their file name); computed once per store version."""
    with _lock:
        kept = _cache.get(id(store))
        if kept is None or kept[0] != store.version:
            found = source_texts.from_store(store, dataset_files(settings))
            names: dict[str, Path] = {}
            for t in sorted(found.values(), key=lambda t: t.distribution):
                names.setdefault(t.url.rsplit("/", 1)[-1] if t.url else t.path.name, t.path)
            kept = (store.version, names)
            _cache.clear()
            _cache[id(store)] = kept
        return kept[1]


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/sources/{name}")
    def source_text(name: str, request: Request) -> Response:
        settings: Settings = request.app.state.settings
        if not settings.data:
            return static_file(resources.folder("sources"), name)
        path = declared(settings, request.app.state.store).get(name)
        if path is None:
            return PlainTextResponse("not found\n", status_code=404)
        return static_file(path.parent, path.name)

    return r


def paths() -> list[str]:
    """The URL paths of the shipped texts (for the static site)."""
    return [f"/sources/{p.name}" for p in resources.files("sources", ".txt")]
