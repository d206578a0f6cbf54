"""Hostile input against a real server: every request gets a clear answer (never a 5xx, a hang or
a crash), queries never reach beyond the dataset, and labels are escaped on every page.

Requests that an HTTP client would normalise (dot segments, NUL bytes, binary headers) are sent
as raw bytes on a socket. After each category of input, ``/health`` must still answer.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph.rdf import sources
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.web.config import Settings

TIMEOUT = 3.0  # the servers' query time limit (s)
CLIENT_WAIT = 4 * TIMEOUT + 10  # no answer within this is a hang


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw(server: LiveServer, head: bytes, body: bytes = b"") -> Answer:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` as is."""
    with socket.create_connection(("127.0.0.1", server.settings.port),
                                  timeout=CLIENT_WAIT) as sock:
        sock.sendall(head + b"\r\nConnection: close\r\n\r\n" + body)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            # the server answered and closed while unread bytes were still arriving (TCP RST);
            # without an answer this stays an error
            if not chunks:
                raise
    data = b"".join(chunks)
    assert data, "the connection was closed without an answer"
    top, _, rest = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
    if headers.get("transfer-encoding") == "chunked":
        rest = _unchunk(rest)
    return Answer(int(lines[0].split()[1]), headers, rest)


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size, _, data = data.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, data = out + data[:n], data[n + 2:]
    return out


def get(server: LiveServer, target: str | bytes, *headers: bytes) -> Answer:
    path = target.encode("latin-1") if isinstance(target, str) else target
    return raw(server, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1" +
               b"".join(b"\r\n" + h for h in headers))


def post(server: LiveServer, body: bytes, content_type: bytes | None = b"application/sparql-query",
         path: bytes = b"/sparql", *headers: bytes) -> Answer:
    extra = [b"Content-Type: " + content_type] if content_type is not None else []
    return raw(server, b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
               str(len(body)).encode() + b"".join(b"\r\n" + h for h in [*extra, *headers]), body)


def query(server: LiveServer, sparql: str, *headers: bytes) -> Answer:
    return post(server, sparql.encode(), b"application/sparql-query", b"/sparql", *headers)


def clear_4xx(answer: Answer) -> None:
    assert 400 <= answer.status < 500, (answer.status, answer.text[:300])
    assert answer.body.strip(), "a refusal says why"


def answered(answer: Answer) -> None:
    """A valid but expensive or odd request: success, a clear refusal, or the time limit."""
    if answer.status == 503:
        assert "longer than this service allows" in answer.text, answer.text[:300]
    else:
        assert answer.status < 500, (answer.status, answer.text[:300])


def healthy(server: LiveServer) -> None:
    answer = get(server, "/health")
    assert answer.status == 200 and b'"ok"' in answer.body


@pytest.fixture(scope="module")
def server(shipped_store: OxigraphStore) -> Iterator[LiveServer]:
    with LiveServer(Settings(timeout=TIMEOUT), shipped_store) as live:
        yield live


# --- malformed, nested and huge queries ------------------------------------------------------

def _nest(n: int, open_: str, inner: str, close: str) -> str:
    return open_ * n + inner + close * n


MALFORMED = {
    "garbage": "SELEKT * WHERE {",
    "unbalanced": "SELECT * WHERE { ?s ?p ?o ",
    "empty": "",
    "only comment": "# nothing",
    "unterminated string": 'SELECT * WHERE { ?s ?p "abc }',
    "unterminated iri": "SELECT * WHERE { ?s ?p <http://x }",
    "bad prefix": "SELECT * WHERE { ?s nope:x ?o }",
    "bad escape": r'SELECT * WHERE { ?s ?p "\q" }',
    "two queries": "ASK {} ASK {}",
    "control chars": "SELECT\x01\x02 * WHERE { ?s ?p ?o }",
    "lone surrogate text": "SELECT * WHERE { ?s ?p '\\uD800' }",
    "closing only": "}" * 10_000,
}
#: Deep nesting: 5,000 levels of each kind of bracket the grammar has.
NESTED = {
    "groups": "SELECT * WHERE " + _nest(5000, "{", "?s ?p ?o", "}"),
    "parentheses": "ASK { FILTER(" + _nest(5000, "(", "1", ")") + ") }",
    "path groups": "ASK { ?s " + _nest(5000, "(", "<p>", ")") + " ?o }",
    "path alternatives": "ASK { ?s " + "|".join(["<p>"] * 20_000) + " ?o }",
    "path stars": "ASK { ?s " + _nest(2000, "(", "<p>", ")*") + " ?o }",
    "path inverses": "ASK { ?s " + "^" * 5000 + "<p> ?o }",
    "negations": "ASK { FILTER(" + "!" * 5000 + "true) }",
    "additions": "ASK { FILTER(" + "+".join(["1"] * 5000) + ") }",
    "blank node lists": "ASK { ?s ?p " + _nest(5000, "[ <p> ", "1", "]") + " }",
    "collections": "ASK { ?s ?p " + _nest(5000, "(", "", ")") + " }",
    "optionals": "ASK { " + _nest(2000, "OPTIONAL { ?s ?p ?o ", "", "}") + " }",
    "subselects": "ASK { " + _nest(1000, "{ SELECT * WHERE ", "{ ?s ?p ?o }", "}") + " }",
    "unions": "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 5000) + " }",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_sparql_is_400(server: LiveServer, name: str) -> None:
    answer = query(server, MALFORMED[name])
    assert answer.status == 400, (answer.status, answer.text[:300])
    assert answer.text.strip()


@pytest.mark.parametrize("name", list(NESTED))
def test_deeply_nested_queries_are_answered(server: LiveServer, name: str) -> None:
    started = time.monotonic()
    answer = query(server, NESTED[name])
    answered(answer)
    assert time.monotonic() - started < 2 * TIMEOUT + 5
    healthy(server)


def test_huge_literals_and_bodies(server: LiveServer) -> None:
    limit = server.settings.max_body
    answered(query(server, 'ASK { ?s ?p "' + "a" * (limit - 100) + '" }'))
    answered(query(server, "ASK { ?s ?p <http://x/" + "a" * (limit - 100) + "> }"))
    answered(query(server, "ASK { ?s ?p ?" + "v" * (limit - 100) + " }"))
    # a body announced larger than the limit is refused before it is sent (a client that sends
    # it anyway may see the connection reset: the server does not read what it refuses)
    for size in (limit + 1, 20 * limit, 10**10):
        for kind in (b"application/sparql-query", b"application/x-www-form-urlencoded"):
            answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: " + kind +
                         b"\r\nExpect: 100-continue\r\nContent-Length: " + str(size).encode())
            assert answer.status == 413, (size, answer.status)
    # a chunked body (no length announced) is cut off at the limit
    chunked = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/sparql-query\r\nTransfer-Encoding: chunked",
                  b"%x\r\n" % (limit + 10) + b"#" * (limit + 10) + b"\r\n0\r\n\r\n")
    assert chunked.status == 413
    # a request line past the HTTP parser's limit is refused with a 4xx; the server stops
    # reading, so the client may instead see the connection reset — never a 5xx or a hang
    try:
        too_long_url = get(server, "/sparql?query=" + "a" * (limit + 1))
    except ConnectionResetError:
        pass
    else:
        assert 400 <= too_long_url.status < 500, too_long_url.status
    healthy(server)


# --- encodings, content types, parameters, headers -------------------------------------------

ASK = "ASK { ?s ?p ?o }"


def test_invalid_utf8_and_utf16_bodies(server: LiveServer) -> None:
    for body in (b"ASK { ?s ?p '\xff\xfe' }", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80",
                 ASK.encode("utf-16"), ASK.encode("utf-16-le"), ASK.encode("utf-32")):
        clear_4xx(post(server, body))
        clear_4xx(post(server, b"query=" + quote(body).encode(),
                       b"application/x-www-form-urlencoded"))
        clear_4xx(get(server, b"/sparql?query=" + quote(body).encode()))
    clear_4xx(post(server, ASK.encode("utf-16"), b"application/sparql-query; charset=utf-16"))
    clear_4xx(post(server, b"query=%FF%FE", b"application/x-www-form-urlencoded"))
    healthy(server)


@pytest.mark.parametrize("content_type", [
    None, b"", b"text/plain", b"application/json", b"multipart/form-data; boundary=x",
    b"application/sparql-update", b"application/sparql-query; charset=latin-1", b";;;", b"*/*",
    b"application/x-www-form-urlencoded; charset=utf-16", b"a" * 5000,
    b"application/sparql-query; " + b"x=y; " * 2000,
])
def test_wrong_or_missing_content_types(server: LiveServer, content_type: bytes | None) -> None:
    answer = post(server, ASK.encode(), content_type)
    if content_type == b"application/x-www-form-urlencoded; charset=utf-16":
        clear_4xx(answer)  # the body is not a form with a query parameter
    elif answer.status != 200:
        clear_4xx(answer)
    healthy(server)


def test_duplicate_and_odd_parameters(server: LiveServer) -> None:
    enc = quote(ASK)
    clear_4xx(get(server, f"/sparql?query={enc}&query={enc}"))
    clear_4xx(post(server, f"query={enc}&query={enc}".encode(),
                   b"application/x-www-form-urlencoded"))
    clear_4xx(get(server, f"/sparql?query={enc}&update=x"))
    clear_4xx(get(server, "/sparql?query"))  # a query parameter without a value
    answered(get(server, "/sparql?" + "&".join(f"p{i}=1" for i in range(5000))))
    answered(get(server, f"/sparql?query={enc}&format=" + "x" * 10_000))
    answered(get(server, f"/sparql?query={enc}&default-graph-uri=" + quote("not an iri")))
    answered(get(server, "/sparql?query=" + enc + "&" + "&".join(["format=json"] * 50)))
    for route in ("/api/queries/representations", "/api/queries/forum-members"):
        clear_4xx(get(server, f"{route}?forum=a&forum=b"))
        clear_4xx(get(server, f"{route}?forum=%00"))
        answered(get(server, f"{route}?forum=" + "x" * 100_000))
        answered(get(server, f"{route}?unknown=1"))
    healthy(server)


def test_absurd_accept_headers(server: LiveServer) -> None:
    enc = quote(ASK)
    junk = bytes(b for b in range(256) if b not in (10, 13))
    for accept in (b"a/b;q=0.1," * 10_000, junk * 100, b"*/*;q=" + b"9" * 5000,
                   b"application/sparql-results+json;q=0.5;" + b"a=b;" * 5000, b",,,,;;;;",
                   b"\xff\xfe" * 1000, b"text/html;q=NaN", b"*/*;q=-1"):
        for target in (f"/sparql?query={enc}", "/sparql", "/api/queries/representations", "/",
                       "/id/forum/ctssm-bologna", "/dataset"):
            answer = get(server, target, b"Accept: " + accept)
            assert answer.status < 500, (target, accept[:40], answer.status, answer.text[:200])
    for header in (b"Accept-Language: " + b"it;q=0.9," * 10_000, b"If-None-Match: " + junk,
                   b"Origin: " + junk, b"Accept-Encoding: " + b"gzip;q=0," * 5000):
        answer = get(server, "/", header)
        assert answer.status < 500, (header[:40], answer.status)
    healthy(server)


@pytest.mark.parametrize("target", [
    "/sparql?query=ASK%7B%7D%00", "/sparql?query=%00", "/sparql?format=%00",
    "/api/queries/representations?format=%00", "/api/queries/%00.rq", "/api/queries/%00",
    "/id/%00", "/id/forum/%00.ttl", "/dumps/%00", "/dumps/govgraph.%00", "/?lang=%00",
    "/query?example=%00", "/ontology.%00", "/static/%00", "/static/yasgui/%00",
    "/static/govgraph.css%00.py"])
def test_nul_bytes_in_urls(server: LiveServer, target: str) -> None:
    answer = get(server, target)
    assert answer.status < 500, (target, answer.status, answer.text[:200])
    healthy(server)


def test_nul_bytes_in_bodies(server: LiveServer) -> None:
    clear_4xx(post(server, b"ASK {}\x00"))
    clear_4xx(post(server, b"query=ASK%7B%7D%00", b"application/x-www-form-urlencoded"))
    healthy(server)


# --- paths -----------------------------------------------------------------------------------

#: Ways to say "up one directory" in a URL path.
UPS = ["../", "%2e%2e/", "%2e%2e%2f", "..%2f", ".%2e/", "%2e./", "..%5c", "..\\", "%252e%252e%252f",
       "....//", "..;/"]
#: Text that must never appear in an answer.
LEAKS = (b"root:x:0:0", b"from __future__", b"import ", b"[build-system]")


def _traversals() -> list[str]:
    prefixes = ["/static/", "/static/yasgui/", "/dumps/", "/dumps/govgraph.", "/id/",
                "/id/forum/", "/api/queries/", "/ontology.", "/shapes.", "/dataset."]
    targets = ["etc/passwd", "pyproject.toml", "govgraph/__init__.py", "__init__.py"]
    found = [prefix + up * depth + target for prefix in prefixes for up in UPS
             for depth in (1, 2, 8) for target in targets]
    return [*found, "/static/../../etc/passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
                    "/static/" + quote("/etc/passwd", safe=""), "/../../etc/passwd",
                    "/api/queries/..%2f..%2fpyproject.toml.rq", "//etc/passwd",
                    "/static/.", "/static/..", "/static/%2e%2e", "/dumps/..", "/id/.."]


def test_path_traversal_reads_nothing_outside(server: LiveServer) -> None:
    tried = _traversals()
    for target in tried:
        answer = get(server, target)
        assert answer.status < 500, (target, answer.status, answer.text[:200])
        assert not any(leak in answer.body for leak in LEAKS), (target, answer.body[:200])
        assert answer.status != 200 or target.startswith(("/id/", "/api/")), target
    assert len(tried) > 400
    assert get(server, "/static/govgraph.css").status == 200  # the real files are served
    healthy(server)


ODD_IRIS = ["/id/", "/id/%ff%fe", "/id/<script>", "/id/a%20b", "/id/" + "a" * 50_000,
            "/id/x.ttl.ttl", "/id/.ttl", "/id/%0d%0aSet-Cookie:%20x=1", "/id/http://evil/",
            "/id/a?b=<c>", "/id/a#b", "/id/%23", "/id/a%3Eb", "/id/%7B%7D", "/id/a\"b",
            "/id/" + "%e2%80%ae" * 100, "/id/forum/ctssm-bologna.exe", "/id/forum/ctssm-bologna.",
            "/id/forum/ctssm-bologna.ttl?format=%00", "/id/%5c%5c", "/id/" + "/" * 500,
            "/id/forum/ctssm-bologna/" + "x/" * 1000]


def test_odd_iris_on_id_routes(server: LiveServer) -> None:
    for target in ODD_IRIS:
        for accept in (b"text/html", b"text/turtle", b"application/ld+json", b"*/*"):
            answer = get(server, target, b"Accept: " + accept)
            assert answer.status < 500, (target, answer.status, answer.text[:200])
            assert "set-cookie" not in answer.headers
    healthy(server)


# --- no reach beyond the dataset -------------------------------------------------------------

@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local listening socket that no query may connect to."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        yield sock
        with pytest.raises(BlockingIOError):  # nobody connected
            sock.accept()


@pytest.fixture
def secret(tmp_path: Path) -> Iterator[Path]:
    """A file no query may read: its content never comes back, its atime does not move."""
    path = tmp_path / "secret.ttl"
    path.write_text("<urn:secret> <urn:is> 'GOVGRAPH-SECRET-7f3a' .\n")
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    path.read_bytes()
    atime_works = path.stat().st_atime > old + 1  # noatime mounts never move it
    os.utime(path, (old, old))
    yield path
    if atime_works:
        assert path.stat().st_atime == pytest.approx(old, abs=1), "the file was read"


#: Queries that would make a careless store reach the IRI ``IRI``.
REACHING = ("SELECT * WHERE { SERVICE <IRI> { ?s ?p ?o } }",
            "SELECT * WHERE { SERVICE SILENT <IRI> { ?s ?p ?o } }",
            "PREFIX x: <IRI> SELECT * WHERE { service x: { ?s ?p ?o } }",
            "BASE <IRI> SELECT * WHERE { SERVICE <> { ?s ?p ?o } }",
            "SELECT * FROM <IRI> WHERE { ?s ?p ?o }",
            "SELECT * FROM NAMED <IRI> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "CONSTRUCT { ?s ?p ?o } FROM <IRI> WHERE { ?s ?p ?o }",
            "DESCRIBE <IRI>",
            "SELECT * WHERE { GRAPH <IRI> { ?s ?p ?o } }",
            "LOAD <IRI>", "LOAD SILENT <IRI> INTO GRAPH <urn:g>")


def test_queries_never_reach_the_network_or_files(server: LiveServer, listener: socket.socket,
                                                  secret: Path) -> None:
    port = listener.getsockname()[1]
    outside = [f"http://127.0.0.1:{port}/", f"http://localhost:{port}/data.ttl",
               secret.as_uri(), "file:///etc/passwd", f"http://[::1]:{port}/"]
    for iri in outside:
        for template in REACHING:
            sparql = template.replace("IRI", iri)
            answer = query(server, sparql)
            assert answer.status < 500, (sparql, answer.status, answer.text[:200])
            assert b"GOVGRAPH-SECRET" not in answer.body
        enc = quote(iri, safe="")
        for params in (f"default-graph-uri={enc}", f"named-graph-uri={enc}"):
            answer = get(server, f"/sparql?query={quote(ASK)}&{params}")
            assert answer.status < 500 and b"GOVGRAPH-SECRET" not in answer.body
        for target in (f"/id/{enc}", f"/api/queries/representations?forum={enc}",
                       f"/api/queries/forum-members?forum={enc}"):
            assert b"GOVGRAPH-SECRET" not in get(server, target).body
    healthy(server)


def test_updates_are_refused(server: LiveServer) -> None:
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert query(server, insert).status == 403
    assert post(server, insert.encode(), b"application/sparql-update").status == 403
    assert post(server, b"update=" + quote(insert).encode(),
                b"application/x-www-form-urlencoded").status == 403
    assert get(server, "/sparql?update=" + quote(insert)).status == 403
    for update in ("DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "DROP DEFAULT", "CREATE GRAPH <urn:g>",
                   "COPY DEFAULT TO <urn:g>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                   "PREFIX a: <urn:> INSERT { a:a a:b a:c } WHERE {}", "# ASK {}\nDROP ALL"):
        assert query(server, update).status in (400, 403), update
    assert b"urn:c" not in query(server, "SELECT * { ?s <urn:b> ?o }").body
    assert query(server, "ASK { ?s ?p ?o }").status == 200  # nothing was dropped


# --- HTML and JavaScript in labels -----------------------------------------------------------

EVIL = "<script>alert(1)</script>\"'"
FORUM = "https://w3id.org/govgraph/id/forum/ctssm-bologna"


@pytest.fixture(scope="module")
def evil_server() -> Iterator[LiveServer]:
    """The shipped data (the cases, with the registry nodes they link to) with a hostile label
    (every language) on every labelled entity."""
    store = load_store(sources.shipped(registry=False))
    labels = ("http://www.w3.org/2000/01/rdf-schema#label",
              "http://www.w3.org/2004/02/skos/core#prefLabel")
    graph = ox.NamedNode("https://w3id.org/govgraph/graph/evil")
    for subject in {q.subject for q in store.inner.quads_for_pattern(None, None, None)
                    if isinstance(q.subject, ox.NamedNode)}:
        for label in labels:
            for literal in (ox.Literal(EVIL, language="it"), ox.Literal(EVIL, language="en"),
                            ox.Literal(EVIL)):
                store.inner.add(ox.Quad(subject, ox.NamedNode(label), literal, graph))
    with LiveServer(Settings(), store) as live:  # the default time limit: pages are tested
        yield live


def _pages(server: LiveServer) -> list[str]:
    """The HTML pages: the fixed ones and one per local IRI of a few kinds."""
    found = query(server, "SELECT DISTINCT ?s { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
                  "'https://w3id.org/govgraph/id/')) } ORDER BY ?s", b"Accept: text/csv")
    iris = found.text.split()[1:]
    kinds: dict[str, str] = {}
    for iri in iris:
        kinds.setdefault(iri.removeprefix("https://w3id.org/govgraph/id/").split("/")[0], iri)
    return ["/", "/ontology", "/shapes", "/dataset", "/.well-known/void", "/query",
            "/query?example=" + quote(EVIL), "/sparql", "/id/" + quote(EVIL),
            "/id/forum/" + quote(EVIL), "/" + quote(EVIL), "/?lang=" + quote(EVIL),
            *(iri.removeprefix("https://w3id.org/govgraph") for iri in kinds.values())]


def test_labels_are_escaped_on_every_page(evil_server: LiveServer) -> None:
    pages = _pages(evil_server)
    assert len(pages) > 15
    for page in pages:
        for lang in (b"it", b"en"):
            answer = get(evil_server, page, b"Accept: text/html", b"Accept-Language: " + lang)
            assert answer.status < 500, (page, answer.status)
            body = answer.text
            assert "<script>alert(1)" not in body, page
            assert "alert(1)</script>\"'" not in body, page
            if answer.status == 200 and "/id/forum/ctssm" in page:
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, page
    home = get(evil_server, "/", b"Accept: text/html").text
    assert "&lt;script&gt;alert(1)" in home  # the label is shown, escaped


def test_hostile_label_in_rdf_and_json_stays_data(evil_server: LiveServer) -> None:
    ttl = get(evil_server, "/id/forum/ctssm-bologna.ttl")
    assert ttl.status == 200 and ttl.headers["content-type"].startswith("text/turtle")
    assert "<script>" in ttl.text  # data, in a non-HTML media type
    csv = query(evil_server, f"SELECT ?l {{ <{FORUM}> <http://www.w3.org/2000/01/rdf-schema#label>"
                " ?l }", b"Accept: application/sparql-results+json")
    assert csv.headers["content-type"].startswith("application/sparql-results+json")
    assert csv.headers.get("x-content-type-options", "nosniff") == "nosniff"




@pytest.mark.parametrize("name", ["groups", "parentheses", "path alternatives",
                                  "blank node lists", "collections"])
def test_nesting_that_would_overflow_the_parser_is_refused(server: LiveServer, name: str) -> None:
    answer = query(server, NESTED[name])
    assert answer.status == 400, (answer.status, answer.text[:300])
    assert "too complex" in answer.text
    healthy(server)
