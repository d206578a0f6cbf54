"""Real SPARQL clients against the real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = "https://w3id.org/govgraph/ontology"
VALENTI = "https://w3id.org/govgraph/id/person/danila-valenti"
HAS_BOLOGNA = (ROOT / "data" / "ctssm-bologna-2022-06.ttl").is_file()
SELECT = (f"SELECT ?type ?label WHERE {{ <{ONTOLOGY}> a ?type . "
          f"OPTIONAL {{ <{ONTOLOGY}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}")
ASK_TRUE = f"ASK {{ <{ONTOLOGY}> a <http://www.w3.org/2002/07/owl#Ontology> }}"
ASK_FALSE = f"ASK {{ <{ONTOLOGY}> a <http://www.w3.org/2002/07/owl#Class> }}"
CONSTRUCT = f"CONSTRUCT {{ <{ONTOLOGY}> a ?type }} WHERE {{ <{ONTOLOGY}> a ?type }}"
DESCRIBE = f"DESCRIBE <{ONTOLOGY}>"
#: media type -> rdflib parser name, for every RDF format the endpoint offers
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}

Server = Any  # tests/conftest.py's LiveServer


@pytest.fixture
def endpoint(live_server: Server) -> str:
    return str(live_server.url) + "/sparql"


@pytest.fixture
def quiet_rdflib() -> Iterator[None]:
    """rdflib's own parsers and SPARQLWrapper's converters use rdflib's deprecated
    ConjunctiveGraph and Dataset.default_context internally; those warnings are not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        warnings.filterwarnings("ignore", "Dataset.default_context is deprecated",
                                DeprecationWarning)
        yield


def wrapper(endpoint: str, query: str, fmt: str, *, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method is not None:
        client.setMethod(method)
    return client


# --- SPARQLWrapper ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(endpoint: str, method: str | None) -> None:
    result = wrapper(endpoint, SELECT, JSON, method=method).queryAndConvert()
    assert isinstance(result, dict)
    assert set(result["head"]["vars"]) == {"type", "label"}
    types = {b["type"]["value"] for b in result["results"]["bindings"]}
    assert str(OWL.Ontology) in types


def test_sparqlwrapper_select_xml(endpoint: str) -> None:
    document = wrapper(endpoint, SELECT, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert str(OWL.Ontology) in uris


@pytest.mark.parametrize(("fmt", "dialect"), [(CSV, "excel"), (TSV, "excel-tab")])
def test_sparqlwrapper_select_csv_tsv(endpoint: str, fmt: str, dialect: str) -> None:
    body = wrapper(endpoint, SELECT, fmt).queryAndConvert()
    assert isinstance(body, bytes)
    rows = list(csv.reader(io.StringIO(body.decode()), dialect=dialect))
    header, values = rows[0], [cell for row in rows[1:] for cell in row]
    if fmt == CSV:
        assert header == ["type", "label"] and str(OWL.Ontology) in values
    else:
        assert header == ["?type", "?label"] and f"<{OWL.Ontology}>" in values


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, fmt: str) -> None:
    def ask(query: str) -> bool:
        result = wrapper(endpoint, query, fmt).queryAndConvert()
        if fmt == JSON:
            assert isinstance(result, dict)
            return bool(result["boolean"])
        node = result.getElementsByTagName("boolean")[0]  # type: ignore[union-attr]
        return bool(node.firstChild.data == "true")

    assert ask(ASK_TRUE) is True
    assert ask(ASK_FALSE) is False


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graphs(endpoint: str, quiet_rdflib: None, query: str, fmt: str) -> None:
    result = wrapper(endpoint, query, fmt).queryAndConvert()
    if isinstance(result, bytes):
        graph = Graph().parse(data=result, format="turtle")
    else:
        assert isinstance(result, Graph)
        graph = result
    assert (URIRef(ONTOLOGY), RDF.type, OWL.Ontology) in graph


@pytest.mark.parametrize(("media_type", "parser"), list(RDF_FORMATS.items()))
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_every_rdf_format(endpoint: str, quiet_rdflib: None, query: str, media_type: str,
                          parser: str) -> None:
    client = wrapper(endpoint, query, TURTLE)
    client.setOnlyConneg(True)
    client.addCustomHttpHeader("Accept", media_type)
    response = client.query().response
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.read(), format=parser)
    assert (URIRef(ONTOLOGY), RDF.type, OWL.Ontology) in graph


@pytest.mark.skipif(not HAS_BOLOGNA, reason="data/ctssm-bologna-2022-06.ttl is not there")
def test_sparqlwrapper_shipped_fact(endpoint: str) -> None:
    query = ("PREFIX gg: <https://w3id.org/govgraph/ontology#>\n"
             f"ASK {{ ?representation a gg:Representation ; ?role <{VALENTI}> }}")
    result = wrapper(endpoint, query, JSON).queryAndConvert()
    assert isinstance(result, dict) and result["boolean"] is True


# --- rdflib's SPARQLStore ---------------------------------------------------------------------


@pytest.mark.parametrize("returns", ["xml", "json", "csv"])
def test_sparqlstore_select(endpoint: str, returns: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, returnFormat=returns))
    rows = list(graph.query(SELECT))
    assert URIRef(str(OWL.Ontology)) in {row[0] for row in rows}  # type: ignore[index]


def test_sparqlstore_ask_construct_describe(endpoint: str, quiet_rdflib: None) -> None:
    graph = Graph(store=SPARQLStore(endpoint))
    assert graph.query(ASK_TRUE).askAnswer is True
    assert graph.query(ASK_FALSE).askAnswer is False
    for query in (CONSTRUCT, DESCRIBE):
        result = graph.query(query).graph
        assert result is not None and (URIRef(ONTOLOGY), RDF.type, OWL.Ontology) in result


def test_sparqlstore_triples(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint))
    assert (URIRef(ONTOLOGY), RDF.type, OWL.Ontology) in graph
    assert OWL.Ontology in set(graph.objects(URIRef(ONTOLOGY), RDF.type))
    assert not isinstance(next(iter(graph.objects(URIRef(ONTOLOGY), RDF.type))), Literal)
