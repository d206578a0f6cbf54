"""The SPARQL 1.1 Service Description of the endpoint: what ``GET /sparql`` without a query
answers for RDF (https://www.w3.org/TR/sparql11-service-description/).
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph import formats
from govgraph.formats import Format
from govgraph.rdf.store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def triples(endpoint: str, store: Store) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint and its default dataset."""

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f))
          for f in (fmt.w3c for fmt in formats.FORMATS)),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    total = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(total, ox.QuerySolutions) and isinstance(counts, ox.QuerySolutions)
    for row in total:
        out.append(ox.Triple(default, ox.NamedNode(VOID + "triples"), row["n"]))
    sizes = {row["g"].value: row["n"] for row in counts}
    for iri in store.graphs():
        named, graph = ox.BlankNode(), ox.BlankNode()
        out += [ox.Triple(dataset, sd("namedGraph"), named),
                    ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(iri)),
                    ox.Triple(named, sd("graph"), graph),
                    ox.Triple(graph, RDF_TYPE, sd("Graph"))]
        if iri in sizes:
            out.append(ox.Triple(graph, ox.NamedNode(VOID + "triples"), sizes[iri]))
    return out


def serialize(endpoint: str, store: Store, fmt: Format) -> bytes:
    """The description in one RDF format (with the ``sd``, ``void`` and ``formats`` prefixes
    where the format writes prefixes)."""
    return formats.serialize(triples(endpoint, store), fmt,
                             {"sd": SD, "void": VOID, "formats": FORMATS})
