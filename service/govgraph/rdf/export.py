"""Dumps of the whole dataset (ontology + data), the same bytes for the CLI and the service.

Dumps are deterministic: blank nodes get canonical labels (RDFC-1.0) and statements are sorted,
so two dumps of the same data are byte for byte the same and diffs stay readable. The dump
formats are those of :func:`govgraph.formats.dumps`.
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph import formats
from govgraph.rdf.store import Store


def _canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def dump(store: Store, name: str) -> bytes:
    """Serialize the dataset in the dump format ``name``. Formats without named graphs get the
    union of all graphs, deduplicated. Works on any store (a remote one is read with SPARQL)."""
    fmt = formats.dump_named(name)
    if fmt is None:
        raise ValueError(f"no dump format {name!r}")
    if fmt.rdf.supports_datasets:
        return formats.serialize(
            _canonical(list(store.quads())), fmt)
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    quads = _canonical([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    return formats.serialize([q.triple for q in quads], fmt)
