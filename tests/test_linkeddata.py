"""Linked data over HTTP (real server): content negotiation, headers, suffixes, 404s, VoID/DCAT,
dumps."""

from __future__ import annotations

import gzip

import httpx
import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph.rdf import export
from govgraph.rdf.store import OxigraphStore

GGID = "https://w3id.org/govgraph/id/"
ORG = "http://www.w3.org/ns/org#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SUFFIXES = {"ttl": "text/turtle", "jsonld": "application/ld+json",
            "nt": "application/n-triples", "rdf": "application/rdf+xml"}
FORUM = GGID + "forum/gruppo-tecnico-ctssm-bologna"
PERSON = GGID + "person/danila-valenti"


def parse(body: bytes, media: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=FORMATS[media])}


def get(server: LiveServer, path: str, accept: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return httpx.get(server.url + path, headers=headers, timeout=30)


@pytest.mark.parametrize("media", list(FORMATS))
def test_entity_negotiated_rdf(live_server: LiveServer, media: str) -> None:
    r = get(live_server, "/id/person/danila-valenti", media)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    triples = parse(r.content, media)
    me = ox.NamedNode(PERSON)
    assert ox.Triple(me, RDF_TYPE, ox.NamedNode("http://xmlns.com/foaf/0.1/Person")) in triples
    # incoming seat, and the label of a thing it links to
    seat = ox.NamedNode(GGID + "representation/valenti-gruppo-tecnico-ctssm-bologna")
    assert ox.Triple(seat, ox.NamedNode(ORG + "member"), me) in triples
    assert ox.Triple(ox.NamedNode(GGID + "body/comune-bologna"), ox.NamedNode(RDFS + "label"),
                     ox.Literal("Comune di Bologna", language="it")) in triples


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html", "text/html"),
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle;q=0.9, text/html;q=0.5", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml, text/turtle;q=0.1", "application/rdf+xml"),
    ("text/*", "text/html"),
])
def test_accept_matrix(live_server: LiveServer, accept: str | None, expected: str) -> None:
    r = get(live_server, "/id/forum/gruppo-tecnico-ctssm-bologna", accept)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected
    assert "Accept" in r.headers["vary"]
    if expected != "text/html":
        assert any(t.subject == ox.NamedNode(FORUM) for t in parse(r.content, expected))


def test_unacceptable_is_406(live_server: LiveServer) -> None:
    r = get(live_server, "/id/forum/gruppo-tecnico-ctssm-bologna", "image/png")
    assert r.status_code == 406
    assert "text/turtle" in r.text


def test_link_headers(live_server: LiveServer) -> None:
    r = get(live_server, "/id/forum/ctssm-bologna", "text/html")
    link = r.headers["link"]
    for suffix, media in SUFFIXES.items():
        assert f'</id/forum/ctssm-bologna.{suffix}>; rel="alternate"; type="{media}"' in link


@pytest.mark.parametrize(("suffix", "media"), list(SUFFIXES.items()))
def test_suffixes(live_server: LiveServer, suffix: str, media: str) -> None:
    r = get(live_server, f"/id/forum/gruppo-tecnico-ctssm-bologna.{suffix}", "text/html")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert ox.Triple(ox.NamedNode(FORUM), RDF_TYPE,
                     ox.NamedNode("https://w3id.org/govgraph/ontology#Forum")) in parse(
        r.content, media)


@pytest.mark.parametrize("path", ["/id/forum/no-such-forum", "/id/", "/id/x/%2e%2e/y",
                                  "/id/%3Cscript%3E", "/id/a%20b"])
def test_unknown_iri_html_404(live_server: LiveServer, path: str) -> None:
    r = get(live_server, path, "text/html")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "<script>" not in r.text


@pytest.mark.parametrize("media", list(FORMATS))
def test_unknown_iri_rdf_404_empty_graph(live_server: LiveServer, media: str) -> None:
    r = get(live_server, "/id/forum/no-such-forum", media)
    assert r.status_code == 404
    assert r.headers["content-type"].split(";")[0] == media
    assert parse(r.content, media) == set()
    assert get(live_server, "/id/forum/no-such-forum.ttl").status_code == 404


@pytest.mark.parametrize("media", list(FORMATS))
def test_ontology_and_shapes(live_server: LiveServer, media: str) -> None:
    onto = parse(get(live_server, "/ontology", media).content, media)
    assert ox.Triple(ox.NamedNode("https://w3id.org/govgraph/ontology"), RDF_TYPE,
                     ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")) in onto
    assert any(t.subject == ox.NamedNode("https://w3id.org/govgraph/ontology#Representation")
               for t in onto)
    shapes = get(live_server, "/shapes", media)
    assert shapes.status_code == 200
    assert any(t.object == ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")
               for t in parse(shapes.content, media))


@pytest.mark.parametrize("path", ["/.well-known/void", "/dataset", "/dataset.ttl"])
def test_void_dcat(live_server: LiveServer, shipped_store: OxigraphStore, path: str) -> None:
    r = get(live_server, path, "text/turtle")
    assert r.status_code == 200
    triples = parse(r.content, "text/turtle")
    ds = ox.NamedNode("https://w3id.org/govgraph/dataset")
    assert ox.Triple(ds, RDF_TYPE, ox.NamedNode(VOID + "Dataset")) in triples
    assert ox.Triple(ds, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")) in triples
    assert ox.Triple(ds, ox.NamedNode(DCT + "license"),
                     ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")) in triples
    values = {t.predicate.value: t.object for t in triples if t.subject == ds}
    union = shipped_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QuerySolutions)
    n = next(iter(union))["n"]
    assert isinstance(n, ox.Literal)
    assert values[VOID + "triples"].value == n.value
    assert values[VOID + "sparqlEndpoint"] == ox.NamedNode("https://w3id.org/govgraph/sparql")
    for key in ("entities", "classes"):
        assert int(values[VOID + key].value) > 0
    dumps = {t.object.value for t in triples if t.predicate == ox.NamedNode(VOID + "dataDump")}
    assert "https://w3id.org/govgraph/dumps/govgraph.ttl" in dumps
    assert any(t.predicate == ox.NamedNode(DCAT + "byteSize") for t in triples)
    assert any(t.predicate == ox.NamedNode(VOID + "vocabulary") and
               t.object == ox.NamedNode(ORG) for t in triples)


def test_dataset_html(live_server: LiveServer) -> None:
    r = get(live_server, "/dataset", "text/html")
    assert r.status_code == 200
    assert "void:triples" in r.text or "triples" in r.text


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_dumps_same_bytes_and_graph(live_server: LiveServer, shipped_store: OxigraphStore,
                                    fmt: str) -> None:
    r = get(live_server, f"/dumps/govgraph.{fmt}")
    assert r.status_code == 200
    assert r.content == export.dump(shipped_store, fmt)
    gz = get(live_server, f"/dumps/govgraph.{fmt}.gz")
    assert gz.headers["content-type"] == "application/gzip"
    assert gzip.decompress(gz.content) == r.content
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG}[fmt]
    parsed = list(ox.parse(r.content, format=rdf_format))
    if fmt == "trig":
        expected = list(shipped_store.inner.quads_for_pattern(None, None, None, None))
    else:
        union = shipped_store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert isinstance(union, ox.QueryTriples)
        expected = [ox.Quad(t.subject, t.predicate, t.object) for t in union]
        del union
        parsed = [ox.Quad(q.subject, q.predicate, q.object) for q in parsed]
    assert canonical(parsed) == canonical(expected)


def canonical(quads: list[ox.Quad]) -> set[ox.Quad]:
    """The quads with canonical blank node labels, so equal graphs compare equal."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_unknown_dump_404(live_server: LiveServer) -> None:
    assert get(live_server, "/dumps/govgraph.xls").status_code == 404
    assert get(live_server, "/dumps/other.ttl").status_code == 404


def test_local_base_iri(make_server: object, shipped_store: OxigraphStore) -> None:
    """A server whose base IRI differs finds nothing under the shipped IRIs (no 500)."""
    server = make_server(shipped_store, base_iri="http://example.org/gg/")  # type: ignore[operator]
    assert get(server, "/id/forum/ctssm-bologna", "text/turtle").status_code == 404
