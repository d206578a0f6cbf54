"""Health trusts, conferences and the municipalities they cover, on entity pages and ``/browse``
(docs/registry.md). Every list is the answer of a named query, the same ``govgraph query`` and
``/api/queries`` run:

- a municipality's page: ``municipality-coverage`` (the trusts and forums that cover it, how,
  with source and quote);
- a trust's or forum's page: ``covered-municipalities`` (the municipalities it covers, grouped by
  the statement, source and quote they rest on) and, for a trust, ``trust-forums`` (the forums
  over its municipalities);
- ``/browse``: ``health-trusts`` (every trust with its kind and region).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govgraph.analysis.rows import Row, text
from govgraph.analysis.rows import run as rows_of
from govgraph.rdf.namespaces import GGID
from govgraph.web.views import Context, Link

_KIND = GGID + "concept/body-kind/"
MUNICIPALITY = _KIND + "municipality"
#: The body kinds of a health trust or agency (the VALUES of the queries above).
TRUST_KINDS = frozenset(_KIND + k for k in (
    "local-health-authority", "health-trust", "research-hospital"))

_KINDS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?kind WHERE { $node owl:sameAs?/org:classification ?kind }"""


@dataclass
class Covering:
    """A trust or forum that covers a municipality: one row of ``municipality-coverage``."""

    node: Link
    kind: Link | None
    how: str  # "territory" or "mayor-seat"
    via: Link
    statement: Link
    sources: list[Link] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


@dataclass
class Covered:
    """The municipalities one statement (a trust's or forum's territory, a mayor's seat) says
    are covered, with what it names (``via``: the municipalities, units, region or posts)."""

    how: str
    via: list[Link] = field(default_factory=list)
    municipalities: list[tuple[Link, str]] = field(default_factory=list)  # (link, ISTAT code)
    sources: list[Link] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def kinds(ctx: Context, iri: str) -> set[str]:
    """The classifications of a node and of the nodes it is declared the same as."""
    result = ctx.store.query(_KINDS, substitutions={"node": ox.NamedNode(iri)})
    assert isinstance(result, ox.QuerySolutions)
    return {row["kind"].value for row in result if isinstance(row["kind"], ox.NamedNode)}


def _link(ctx: Context, row: Row, name: str) -> Link | None:
    value = text(row, name)
    return ctx.link(value) if value else None


def _as_named(ctx: Context, row: Row, name: str) -> Link:
    """The IRI of a column, labelled with the name the query gives next to it (``?nameLabel``:
    a municipality's ISTAT name rather than its page title "Adro (municipality)")."""
    link = ctx.link(text(row, name) or "")
    label = text(row, name + "Label")
    return Link(link.iri, label, link.href, link.local) if label else link


def _add(items: list[Link], link: Link | None) -> None:
    if link is not None and all(x.iri != link.iri for x in items):
        items.append(link)


def _add_quote(quotes: list[str], row: Row) -> None:
    quote = text(row, "quote")
    if quote and quote not in quotes:
        quotes.append(quote)


def coverage_of_municipality(ctx: Context, municipality: str) -> list[Covering]:
    """The trusts and forums that cover a municipality, one entry per trust or forum, way and
    statement (its sources and quotes gathered)."""
    found: dict[tuple[str, str, str, str], Covering] = {}
    for row in rows_of(ctx.store, "municipality-coverage", {"municipality": municipality}):
        node, via, statement = (text(row, c) or "" for c in ("covering", "via", "statement"))
        how = text(row, "how") or ""
        entry = found.setdefault((node, how, via, statement), Covering(
            ctx.link(node), _link(ctx, row, "kind"), how, ctx.link(via), ctx.link(statement)))
        _add(entry.sources, _link(ctx, row, "source"))
        _add_quote(entry.quotes, row)
    return list(found.values())


def covered_municipalities(ctx: Context, covering: str) -> list[Covered]:
    """The municipalities a trust or forum covers, grouped by how and by the sources and
    quotes they rest on (a forum's 44 mayors' seats from one page are one group)."""
    by_statement: dict[str, Covered] = {}
    for row in rows_of(ctx.store, "covered-municipalities", {"covering": covering}):
        statement = text(row, "statement") or ""
        entry = by_statement.setdefault(statement, Covered(text(row, "how") or ""))
        _add(entry.via, _link(ctx, row, "via"))
        municipality = text(row, "municipality") or ""
        if all(m.iri != municipality for m, _code in entry.municipalities):
            entry.municipalities.append((_as_named(ctx, row, "municipality"),
                                         text(row, "istat") or ""))
        _add(entry.sources, _link(ctx, row, "source"))
        _add_quote(entry.quotes, row)
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Covered] = {}
    for entry in by_statement.values():
        key = (entry.how, tuple(s.iri for s in entry.sources), tuple(entry.quotes))
        if key not in groups:
            groups[key] = entry
            continue
        group = groups[key]
        for via in entry.via:
            _add(group.via, via)
        group.municipalities += [m for m in entry.municipalities
                                 if all(m[0].iri != g.iri for g, _c in group.municipalities)]
    for group in groups.values():
        group.municipalities.sort(key=lambda m: (m[1], m[0].label))
        if group.how == "mayor-seat" or \
                {v.iri for v in group.via} == {m.iri for m, _c in group.municipalities}:
            group.via = []  # the municipalities themselves, or their mayors' posts
    return list(groups.values())


@dataclass(frozen=True)
class OverTrust:
    """A forum over a trust's municipalities: one row of ``trust-forums``."""

    forum: Link
    kind: Link | None
    how: str
    municipalities: int


def trust_forums(ctx: Context, trust: str) -> list[OverTrust]:
    return [OverTrust(ctx.link(text(row, "forum") or ""), _link(ctx, row, "kind"),
                      text(row, "how") or "", int(text(row, "municipalities") or 0))
            for row in rows_of(ctx.store, "trust-forums", {"trust": trust})]


def sections(ctx: Context, iri: str, kind: str) -> dict[str, object]:
    """What an entity page of this kind shows of coverage: ``coverage`` (a municipality's
    trusts and forums), ``covered`` (a trust's or forum's municipalities), ``trust_forums``."""
    if kind not in ("body", "forum"):
        return {}
    found = kinds(ctx, iri)
    out: dict[str, object] = {}
    if MUNICIPALITY in found:
        out["coverage"] = coverage_of_municipality(ctx, iri)
    if kind == "forum" or found & TRUST_KINDS:
        out["covered"] = covered_municipalities(ctx, iri)
    if found & TRUST_KINDS:
        out["trust_forums"] = trust_forums(ctx, iri)
    return out


@dataclass(frozen=True)
class Trust:
    link: Link
    kind: Link | None


def trusts_by_region(ctx: Context) -> dict[str | None, list[Trust]]:
    """Every health trust or agency with its kind, by the region of its territory (``None``:
    the data gives no territory by registry node), in name order."""
    out: dict[str | None, list[Trust]] = {}
    for row in rows_of(ctx.store, "health-trusts"):
        trust = Trust(ctx.link(text(row, "trust") or ""), _link(ctx, row, "kind"))
        out.setdefault(text(row, "region"), []).append(trust)
    for trusts in out.values():
        trusts.sort(key=lambda t: t.link.label.lower())
    return out
