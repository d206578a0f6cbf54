"""``/browse``: the registry's territorial bodies, regions -> supra-municipal units ->
municipalities (docs/registry.md), and the health trusts and agencies of each region. The
municipalities of a unit come from the named query ``municipalities``, the trusts from
``health-trusts`` (:mod:`govgraph.web.coverage`), the same ones ``govgraph query`` and
``/api/queries`` run."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from govgraph.querying import queries
from govgraph.web import coverage
from govgraph.web.views import Context

_UNITS = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX idsch: <https://w3id.org/govgraph/id/concept/identifier-scheme/>
SELECT DISTINCT ?region ?regionCode ?uts ?utsCode WHERE {
  ?region org:classification <https://w3id.org/govgraph/id/concept/body-kind/region> .
  ?uts gg:withinTerritoryOf ?region .
  ?region adms:identifier ?r . ?r dct:type idsch:istat-region ; skos:notation ?regionCode .
  ?uts adms:identifier ?u . ?u dct:type idsch:istat-uts ; skos:notation ?utsCode .
} ORDER BY ?regionCode ?utsCode
"""


def regions(ctx: Context) -> list[dict[str, Any]]:
    """Every region with its units, in ISTAT code order (empty without the registry)."""
    result = ctx.store.query(_UNITS)
    assert isinstance(result, ox.QuerySolutions)
    out: list[dict[str, Any]] = []
    for row in result:
        region, uts = row["region"], row["uts"]
        assert isinstance(region, ox.NamedNode) and isinstance(uts, ox.NamedNode)
        if not out or out[-1]["link"].iri != region.value:
            out.append({"link": ctx.link(region.value), "code": _text(row["regionCode"]),
                        "units": []})
        out[-1]["units"].append({"link": ctx.link(uts.value), "code": _text(row["utsCode"])})
    return out


def overview(ctx: Context) -> dict[str, Any]:
    """What ``/browse`` lists: every region with its units and its health trusts (a region
    that only a trust's territory names is listed too), and the trusts placed in no region."""
    listed = regions(ctx)
    trusts = coverage.trusts_by_region(ctx)
    unplaced = trusts.pop(None, [])
    for region in listed:
        region["trusts"] = trusts.pop(region["link"].iri, [])
    listed += [{"link": ctx.link(iri), "code": "", "units": [], "trusts": found}
               for iri, found in sorted(trusts.items(), key=lambda item: str(item[0]))
               if iri is not None]
    return {"regions": listed, "unplaced": unplaced}


def municipalities(ctx: Context, unit: str) -> list[dict[str, Any]]:
    """The municipalities of a unit or region: link, ISTAT and cadastral code."""
    result = queries.run_named_query(ctx.store, queries.get("municipalities"), {"unit": unit})
    assert isinstance(result, ox.QuerySolutions)
    rows: list[dict[str, Any]] = []
    for row in result:
        m = row["municipality"]
        if isinstance(m, ox.NamedNode):
            rows.append({"link": ctx.link(m.value), "istat": _text(row["istat"]),
                         "cadastral": _text(row["cadastral"])})
    return rows


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""
