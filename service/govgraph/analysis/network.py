"""Networks of the graph for Gephi, igraph, networkx or R: built from the named queries, written
by networkx.

Four kinds (:data:`KINDS`), each a :class:`networkx.MultiDiGraph` with one edge per seat (its key
the seat's IRI), except the projection, a :class:`networkx.Graph`:

``bodies-forums``
    principal → forum: a body (or a forum acting as one) takes part in a forum, directly
    (``org:Membership``) or through an agent acting on its behalf (``gg:Representation``).
``persons-forums``
    agent → forum, for the seats held by persons and posts (one edge per seat; its principals in
    ``onBehalfOf``).
``principals-agents``
    principal → agent, for each representation (the forum in ``forum``).
``bodies``
    the co-membership projection of ``bodies-forums``: two principals are linked when they take
    part in the same forum; ``weight`` is the number of such forums, ``forums``, ``seats`` and
    ``sourceDocuments`` list them (space-separated IRIs).

The seats are the rows of the named query ``representations`` (memberships included, ``as_of``
passed on), the node attributes the rows of ``actors`` and the ``region`` scope the forums that
``region-forums`` lists for the region. Node ids are IRIs; every node has ``label`` and ``kind``
(``body``, ``body-group``, ``unit``, ``forum``, ``person``, ``post``, or ``other``) and, when the
data has them, ``classification`` (+ ``classificationLabel``) and ``codes``. Every seat edge has
``seat``, ``seatType``, ``forum``, ``agent``, ``onBehalfOf`` (+ their labels), and when stated
``role``, ``start``, ``end`` (dates as written: ``2022``, ``2022-04``, ``2022-04-15``),
``sourceDocument`` (+ ``sourceDocumentLabel``; not ``source``, which node-link JSON and CSV use
for an edge's first node) and ``quote``, the sentence quoted as evidence; the seat's IRI
leads to every quote (``govgraph query statement-sources --param node=SEAT``). Attributes the
data does not state are left out, never written empty.

Formats (:data:`FORMATS`): GraphML, GEXF and node-link JSON as networkx writes them, and ``csv``:
a zip archive of ``nodes.csv`` and ``edges.csv`` with the column names Gephi's spreadsheet import
recognises (``Id``, ``Label``; ``Source``, ``Target``, ``Type``, ``Id``, ``Weight``), so that a
network is one file on stdout or over HTTP too.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any, TypeAlias

import networkx as nx

from govgraph import __version__, formats
from govgraph.analysis.rows import Row, text
from govgraph.analysis.rows import run as rows_of
from govgraph.querying.queries import QueryError
from govgraph.rdf.namespaces import GGID, expand_id
from govgraph.rdf.store import Store

KINDS = ("bodies-forums", "persons-forums", "bodies", "principals-agents")
REGION = GGID + "concept/body-kind/region"
#: Kinds of agents whose seats ``persons-forums`` shows.
PERSON_KINDS = frozenset({"person", "post"})
#: Attributes of a seat edge, from the columns of ``representations`` (edge name: column).
SEAT_ATTRIBUTES = {
    "seat": "seat", "seatType": "seatType", "forum": "forum", "forumLabel": "forumLabel",
    "agent": "agent", "agentLabel": "agentLabel", "role": "role", "roleLabel": "roleLabel",
    "start": "start", "end": "end", "sourceDocument": "source",
    "sourceDocumentLabel": "sourceLabel",
    "quote": "quote",
}
NODE_ATTRIBUTES = ("label", "kind", "classification", "classificationLabel", "codes")

#: a networkx graph (MultiDiGraph and Graph are both Graphs)
Graph: TypeAlias = nx.Graph


@dataclass(frozen=True)
class Scope:
    """What part of the graph a network shows (None: no restriction)."""

    as_of: str | None = None
    region: str | None = None
    forum_kind: str | None = None


# --- building ----------------------------------------------------------------------------------

def build(store: Store, kind: str, scope: Scope = Scope(),
          actors: Mapping[str, Mapping[str, str]] | None = None) -> Graph:
    """The network of the given kind, as of a date, in a region, of a kind of forum.

    ``actors`` are the node attributes of :func:`actors` when the caller keeps them (the
    service does, per dataset version: they cost most of the time). Raises
    :class:`QueryError` (naming the parameter) for an unknown kind, a date that is not
    YYYY-MM-DD, or a region that is no region.
    """
    if kind not in KINDS:
        raise QueryError(f"no network kind {kind!r}; known: {', '.join(KINDS)}", param="kind")
    if actors is None:
        actors = node_attributes(store)
    params = {"include_memberships": "true"}
    if scope.as_of:
        params["as_of"] = scope.as_of
    seats = rows_of(store, "representations", params)
    if scope.region:
        seats = _in_region(store, seats, expand_id(scope.region), actors)
    if scope.forum_kind:
        wanted = expand_id(scope.forum_kind)
        seats = [r for r in seats if actors.get(text(r, "forum") or "", {}).get(
            "classification") == wanted]
    graph: Graph = nx.Graph() if kind == "bodies" else nx.MultiDiGraph()
    graph.graph.update(_describe(kind, scope, store))
    if kind == "bodies":
        _project(graph, seats)
    else:
        for u, v, key, attrs in _seat_edges(kind, seats, actors):
            graph.add_edge(u, v, key=key, **attrs)
    for node in graph.nodes:
        graph.nodes[node].update(_node(node, actors, seats))
    return graph


def _describe(kind: str, scope: Scope, store: Store) -> dict[str, str]:
    facts = {"kind": kind, "as_of": scope.as_of, "region": scope.region and expand_id(
        scope.region), "forum_kind": scope.forum_kind and expand_id(scope.forum_kind),
        "dataset": store.version, "generator": f"govgraph {__version__}"}
    return {k: v for k, v in facts.items() if v}


def node_attributes(store: Store) -> dict[str, dict[str, str]]:
    """Node attributes by IRI, from ``actors`` (several classifications: the first one)."""
    found: dict[str, dict[str, str]] = {}
    for row in rows_of(store, "actors"):
        iri = text(row, "node")
        if iri is None or iri in found:
            continue
        attrs = {"label": text(row, "nodeLabel"), "kind": text(row, "kind"),
                 "classification": text(row, "classification"),
                 "classificationLabel": text(row, "classificationLabel"),
                 "codes": " ".join(sorted((text(row, "codes") or "").split()))}
        found[iri] = {k: v for k, v in attrs.items() if v}
    return found


def _in_region(store: Store, seats: list[Row], region: str,
               actors: Mapping[str, Mapping[str, str]]) -> list[Row]:
    if actors.get(region, {}).get("classification") != REGION:
        raise QueryError(f"region {region!r} is not a region of the data (a body classified "
                         "concept/body-kind/region; see govgraph query actors --param "
                         "classification=concept/body-kind/region)", param="region")
    forums = {text(r, "forum") for r in rows_of(store, "region-forums", {"region": region})}
    return [r for r in seats if text(r, "forum") in forums]


def _attrs(row: Row, names: dict[str, str]) -> dict[str, str]:
    found = {edge: text(row, column) for edge, column in names.items()}
    return {k: v for k, v in found.items() if v}


def _seat_edges(kind: str, seats: list[Row], actors: Mapping[str, Mapping[str, str]]
                ) -> Iterable[tuple[str, str, str, dict[str, str]]]:
    """(from, to, seat IRI, attributes) of the seat edges of a kind other than ``bodies``."""
    by_seat: dict[str, list[Row]] = defaultdict(list)
    for row in seats:
        by_seat[text(row, "seat") or ""].append(row)
    for seat, rows in by_seat.items():
        first = rows[0]
        agent, forum = text(first, "agent") or "", text(first, "forum") or ""
        attrs = _attrs(first, SEAT_ATTRIBUTES)
        attrs["seatType"] = attrs["seatType"].rsplit("#", 1)[-1]
        if kind == "persons-forums":
            if actors.get(agent, {}).get("kind") not in PERSON_KINDS:
                continue
            attrs["onBehalfOf"] = " ".join(sorted(text(r, "principal") or "" for r in rows))
            attrs["onBehalfOfLabel"] = "; ".join(sorted(text(r, "principalLabel") or ""
                                                        for r in rows))
            yield agent, forum, seat, attrs
            continue
        for row in rows:
            principal = text(row, "principal") or ""
            edge = attrs | _attrs(row, {"onBehalfOf": "principal",
                                        "onBehalfOfLabel": "principalLabel"})
            if kind == "bodies-forums":
                yield principal, forum, seat, edge
            elif attrs["seatType"] == "Representation":  # principals-agents
                yield principal, agent, seat, edge


def _project(graph: nx.Graph, seats: list[Row]) -> None:
    """Link the principals that take part in one forum, one edge per pair."""
    by_forum: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in seats:
        by_forum[text(row, "forum") or ""][text(row, "principal") or ""].append(row)
    shared: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"forums": set(), "forumLabels": set(), "seats": set(), "documents": set()})
    for forum, principals in by_forum.items():
        graph.add_nodes_from(principals)
        for a, b in combinations(sorted(principals), 2):
            link = shared[(a, b)]
            link["forums"].add(forum)
            for row in principals[a] + principals[b]:
                link["forumLabels"].add(text(row, "forumLabel") or forum)
                link["seats"].add(text(row, "seat") or "")
                if text(row, "source"):
                    link["documents"].add(text(row, "source") or "")
    for (a, b), link in shared.items():
        graph.add_edge(a, b, weight=len(link["forums"]),
                       forums=" ".join(sorted(link["forums"])),
                       forumLabels="; ".join(sorted(link["forumLabels"])),
                       seats=" ".join(sorted(link["seats"])),
                       sourceDocuments=" ".join(sorted(link["documents"])))


def _node(iri: str, actors: Mapping[str, Mapping[str, str]], seats: list[Row]) -> dict[str, str]:
    """A node's attributes: from ``actors``, else its label in the seats' rows."""
    if iri in actors:
        return {"iri": iri, **actors[iri]}
    label = next((text(r, f"{c}Label") for r in seats for c in ("agent", "principal", "forum")
                  if text(r, c) == iri and text(r, f"{c}Label")), None)
    return {"iri": iri, "label": label or iri, "kind": "other"}


# --- writing -----------------------------------------------------------------------------------

def _graphml(graph: Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8")
    return out.getvalue()


def _gexf(graph: Graph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(graph, out, encoding="utf-8")
    return out.getvalue()


def _json(graph: Graph) -> bytes:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1).encode() + b"\n"


def _table(header: list[str], rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _csv(graph: Graph) -> bytes:
    node_columns = ["Id", "Label", *(a for a in NODE_ATTRIBUTES if a != "label")]
    nodes = [{"Id": n, "Label": d.get("label", n), **{a: d.get(a, "") for a in node_columns[2:]}}
             for n, d in graph.nodes(data=True)]
    directed = "Directed" if graph.is_directed() else "Undirected"
    names = sorted({k for *_, d in graph.edges(data=True) for k in d} - {"weight"})
    header = ["Source", "Target", "Type", "Id", *(["Weight"] if not graph.is_multigraph()
                                                 else []), *names]
    if graph.is_multigraph():
        edges = [{"Source": u, "Target": v, "Type": directed, "Id": k, **d}
                 for u, v, k, d in graph.edges(keys=True, data=True)]
    else:
        edges = [{"Source": u, "Target": v, "Type": directed, "Id": f"{u} {v}",
                  "Weight": d.get("weight", 1), **{a: d[a] for a in d if a != "weight"}}
                 for u, v, d in graph.edges(data=True)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("nodes.csv", _table(node_columns, nodes)),
                           ("edges.csv", _table(header, edges))):
            # a fixed time stamp: the same network gives the same bytes (and ETag)
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


#: The formats (names, media types, suffixes: :data:`govgraph.formats.OUTPUTS`).
FORMATS: dict[str, formats.Output] = {o.name: o for o in formats.outputs("network")}
_WRITERS: dict[str, Callable[[Graph], bytes]] = {
    "graphml": _graphml, "gexf": _gexf, "csv": _csv, "json": _json}


def write(graph: Graph, fmt: str) -> bytes:
    """The network in one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise QueryError(f"no network format {fmt!r}; known: {', '.join(FORMATS)}",
                         param="format")
    return _WRITERS[fmt](graph)
