"""Network exports (govgraph.analysis.network, govgraph network): every kind in every format is
read back with networkx and checked against the rows of the named queries it is built from —
on the fixture tests/fixtures/analysis/network.ttl, and on the shipped data through properties
that stay true as the data grows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

from govgraph.analysis import network
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.cli import main
from govgraph.querying.queries import QueryError
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import load_store

FIXTURE = Path(__file__).parent / "fixtures" / "analysis" / "network.ttl"
ANNA_SEAT = ID + "representation/fixture-net-anna"
BRUNO_SEAT = ID + "representation/fixture-net-bruno"
CONFERENZA, UFFICIO, TAVOLO = (ID + f"forum/fixture-net-{f}" for f in
                               ("conferenza", "ufficio", "tavolo"))


@pytest.fixture(scope="module")
def fixture_store():
    return load_store(sources.with_context([FIXTURE]))


def read_back(data: bytes, fmt: str) -> nx.Graph:
    """The export as networkx reads it (csv: the zip's two tables put into a networkx graph)."""
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    if fmt == "json":
        return nx.node_link_graph(json.loads(data), edges="edges")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode())))
    undirected = {e["Type"] for e in edges} == {"Undirected"}
    graph: nx.Graph = nx.Graph() if undirected else nx.MultiDiGraph()
    for n in nodes:
        graph.add_node(n["Id"], label=n["Label"], **{k: v for k, v in n.items()
                                                    if k not in ("Id", "Label") and v})
    for e in edges:
        attrs = {k: v for k, v in e.items() if k not in ("Source", "Target", "Type", "Id") and v}
        if undirected:
            graph.add_edge(e["Source"], e["Target"], weight=int(attrs.pop("Weight")), **attrs)
        else:
            graph.add_edge(e["Source"], e["Target"], key=e["Id"], **attrs)
    return graph


def expected(store, kind: str, as_of: str | None = None) -> set[tuple[str, ...]]:
    """The edges the named queries' rows call for: (from, to, seat), or (a, b, weight)."""
    params = {"include_memberships": "true", **({"as_of": as_of} if as_of else {})}
    seats = rows_of(store, "representations", params)
    kinds = {text(r, "node"): text(r, "kind") for r in rows_of(store, "actors")}
    if kind == "bodies-forums":
        return {(text(r, "principal"), text(r, "forum"), text(r, "seat")) for r in seats}
    if kind == "persons-forums":
        return {(text(r, "agent"), text(r, "forum"), text(r, "seat")) for r in seats
                if kinds.get(text(r, "agent")) in ("person", "post")}
    if kind == "principals-agents":
        return {(text(r, "principal"), text(r, "agent"), text(r, "seat")) for r in seats
                if text(r, "seatType", ).endswith("#Representation")}
    shared: dict[frozenset[str], set[str]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)
    for r in seats:
        members[text(r, "forum")].add(text(r, "principal"))
    for forum, principals in members.items():
        for a, b in combinations(sorted(principals), 2):
            shared[frozenset((a, b))].add(forum)
    return {(*sorted(pair), str(len(forums))) for pair, forums in shared.items()}


def edges_of(graph: nx.Graph) -> set[tuple[str, ...]]:
    # (GEXF comes back as a DiGraph when no two edges join the same nodes)
    if graph.is_directed():
        return {(u, v, d["seat"]) for u, v, d in graph.edges(data=True)}
    return {(*sorted((u, v)), str(int(d["weight"]))) for u, v, d in graph.edges(data=True)}


def check(store, kind: str, fmt: str, as_of: str | None = None) -> nx.Graph:
    """Export, read back, and compare nodes and edges with the named queries' rows."""
    graph = network.build(store, kind, network.Scope(as_of=as_of))
    back = read_back(network.write(graph, fmt), fmt)
    assert edges_of(back) == expected(store, kind, as_of)
    actors = {text(r, "node"): r for r in rows_of(store, "actors")}
    ends = {n for e in expected(store, kind, as_of) for n in e[:2]}
    if kind == "bodies":  # the projection keeps a body that shares no forum, as a lone node
        params = {"include_memberships": "true", **({"as_of": as_of} if as_of else {})}
        ends |= {p for r in rows_of(store, "representations", params)
                 if (p := text(r, "principal"))}
    assert set(back.nodes) == ends
    for node, attrs in back.nodes(data=True):
        row = actors[node]  # every node of these kinds is an actor
        assert attrs["label"] == text(row, "nodeLabel")
        assert attrs["kind"] == text(row, "kind")
        assert sorted(attrs.get("codes", "").split()) == sorted((text(row, "codes") or "").split())
    if back.is_directed():
        rows = {(text(r, "seat")): r for r in rows_of(store, "representations",
                                                       {"include_memberships": "true"})}
        for _u, _v, attrs in back.edges(data=True):
            row = rows[attrs["seat"]]
            for name, column in (("role", "role"), ("sourceDocument", "source"),
                                 ("quote", "quote"), ("start", "start"), ("end", "end"),
                                 ("forum", "forum")):
                assert attrs.get(name) == text(row, column), (name, attrs)
    return back


# === the fixture ===============================================================================

@pytest.mark.parametrize("fmt", sorted(network.FORMATS))
@pytest.mark.parametrize("kind", network.KINDS)
def test_every_kind_and_format_reads_back(fixture_store, kind, fmt):
    back = check(fixture_store, kind, fmt)
    assert back.number_of_edges() > 0


@pytest.mark.parametrize("fmt", sorted(network.FORMATS))
def test_as_of_shows_who_coordinated_then(fixture_store, fmt):
    before = check(fixture_store, "persons-forums", fmt, as_of="2022-05-15")
    after = check(fixture_store, "persons-forums", fmt, as_of="2022-06-15")
    seats_before = {d["seat"] for *_, d in before.edges(data=True)}
    seats_after = {d["seat"] for *_, d in after.edges(data=True)}
    assert ANNA_SEAT in seats_before and BRUNO_SEAT not in seats_before
    assert BRUNO_SEAT in seats_after and ANNA_SEAT not in seats_after


def test_edges_carry_on_behalf_of_and_dates(fixture_store):
    graph = network.build(fixture_store, "persons-forums")
    (anna,) = [d for *_, d in graph.edges(data=True) if d["seat"] == ANNA_SEAT]
    assert anna["onBehalfOf"].split() == [ID + "body/fixture-net-comune-a",
                                          ID + "body/fixture-net-comune-b"]
    assert (anna["start"], anna["end"]) == ("2020-01-15", "2022-05-31")
    assert anna["quote"] == "la conferenza di prova riunisce i comuni e le aziende"


def test_projection_weight_counts_shared_forums(fixture_store):
    graph = network.build(fixture_store, "bodies")
    # the health authority sits in the conference (through Anna) and in the table
    edge = graph.edges[ID + "body/fixture-net-azienda", ID + "body/fixture-net-comune-c"]
    assert edge["forums"] == TAVOLO and edge["weight"] == 1


@pytest.mark.parametrize(("region", "forums"), [
    ("body/fixture-net-regione-a", {CONFERENZA, UFFICIO}),  # a seat in the conference
    ("body/fixture-net-regione-b", {TAVOLO}),  # a liaison of the table
])
def test_region_keeps_the_forums_it_reaches(fixture_store, region, forums):
    graph = network.build(fixture_store, "bodies-forums", network.Scope(region=region))
    assert {d["forum"] for *_, d in graph.edges(data=True)} == forums


def test_forum_kind(fixture_store):
    graph = network.build(fixture_store, "bodies-forums", network.Scope(
        forum_kind="concept/forum-kind/steering-committee"))
    assert {d["forum"] for *_, d in graph.edges(data=True)} == {UFFICIO}


@pytest.mark.parametrize(("scope", "param"), [
    (network.Scope(region="body/fixture-net-comune-a"), "region"),
    (network.Scope(as_of="last spring"), "as_of"),
])
def test_bad_scope_names_the_parameter(fixture_store, scope, param):
    with pytest.raises(QueryError) as err:
        network.build(fixture_store, "bodies", scope)
    assert err.value.param == param


# === the shipped data (properties only) =========================================================

@pytest.mark.parametrize("fmt", sorted(network.FORMATS))
@pytest.mark.parametrize("kind", network.KINDS)
def test_shipped_data_reads_back(shipped_store, kind, fmt):
    check(shipped_store, kind, fmt)


def test_every_shipped_seat_edge_leads_to_a_quote(shipped_store):
    graph = network.build(shipped_store, "bodies-forums")
    assert graph.number_of_edges() > 0
    for *_, attrs in graph.edges(data=True):
        quotes = [text(r, "quote") for r in rows_of(shipped_store, "statement-sources",
                                                    {"node": attrs["seat"]})]
        assert attrs["quote"] and all(q and q in attrs["quote"] for q in quotes if q)


# === the command ================================================================================

def test_command_writes_to_stdout(capsysbinary):
    assert main(["network", "--kind", "bodies-forums", "--format", "gexf"]) == 0
    out = capsysbinary.readouterr().out
    graph = nx.read_gexf(io.BytesIO(out))
    assert graph.number_of_edges() == len(expected(load_store(sources.shipped()),
                                                   "bodies-forums"))


def test_command_writes_a_file(tmp_path, capsys):
    target = tmp_path / "bodies.graphml"
    assert main(["network", "--kind", "bodies", "--data", str(FIXTURE), "--as-of",
                 "2022-06-15", "-o", str(target)]) == 0
    assert nx.read_graphml(target).number_of_edges() > 0
    assert str(target) in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["bodies.graphml"]  # no temporary left


def test_command_bad_date_is_one_line(tmp_path, capsys):
    target = tmp_path / "x.gexf"
    assert main(["network", "--kind", "bodies", "--as-of", "2022-13-01", "-o",
                 str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "as_of" in err and "Traceback" not in err
    assert not target.exists()
