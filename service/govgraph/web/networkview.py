"""What the ``/network`` page shows: the network of ``/api/network`` for the filters in the URL
(kind, as of, region, forum kind), as a table of its edges that needs no JavaScript, and as the
node-link JSON ``static/network.js`` draws with Cytoscape.js (the same bytes as
``/api/network?format=json``).

Without ``/api`` (the static site of ``govgraph build-site``) the script filters by itself the
data of :func:`offline_data` (``/network/data.json``): the unfiltered seat networks, the kind of
each forum and the forums each region reaches."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govgraph.analysis import network
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.querying.queries import QueryError
from govgraph.web import analysis
from govgraph.web.linkeddata import VersionCache
from govgraph.web.views import Context, Link

#: The filters of the page, the parameters of ``/api/network`` (but ``format``).
FILTERS = tuple(p.name for p in analysis.NETWORK.params)


@dataclass
class Edge:
    """One row of the table: a seat (or, in the projection, a pair of bodies)."""

    source: Link
    target: Link
    role: str = ""
    behalf: list[Link] = field(default_factory=list)
    start: str = ""
    end: str = ""
    seat: Link | None = None
    documents: list[Link] = field(default_factory=list)
    quote: str = ""
    forums: list[Link] = field(default_factory=list)
    weight: int | None = None


def _links(ctx: Context, iris: str | None) -> list[Link]:
    return [ctx.link(i) for i in (iris or "").split()]


def _edge(ctx: Context, u: str, v: str, attrs: Mapping[str, Any]) -> Edge:
    return Edge(
        source=ctx.link(u), target=ctx.link(v), role=attrs.get("roleLabel", ""),
        behalf=_links(ctx, attrs.get("onBehalfOf")), start=attrs.get("start", ""),
        end=attrs.get("end", ""), seat=ctx.link(attrs["seat"]) if "seat" in attrs else None,
        documents=_links(ctx, attrs.get("sourceDocument") or attrs.get("sourceDocuments")),
        quote=attrs.get("quote", ""), forums=_links(ctx, attrs.get("forums")),
        weight=attrs.get("weight"))


def network_view(ctx: Context, query: Mapping[str, str], cache: VersionCache
                 ) -> dict[str, Any]:
    """The template's values; ``error`` says what is wrong with a filter (no network then)."""
    given = {k: query[k].strip() for k in FILTERS if query.get(k, "").strip()}
    attrs = analysis.actors(ctx.store, cache)
    regions = sorted((ctx.link(iri) for iri, a in attrs.items()
                      if a.get("classification") == network.REGION),
                     key=lambda link: link.label.lower())
    kinds = sorted({a["classification"] for a in attrs.values()
                    if a.get("kind") == "forum" and a.get("classification")})
    values: dict[str, Any] = {
        "filters": given, "kinds": network.KINDS, "regions": regions,
        "forum_kinds": sorted((ctx.link(k) for k in kinds), key=lambda link: link.label.lower()),
        "kind": given.get("kind", network.KINDS[0]), "edges": [], "nodes": 0, "error": None,
        "network": None, "base_iri": ctx.iris.base_iri,
    }
    try:
        graph = analysis.graph(ctx.store, analysis.NETWORK.check(given), cache)
    except QueryError as exc:
        values["error"] = str(exc)
        return values
    edges = [_edge(ctx, u, v, d) for u, v, d in graph.edges(data=True)]
    values["edges"] = sorted(edges, key=lambda e: (e.source.label.lower(),
                                                    e.target.label.lower(), e.start))
    values["nodes"] = graph.number_of_nodes()
    values["network"] = json.loads(network.write(graph, "json"))
    return values


#: The kinds the offline data holds; ``bodies`` is projected from ``bodies-forums`` by the script.
OFFLINE_KINDS = tuple(k for k in network.KINDS if k != "bodies")


def offline_data(ctx: Context, cache: VersionCache) -> dict[str, Any]:
    """What ``static/network.js`` filters without ``/api``: the networks of
    :data:`OFFLINE_KINDS` without filters (node-link JSON: each seat edge has its ``forum``,
    ``start`` and ``end``), ``forumKinds`` (forum → its classification) and ``regions``
    (region → the forums it reaches, the rows of ``region-forums``)."""
    attrs = analysis.actors(ctx.store, cache)
    regions: dict[str, set[str]] = {}
    for row in rows_of(ctx.store, "region-forums"):
        regions.setdefault(text(row, "region") or "", set()).add(text(row, "forum") or "")
    return {
        "networks": {kind: json.loads(network.write(analysis.graph(
            ctx.store, {"kind": kind}, cache), "json")) for kind in OFFLINE_KINDS},
        "forumKinds": {iri: a["classification"] for iri, a in attrs.items()
                       if a.get("kind") == "forum" and a.get("classification")},
        "regions": {r: sorted(forums) for r, forums in sorted(regions.items())},
    }
