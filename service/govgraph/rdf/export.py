"""Dumps of the whole dataset (ontology + data), the same bytes for the CLI and the service.

Dumps are deterministic: blank nodes get canonical labels (RDFC-1.0) and statements are sorted,
so two dumps of the same data are byte for byte the same and diffs stay readable.
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph.rdf.namespaces import PREFIXES
from govgraph.rdf.store import OxigraphStore

#: Dump formats by short name; the dataset formats keep one named graph per file.
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def _canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def dump(store: OxigraphStore, fmt: str) -> bytes:
    """Serialize the dataset. Graph formats get the union of all graphs, deduplicated."""
    rdf_format = DUMP_FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if rdf_format.supports_datasets:
        quads = _canonical(list(store.inner.quads_for_pattern(None, None, None, None)))
        return bytes(ox.serialize(quads, format=rdf_format, prefixes=prefixes) or b"")
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    quads = _canonical([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    ordered = [q.triple for q in quads]
    return bytes(ox.serialize(ordered, format=rdf_format, prefixes=prefixes) or b"")
