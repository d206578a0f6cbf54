"""The /sparql endpoint over HTTP against a real server: protocol, negotiation, safety, limits."""

from __future__ import annotations

import html
import json
import re
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef

from govgraph.rdf.store import OxigraphStore
from govgraph.web import pages

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = "http://www.w3.org/ns/formats/"
JSON_RESULTS = "application/sparql-results+json"
ASK = "ASK { <https://w3id.org/govgraph/ontology> a <http://www.w3.org/2002/07/owl#Ontology> }"
CONSTRUCT = "CONSTRUCT WHERE { <https://w3id.org/govgraph/ontology> a ?type }"

Server = Any  # tests/conftest.py's LiveServer


@pytest.fixture
def endpoint(live_server: Server) -> str:
    return str(live_server.url) + "/sparql"


def parse_rdf(data: bytes, rdflib_format: str) -> Graph:
    """rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph; that is not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=data, format=rdflib_format)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON_RESULTS
    return bool(json.loads(response.content)["boolean"])


def bindings(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return list(json.loads(response.content)["results"]["bindings"])


# --- the three ways to send a query ----------------------------------------------------------


def test_get_and_both_posts(endpoint: str) -> None:
    assert boolean(httpx.get(endpoint, params={"query": ASK}))
    assert boolean(httpx.post(endpoint, data={"query": ASK}))
    assert boolean(httpx.post(endpoint, content=ASK.encode(),
                              headers={"Content-Type": "application/sparql-query"}))
    assert boolean(httpx.post(endpoint, content=ASK.encode(),
                              headers={"Content-Type": "application/sparql-query; charset=UTF-8"}))
    assert not boolean(httpx.get(endpoint, params={"query": "ASK { <urn:x:no> ?p ?o }"}))


def test_percent_sequences_are_decoded_once(endpoint: str) -> None:
    query = 'SELECT ("%41+%2B" AS ?x) {}'
    for response in (
        httpx.get(endpoint, params={"query": query}),
        httpx.post(endpoint, data={"query": query}),
        httpx.post(endpoint, content=query.encode(),
                   headers={"Content-Type": "application/sparql-query"}),
        httpx.post(endpoint, content=b"query=SELECT+(%22%2541%2B%252B%22+AS+%3Fx)+%7B%7D",
                   headers={"Content-Type": "application/x-www-form-urlencoded"}),
    ):
        assert bindings(response)[0]["x"]["value"] == "%41+%2B"


def test_one_query_parameter_only(endpoint: str) -> None:
    responses = [
        httpx.get(endpoint + "?query=ASK%7B%7D&query=ASK%7B%7D"),
        httpx.post(endpoint, content=b"query=ASK%7B%7D&query=ASK%7B%7D",
                   headers={"Content-Type": "application/x-www-form-urlencoded"}),
        httpx.post(endpoint + "?query=ASK%7B%7D", data={"query": "ASK {}"}),
        httpx.post(endpoint + "?query=ASK%7B%7D", content=b"ASK {}",
                   headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in responses:
        assert response.status_code == 400
        assert "exactly one query" in response.text


def test_post_without_query_or_with_wrong_types(endpoint: str) -> None:
    assert httpx.post(endpoint, data={"format": "json"}).status_code == 400
    missing = httpx.post(endpoint, content=b"ASK {}")
    assert missing.status_code == 400 and "Content-Type" in missing.text
    wrong = httpx.post(endpoint, content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415 and "application/sparql-query" in wrong.text
    assert httpx.put(endpoint, params={"query": "ASK {}"}).status_code == 405


@pytest.mark.parametrize("body", [
    "ASK {}".encode("utf-16"),
    "ASK {}".encode("utf-16-le"),
    'SELECT ("caffè" AS ?x) {}'.encode("latin-1"),
    b"ASK {} \xff\xfe",
])
def test_non_utf8_bodies_are_400(endpoint: str, body: bytes) -> None:
    response = httpx.post(endpoint, content=body,
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_declared_non_utf8_charset_is_400(endpoint: str) -> None:
    response = httpx.post(endpoint, content="ASK {}".encode("utf-16"),
                          headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 400 and "UTF-8" in response.text
    form = httpx.post(endpoint, content=b"query=%FF%FE",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 400


def test_malformed_query_is_400_with_position(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert media_type(response) == "text/plain"
    assert "not valid SPARQL" in response.text
    assert "error at 3:" in response.text  # line 3 of the query as sent
    short = httpx.post(endpoint, content=b"ASK {",
                       headers={"Content-Type": "application/sparql-query"})
    assert short.status_code == 400 and "error at 1:6" in short.text


# --- negotiation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), [
    (None, JSON_RESULTS),
    ("*/*", JSON_RESULTS),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON_RESULTS),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    (f"{JSON_RESULTS};q=0.5, text/csv", "text/csv"),
    ("text/csv;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    (f"*/*, {JSON_RESULTS};q=0", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
])
def test_select_negotiation(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = httpx.get(endpoint, params={"query": "SELECT ?s { ?s a ?o } LIMIT 1"},
                         headers=headers)
    assert response.status_code == 200 and media_type(response) == expected
    assert {"Accept", "Accept-Encoding"} <= {v.strip() for v in response.headers["vary"].split(",")}


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/turtle"),
    ("*/*", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json;q=0.9, application/rdf+xml;q=0.5", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/trig", "application/trig"),
    ("application/n-quads", "application/n-quads"),
])
def test_graph_negotiation(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = httpx.get(endpoint, params={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200 and media_type(response) == expected


@pytest.mark.parametrize(("query", "fmt", "expected"), [
    ("SELECT * {} ", "csv", "text/csv"),
    ("SELECT * {} ", "tsv", "text/tab-separated-values"),
    ("SELECT * {} ", "xml", "application/sparql-results+xml"),
    ("SELECT * {} ", "json", JSON_RESULTS),
    ("SELECT * {} ", "text/csv", "text/csv"),
    (CONSTRUCT, "ttl", "text/turtle"),
    (CONSTRUCT, "nt", "application/n-triples"),
    (CONSTRUCT, "jsonld", "application/ld+json"),
    (CONSTRUCT, "json", "application/ld+json"),
    (CONSTRUCT, "rdfxml", "application/rdf+xml"),
    (CONSTRUCT, "xml", "application/rdf+xml"),
    (CONSTRUCT, "trig", "application/trig"),
    (CONSTRUCT, "nq", "application/n-quads"),
])
def test_format_parameter_overrides_accept(endpoint: str, query: str, fmt: str,
                                           expected: str) -> None:
    response = httpx.get(endpoint, params={"query": query, "format": fmt},
                         headers={"Accept": "image/png"})
    assert response.status_code == 200 and media_type(response) == expected


def test_unknown_format_is_400(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "ASK {}", "format": "pdf"})
    assert response.status_code == 400 and "csv" in response.text


def test_not_acceptable_lists_the_formats(endpoint: str) -> None:
    select = httpx.get(endpoint, params={"query": "SELECT * {}"}, headers={"Accept": "image/png"})
    assert select.status_code == 406
    assert all(t in select.text for t in (JSON_RESULTS, "text/csv", "text/tab-separated-values"))
    graph = httpx.get(endpoint, params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert graph.status_code == 406
    assert "text/turtle" in graph.text and "application/ld+json" in graph.text
    csv_construct = httpx.get(endpoint, params={"query": CONSTRUCT, "format": "csv"})
    assert csv_construct.status_code == 406


# --- read-only --------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "CREATE GRAPH <urn:x:g>",
    "DROP ALL",
    "COPY DEFAULT TO <urn:x:g>",
    "MOVE DEFAULT TO <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <urn:x:>\n# a comment\ninsert data { ex:s ex:p ex:o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused(endpoint: str, shipped_store: OxigraphStore, update: str) -> None:
    size = len(shipped_store)
    for response in (
        httpx.get(endpoint, params={"update": update}),
        httpx.get(endpoint, params={"query": update}),
        httpx.post(endpoint, data={"update": update}),
        httpx.post(endpoint, data={"query": update}),
        httpx.post(endpoint, content=update.encode(),
                   headers={"Content-Type": "application/sparql-update"}),
        httpx.post(endpoint, content=update.encode(),
                   headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 403, (update, response.text)
        assert "read-only" in response.text
    assert len(shipped_store) == size


# --- nothing reaches the network or the file system ------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP listener that no request may reach."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock
        sock.settimeout(1.0)
        with pytest.raises(TimeoutError):
            connection, _ = sock.accept()
            connection.close()


def test_nothing_reaches_the_network_or_files(endpoint: str, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    target = f"http://127.0.0.1:{port}/"
    refused = [
        f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * {{ # }}\n SERVICE <{target}> {{ ?s ?p ?o }} }}",
        # "<" read as less-than: the quote opens a string for the parser, not an IRI
        f"SELECT * {{ ?s ?p ?o FILTER(?o<'a>') SERVICE <{target}> {{ ?x ?y ?z }}\n}}",
        f"SELECT * {{ ?s ?p ?o FILTER(?o<#>\"\"\"\n) SERVICE <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * {{ ?s ?p ?o.SERVICE <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * {{ ?s ?p 1.SERVICE <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * {{ VALUES ?x {{ <{target}> }} FILTER(?a<?b)SERVICE?x#>\n{{ ?s ?p ?o }} }}",
        # long: checked in a thread, then (sent again by POST) from what the first check found
        f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} # {'x' * 5000}",
        f"LOAD <{target}>",
        f"LOAD <file:///etc/passwd> INTO GRAPH <{target}>",
        "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        f"SELECT * FROM <{target}> {{ ?s ?p ?o }}",  # noqa: S608 (hostile on purpose)
        f"SELECT * FROM NAMED <{target}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",  # noqa: S608
        f"PREFIX x: <http://127.0.0.1:{port}/>\nASK FROM x:g {{ ?s ?p ?o }}",
    ]
    for query in refused:
        for response in (httpx.get(endpoint, params={"query": query}),
                         httpx.post(endpoint, data={"query": query})):
            assert 400 <= response.status_code < 500, (query, response.text)
    named = httpx.get(endpoint, params={"query": f"ASK FROM <{target}> {{}}"})
    assert named.status_code == 400 and target in named.text
    passwd = httpx.get(endpoint, params={"query": "ASK FROM <file:///etc/passwd> {}"})
    assert "file:///etc/passwd" in passwd.text
    for param, iri in (("default-graph-uri", target), ("named-graph-uri", "file:///etc/passwd"),
                       ("default-graph-uri", "http://localhost/x")):
        response = httpx.get(endpoint, params={"query": "ASK {}", param: iri})
        assert response.status_code == 400 and iri in response.text


def test_service_in_strings_iris_and_names_is_fine(endpoint: str) -> None:
    for query in [
        'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:1/> { }" } LIMIT 1',
        "SELECT * { ?s ?p '''\nSERVICE <http://127.0.0.1:1/> {}''' } LIMIT 1",
        "SELECT * { ?s <http://example.org/SERVICE> ?o } LIMIT 1",
        "SELECT * { ?s <http://example.org/service/x> ?o } LIMIT 1",
        "PREFIX ex: <http://example.org/>\nSELECT ?service { ?service ex:SERVICE ?o } LIMIT 1",
        "# SERVICE <http://127.0.0.1:1/> { }\nSELECT * { ?s ?p ?o } LIMIT 1",
        "SELECT * { ?s a <http://example.org/ns/service#Thing> ;\n ?p ?o } LIMIT 1",
        "SELECT * { ?s ?p <http://example.org/a-service#x> ;\n ?q ?o } LIMIT 1",
        'SELECT * { ?s ?p "x"@en-SERVICE } LIMIT 1',
    ]:
        assert httpx.get(endpoint, params={"query": query}).status_code == 200, query


def test_dataset_parameters(endpoint: str, shipped_store: OxigraphStore) -> None:
    ontology = next(g for g in shipped_store.graphs() if g.endswith("/govgraph"))
    other = next(g for g in shipped_store.graphs() if g != ontology)
    assert boolean(httpx.get(endpoint, params={"query": ASK, "default-graph-uri": ontology}))
    assert not boolean(httpx.get(endpoint, params={"query": ASK, "default-graph-uri": other}))
    assert boolean(httpx.get(endpoint, params={"query": f"ASK FROM <{ontology}> {{ ?s ?p ?o }}"}))
    named = "ASK { GRAPH ?g { <https://w3id.org/govgraph/ontology> ?p ?o } }"
    assert boolean(httpx.get(endpoint, params={"query": named, "named-graph-uri": ontology}))
    assert not boolean(httpx.get(endpoint, params={"query": named, "named-graph-uri": other}))


# --- limits -------------------------------------------------------------------------------------


def _cross_product_store(size: int) -> OxigraphStore:
    inner = ox.Store()
    graph = ox.NamedNode("urn:x:g")
    inner.extend([ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), ox.Literal(str(i)),
                          graph) for i in range(size)])
    return OxigraphStore(inner, "cross-product")


def test_timeout_is_503_and_others_are_served(make_server: Callable[..., Server]) -> None:
    server = make_server(_cross_product_store(60), timeout=1)
    url = server.url + "/sparql"
    slow = ("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
            "FILTER(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l)) = 'never') }")
    outcome: dict[str, Any] = {}

    def expensive() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(url, params={"query": slow}, timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.2)
    cheap = httpx.get(url, params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"}, timeout=30)
    thread.join(30)
    assert cheap.status_code == 200 and len(bindings(cheap)) == 3
    response = outcome["response"]
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert media_type(response) == "text/plain" and "1 s" in response.text
    assert outcome["seconds"] < 4


def test_row_cap(make_server: Callable[..., Server], shipped_store: OxigraphStore) -> None:
    url = make_server(shipped_store, max_rows=5).url + "/sparql"
    response = httpx.get(url, params={"query": "SELECT * { ?s ?p ?o }"})
    assert len(bindings(response)) == 5
    assert response.headers["x-govgraph-truncated"] == "true"
    assert response.headers["x-govgraph-rows"] == "5"
    assert "LIMIT" in response.headers["x-govgraph-warning"]
    csv = httpx.get(url, params={"query": "SELECT * { ?s ?p ?o }", "format": "csv"})
    assert len(csv.text.strip().splitlines()) == 1 + 5
    small = httpx.get(url, params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
    assert "x-govgraph-truncated" not in small.headers and small.headers["x-govgraph-rows"] == "2"
    graph = httpx.get(url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert graph.headers["x-govgraph-truncated"] == "true"
    assert len(graph.text.strip().splitlines()) == 5


def test_body_limit_is_413(make_server: Callable[..., Server],
                           shipped_store: OxigraphStore) -> None:
    url = make_server(shipped_store, max_body=200).url + "/sparql"
    big = "ASK {}" + " " * 300
    direct = httpx.post(url, content=big.encode(),
                        headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413 and "200 bytes" in direct.text
    assert httpx.post(url, data={"query": big}).status_code == 413
    assert boolean(httpx.post(url, data={"query": ASK}))


# --- caching, CORS ------------------------------------------------------------------------------


def test_etag_and_not_modified(endpoint: str) -> None:
    first = httpx.get(endpoint, params={"query": ASK})
    tag = first.headers["etag"]
    assert "public" in first.headers["cache-control"]
    assert "max-age=" in first.headers["cache-control"]
    again = httpx.get(endpoint, params={"query": ASK}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = httpx.get(endpoint, params={"query": ASK}, headers={
        "If-None-Match": tag, "Accept": "application/sparql-results+xml"})
    assert other.status_code == 200 and other.headers["etag"] != tag
    changed = httpx.get(endpoint, params={"query": ASK + " "}, headers={"If-None-Match": tag})
    assert changed.status_code == 200


def test_cors_preflight(endpoint: str) -> None:
    response = httpx.options(endpoint, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    simple = httpx.get(endpoint, params={"query": ASK}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"


# --- service description and form -------------------------------------------------------------


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    (None, "turtle"),
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/n-triples", "nt"),
])
def test_service_description(endpoint: str, shipped_store: OxigraphStore, accept: str | None,
                             rdflib_format: str) -> None:
    response = httpx.get(endpoint, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = parse_rdf(response.content, rdflib_format)
    service = graph.value(predicate=SD.endpoint, object=URIRef(endpoint), any=False)
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(o).removeprefix(FORMATS) for o in graph.objects(service, SD.resultFormat)}
    assert formats >= {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                       "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
                       "TriG", "N-Quads"}
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert names == set(shipped_store.graphs())
    assert graph.value(dataset, SD.defaultGraph) is not None


@pytest.mark.parametrize("yasgui", ["installed", "absent"])
def test_html_form_for_browsers(endpoint: str, yasgui: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser at /sparql sees the query page of /query: YASGUI, or without its assets
    (no ``make web``) a plain form that runs the query it shows."""
    if yasgui == "absent":
        monkeypatch.setattr(pages, "yasgui_dir", lambda: tmp_path)
    elif not (pages.yasgui_dir() / "yasgui.min.js").is_file():
        pytest.skip("YASGUI's assets are not installed (make web)")
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    response = httpx.get(endpoint, headers=browser)
    assert response.status_code == 200 and media_type(response) == "text/html"
    assert "accept" in response.headers["vary"].lower()
    page = response.text
    query_page = httpx.get(endpoint.removesuffix("/sparql") + "/query", headers=browser).text
    titles = [re.findall(r"<title>(.*?)</title>", p, re.DOTALL) for p in (page, query_page)]
    assert titles[0] and titles[0] == titles[1]
    assert not re.search(r'src="https?://', page)  # no external assets
    if yasgui == "installed":
        assert 'id="yasgui"' in page and 'src="/static/yasgui/yasgui.min.js"' in page
        return
    assert 'id="yasgui"' not in page and "<script" not in page
    form = re.search(r'<form[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', page, re.DOTALL)
    assert form is not None
    text = re.search(r'<textarea[^>]*\bname="query"[^>]*>(.*?)</textarea>', form.group(2),
                     re.DOTALL)
    assert text is not None and "SELECT" in text.group(1)
    run = httpx.get(urljoin(endpoint, html.unescape(form.group(1))),
                    params={"query": html.unescape(text.group(1)), "format": "json"})
    assert run.status_code == 200 and run.json()["results"]["bindings"]
