"""Fuzzing the live server: Hypothesis strategies for SPARQL-ish text, query parameters and
headers, and schemathesis against the service's own ``/openapi.json``. Bounded (a few dozen
examples each, no example database written): the property is that nothing gets a 5xx other than
the intended 503 (time limit, overload)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import LiveServer
from govgraph.querying import queries
from govgraph.rdf.store import OxigraphStore
from govgraph.web.config import Settings

pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=80, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
INTENDED_503 = ("longer than this service allows", "too many queries", "became free")

KEYWORDS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION",
            "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES", "FROM", "NAMED", "LIMIT", "OFFSET",
            "ORDER BY", "GROUP BY", "HAVING", "DISTINCT", "REDUCED", "AS", "EXISTS", "NOT",
            "IN", "COUNT", "SUM", "REGEX", "STR", "LANG", "PREFIX", "BASE", "INSERT", "DELETE",
            "LOAD", "a", "*", "true", "UNDEF", "SILENT", "DATA", "CLEAR", "DROP"]
PUNCT = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "|", "/", "^", "!", "?", "+", "*", "=",
         "!=", "<", ">", "&&", "||", "^^", "@en", "#"]
ATOMS = st.one_of(
    st.sampled_from(KEYWORDS), st.sampled_from(PUNCT),
    st.from_regex(r"\?[a-z]{1,3}", fullmatch=True),
    st.sampled_from(["<https://w3id.org/govgraph/id/forum/ctssm-bologna>", "<>", "<urn:x>",
                     "<http://127.0.0.1:9/>", "<file:///etc/passwd>", "gg:Forum", "rdfs:label",
                     "skos:prefLabel", "_:b", "'x'", '"""y"""', "1", "1.5e3", "-0"]),
    st.text(max_size=8))
SPARQLISH = st.lists(ATOMS, max_size=40).map(" ".join)
#: Header values an HTTP client can send (no leading or trailing white space).
PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.strip)
PARAMS = st.lists(st.tuples(st.sampled_from(
    ["query", "format", "default-graph-uri", "named-graph-uri", "forum", "principal", "agent",
     "as_of", "include_memberships", "body", "node", "root", "min_principals", "lang", "update",
     "x"]) | st.text(max_size=6), st.text(max_size=40)), max_size=6)
MEDIA = st.sampled_from(["*/*", "text/html", "application/json", "text/turtle", "text/csv",
                         "application/sparql-results+json", "application/sparql-results+xml",
                         "application/ld+json", "application/n-triples", "image/png", ""])
HEADERS = st.fixed_dictionaries({}, optional={
    "Accept": st.one_of(MEDIA, PRINTABLE, st.lists(MEDIA, max_size=5).map(",".join)),
    "Accept-Language": st.one_of(st.sampled_from(["it", "en", "it;q=0.1,en", "*"]), PRINTABLE),
    "If-None-Match": PRINTABLE, "Origin": PRINTABLE})
PATHS = st.sampled_from(["/sparql", "/api/queries", "/", "/dataset", "/ontology", "/query",
                         "/id/forum/ctssm-bologna", "/health"] +
                        [f"/api/queries/{name}" for name in queries.library()])


def ok(answer: httpx.Response) -> None:
    if answer.status_code == 503:
        assert any(t in answer.text for t in INTENDED_503), answer.text[:300]
    else:
        assert answer.status_code < 500, (answer.request.url, answer.status_code,
                                          answer.text[:300])


@pytest.fixture(scope="module")
def server(shipped_store: OxigraphStore) -> Iterator[LiveServer]:
    with LiveServer(Settings(timeout=2.0), shipped_store) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@FUZZ
@given(sparql=SPARQLISH, how=st.sampled_from(["get", "form", "direct"]))
def test_sparqlish_text(client: httpx.Client, sparql: str, how: str) -> None:
    if how == "get":
        answer = client.get("/sparql", params={"query": sparql})
    elif how == "form":
        answer = client.post("/sparql", data={"query": sparql})
    else:
        answer = client.post("/sparql", content=sparql.encode("utf-8", "surrogatepass"),
                             headers={"Content-Type": "application/sparql-query"})
    ok(answer)


@FUZZ
@given(path=PATHS, params=PARAMS, headers=HEADERS)
def test_parameters_and_headers(client: httpx.Client, path: str, params: list[tuple[str, str]],
                                headers: dict[str, str]) -> None:
    ok(client.get(path, params=params, headers=headers))


@FUZZ
@given(body=st.binary(max_size=300), content_type=st.one_of(MEDIA, PRINTABLE,
       st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                        "application/sparql-query; charset=utf-16"])))
def test_binary_bodies(client: httpx.Client, body: bytes, content_type: str) -> None:
    ok(client.post("/sparql", content=body, headers={"Content-Type": content_type}))


def test_schemathesis_against_the_openapi_schema(shipped_store: OxigraphStore,
                                                 tmp_path: Path) -> None:
    """Every documented operation. Its server allows 10 s a query: the 2 s of the fuzzing server
    above turns a legitimate but heavy request (a diff over every forum) into a 503 when the
    machine is busy, and schemathesis counts any 5xx as a server error."""
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    with LiveServer(Settings(timeout=10.0), shipped_store) as server:
        done = subprocess.run(
            [cli, "run", f"{server.url}/openapi.json", "--checks", "not_a_server_error",
             "--max-examples", "15", "--generation-database", "none", "--seed", "1",
             "--workers", "1", "--request-timeout", "30", "--report-dir", str(tmp_path),
             "--phases", "examples,coverage,fuzzing"],
            capture_output=True, text=True, timeout=400, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout, done.stdout[-2000:]
