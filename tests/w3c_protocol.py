"""A runner for the W3C SPARQL 1.1 Protocol tests (``manifest.ttl`` of the W3C rdf-tests).

It reads the manifest with rdflib, turns every ``mf:ProtocolTest`` into :class:`Case` objects
(one :class:`Exchange` per ``ht:Request``), replays them against a running endpoint with httpx and
checks each response against ``mf:expectedStatus``, ``mf:expectedFormat`` and
``mf:expectedBoolean``. The endpoint is read-only, so a test whose first request is a SPARQL
Update passes when that request is refused with a 4xx (its later requests check the update's
effect and are not sent).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import httpx
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

TABULAR = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig", "application/n-quads", "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2, 3, 4, 5
    format: str | None  # "boolean", "tabular" or "RDF"
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace") + "&" + self.path
        return "sparql-update" in content_type or "update=" in text


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    exchanges: tuple[Exchange, ...]
    graphs: dict[str, str] = field(default_factory=dict)  # data file name -> graph IRI

    @property
    def is_update(self) -> bool:
        return self.name.startswith("update_") or any(e.is_update for e in self.exchanges)


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _status_class(node: Node) -> int:
    return int(str(node).removeprefix(str(HTS)).removeprefix("StatusCode")[0])


def _exchange(graph: Graph, request: Node) -> Exchange:
    headers = {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
               for h in _items(graph, graph.value(request, HT.headers))}
    body_node = graph.value(request, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    path = str(graph.value(request, HT.absolutePath))
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path="/sparql" + path.removeprefix("/sparql/"),  # /sparql/?query=... -> /sparql?query=...
        headers=headers,
        body=body,
        statuses=frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus)),
        format=str(expected_format) if expected_format is not None else None,
        boolean=bool(expected_boolean.toPython()) if expected_boolean is not None else None,  # type: ignore[union-attr]
    )


def read_manifest(path: Path) -> list[Case]:
    """The manifest's tests, in the manifest's order."""
    graph = Graph()
    graph.parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in _items(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = _items(graph, graph.value(action, HT.requests))
        data = {Path(str(graph.value(d, UT.graph))).name: str(graph.value(d, RDFS.label))
                for d in graph.objects(test, UT.graphData)}
        cases.append(Case(name=str(test).rsplit("#", 1)[-1], title=str(graph.value(test, MF.name)),
                          exchanges=tuple(_exchange(graph, r) for r in requests), graphs=data))
    return cases


def graph_labels(cases: list[Case]) -> dict[str, str]:
    """Data file name -> graph IRI, over all tests."""
    return {name: iri for case in cases for name, iri in case.graphs.items()}


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _boolean(response: httpx.Response) -> bool | None:
    media_type = _media_type(response)
    if media_type == "application/sparql-results+json":
        value = json.loads(response.content).get("boolean")
        return value if isinstance(value, bool) else None
    if media_type == "application/sparql-results+xml":
        node = ElementTree.fromstring(response.content).find(  # noqa: S314 (our own server)
            "{http://www.w3.org/2005/sparql-results#}boolean")
        return None if node is None else node.text == "true"
    return None


def check(exchange: Exchange, response: httpx.Response) -> Iterator[str]:
    """What is wrong with a response (nothing when it is as the manifest expects)."""
    if response.status_code // 100 not in exchange.statuses:
        yield (f"status {response.status_code}, expected {sorted(exchange.statuses)}xx: "
               f"{response.text[:200]!r}")
        return
    media_type = _media_type(response)
    if exchange.format == "boolean":
        value = _boolean(response)
        if value is None:
            yield f"no boolean result in a {media_type} response"
        elif exchange.boolean is not None and value != exchange.boolean:
            yield f"boolean {value}, expected {exchange.boolean}"
    elif exchange.format == "tabular" and media_type not in TABULAR:
        yield f"{media_type} is not a SPARQL results format"
    elif exchange.format == "RDF":
        if media_type not in RDF_TYPES:
            yield f"{media_type} is not an RDF format"
        else:
            Graph().parse(data=response.content, format=media_type)


def run(case: Case, client: httpx.Client) -> list[str]:
    """Replay one test; return its failures (empty when it passes)."""
    failures = []
    for exchange in case.exchanges:
        response = client.request(exchange.method, exchange.path, headers=exchange.headers,
                                  content=exchange.body)
        if case.is_update:
            if not 400 <= response.status_code < 500:
                failures.append(f"update answered {response.status_code}, expected a 4xx")
            break  # the endpoint is read-only: the follow-up queries check nothing
        failures += [f"{exchange.method} {exchange.path}: {f}" for f in check(exchange, response)]
    return failures
