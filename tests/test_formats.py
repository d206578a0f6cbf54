"""The format registry: one table, read the same way by every part (CLI, /sparql, /api, pages,
dumps, input files)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph import formats
from govgraph.formats import FORMATS, GRAPH, TABULAR, Format
from govgraph.rdf import sources

TRIPLES = [ox.Triple(ox.NamedNode("https://w3id.org/govgraph/id/forum/x"),
                     ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("x", language="it"))]
SELECT = "SELECT ?s WHERE { ?s a gg:Forum } LIMIT 2"
CONSTRUCT = "CONSTRUCT { ?s a gg:Forum } WHERE { ?s a gg:Forum } LIMIT 2"

#: (lookup, input, expected format name or None): the one generic table of the registry's rules.
TABLE: list[tuple[str, str, str | None]] = [
    ("tabular", "json", "json"), ("graph", "json", "jsonld"),
    ("tabular", "xml", "xml"), ("graph", "xml", "rdfxml"),
    ("graph", "rdf", "rdfxml"), ("graph", "rdf+xml", "rdfxml"), ("graph", "RDFXML", "rdfxml"),
    ("graph", "turtle", "ttl"), ("graph", "n3", "ttl"), ("graph", "json-ld", "jsonld"),
    ("graph", "nquads", "nq"), ("graph", "ntriples", "nt"),
    ("tabular", "ttl", None), ("graph", "csv", None), ("graph", "html", None),
    ("media:tabular", "application/json", "json"),
    ("media:tabular", "text/csv; charset=utf-8", "csv"),
    ("media:graph", "text/n3", "ttl"), ("media:graph", "application/x-turtle", "ttl"),
    ("media:graph", "application/sparql-results+json", None),
    ("suffix", "a.rdf", "rdfxml"), ("suffix", "a.owl", "rdfxml"), ("suffix", "a.XML", "rdfxml"),
    ("suffix", "a.json", "jsonld"), ("suffix", "a.turtle", "ttl"), ("suffix", "a.nq", "nq"),
    ("suffix", "a.csv", None),
    ("page", "rdf", "rdfxml"), ("page", "jsonld", "jsonld"), ("page", "trig", None),
    ("dump", "nq", "nq"), ("dump", "rdf", None),
]


def lookup(how: str, text: str) -> Format | None:
    kinds = TABULAR if how.endswith("tabular") else GRAPH
    if how in ("tabular", "graph"):
        return formats.named(text, kinds)
    if how.startswith("media:"):
        return formats.by_media_type(text, kinds)
    if how == "suffix":
        return formats.by_suffix(text)
    if how == "page":
        return formats.page_suffix(text)
    return formats.dump_named(text)


@pytest.mark.parametrize(("how", "text", "expected"), TABLE)
def test_lookup_table(how: str, text: str, expected: str | None) -> None:
    found = lookup(how, text)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_every_name_media_type_and_suffix_leads_back(fmt: Format) -> None:
    for name in (fmt.name, *fmt.aliases):
        assert formats.named(name, fmt.kinds) == fmt
    for media in fmt.media_types:
        assert formats.by_media_type(media, fmt.kinds) == fmt
    assert fmt.engine.media_type.split(";")[0] == fmt.media_type
    if fmt.kinds == GRAPH:
        for suffix in fmt.suffixes:
            assert formats.by_suffix(f"file.{suffix}") == fmt


def test_names_are_unique_within_a_kind() -> None:
    for kinds in (TABULAR, GRAPH):
        names = [n for f in formats.of_kind(kinds) for n in (f.name, *f.aliases)]
        assert len(names) == len(set(names))
        media = [m for f in formats.of_kind(kinds) for m in f.media_types]
        assert len(media) == len(set(media))
    assert len({f.name for f in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize("fmt", formats.of_kind(GRAPH), ids=lambda f: f.name)
def test_graph_formats_write_what_they_read(fmt: Format, tmp_path: Path) -> None:
    body = formats.serialize(TRIPLES, fmt)
    assert [q.triple for q in ox.parse(body, format=fmt.rdf)] == TRIPLES
    if fmt.writes_prefixes:  # the readable prefixes, not ggid: (slashes would be escaped)
        assert b"rdfs" in body and b"ggid" not in body
    path = tmp_path / f"file.{fmt.suffix}"  # an input file of that suffix is read in it
    path.write_bytes(body)
    assert sources.SourceFile.of(path).format == fmt.rdf


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_same_name_same_format_at_sparql_and_api(live_server: LiveServer, fmt: Format) -> None:
    sparql = SELECT if fmt.kinds == TABULAR else CONSTRUCT
    for name in (fmt.name, *fmt.aliases):
        answer = httpx.get(f"{live_server.url}/sparql", params={"query": sparql, "format": name})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == fmt.media_type
        tabular, _graph = formats.pick(name)
        api = httpx.get(f"{live_server.url}/api/queries/forum-tree", params={"format": name})
        if tabular is None:
            assert api.status_code == 406, name  # a SELECT query: no tabular format by that name
        else:
            assert api.headers["content-type"].split(";")[0] == tabular.media_type


@pytest.mark.parametrize("fmt", formats.pages(), ids=lambda f: f.name)
def test_page_suffixes_and_accept_agree(live_server: LiveServer, fmt: Format) -> None:
    by_suffix = httpx.get(f"{live_server.url}/ontology.{fmt.suffix}")
    by_accept = httpx.get(f"{live_server.url}/ontology", headers={"Accept": fmt.media_type})
    assert by_suffix.status_code == by_accept.status_code == 200
    assert by_suffix.headers["content-type"].split(";")[0] == fmt.media_type
    assert by_suffix.content == by_accept.content
    assert f'<{"/ontology"}.{fmt.suffix}>' in by_accept.headers["link"]


@pytest.mark.parametrize("fmt", formats.dumps(), ids=lambda f: f.name)
def test_dumps_offer_every_dump_format(live_server: LiveServer, fmt: Format) -> None:
    answer = httpx.get(f"{live_server.url}/dumps/govgraph.{fmt.suffix}", timeout=120)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == fmt.media_type
    assert list(ox.parse(answer.content, format=fmt.rdf))
