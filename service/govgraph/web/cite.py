"""The "cite this" block and the download links of an entity page's tables.

Each table an entity page shows is the answer of a named query, so it downloads as that query's
CSV or JSON from ``/api/queries/NAME?...`` (the bytes ``govgraph query NAME --format csv``
writes): :data:`TABLES` says which query and parameters stand behind which table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from govgraph import __version__
from govgraph.web.views import Context, Link

#: table (a key of the entity view) -> page kind -> (named query, parameter naming the entity,
#: fixed parameters)
TABLES: dict[str, dict[str, tuple[str, str, dict[str, str]]]] = {
    "seats": {"forum": ("representations", "forum", {"include_memberships": "true"}),
              "person": ("representations", "agent", {}),
              "body": ("body-forums", "body", {})},
    "officers": {"forum": ("office-holders", "forum", {})},
    "offices": {"person": ("office-holders", "person", {})},
    "timeline": {"forum": ("timeline", "forum", {})},
    "coverage": {"body": ("municipality-coverage", "municipality", {})},
    "covered": {"body": ("covered-municipalities", "covering", {}),
                "forum": ("covered-municipalities", "covering", {})},
    "trust_forums": {"body": ("trust-forums", "trust", {})},
}
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Download:
    query: str
    links: tuple[tuple[str, str], ...]  # (format, URL)


def downloads(kind: str, iri: str) -> dict[str, Download]:
    """The download links of each table a page of this kind shows, by table."""
    found = {}
    for table, by_kind in TABLES.items():
        if kind in by_kind:
            query, param, fixed = by_kind[kind]
            params = {param: iri, **fixed}
            found[table] = Download(query, tuple(
                (f, f"/api/queries/{query}?{urlencode({**params, 'format': f})}")
                for f in FORMATS))
    return found


def cite(ctx: Context, iri: str, title: str, sources: Iterable[Link]) -> dict[str, Any]:
    """What to cite: the page's title and IRI, the dataset version, the source documents."""
    unique = {s.iri: s for s in sources}
    return {"title": title, "iri": iri, "dataset": ctx.store.version, "version": __version__,
            "sources": sorted(unique.values(), key=lambda s: s.label.lower())}
