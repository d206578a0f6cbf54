"""``/sources/<slug>.txt``: the text of each source document, as shipped in ``sources/``
(the ``dcat:downloadURL`` of its ``dcat:Distribution``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from govgraph.rdf import resources
from govgraph.web.pages import static_file


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/sources/{name}")
    def source_text(name: str) -> Response:
        return static_file(resources.folder("sources"), name)

    return r


def paths() -> list[str]:
    """The URL paths of the shipped texts (for the static site)."""
    return [f"/sources/{p.name}" for p in resources.files("sources", ".txt")]
