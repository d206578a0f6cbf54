"""Dumps of the whole dataset (ontology + data), the same bytes for the CLI and the service.

Dumps are deterministic: blank nodes get canonical labels (RDFC-1.0) and statements are sorted,
so two dumps of the same data are byte for byte the same and diffs stay readable. The dump
formats are those of :func:`govgraph.formats.dumps`.
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph import formats
from govgraph.rdf.store import Store


def _has_blank(quad: ox.Quad) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name))


def _canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads deduplicated and sorted, blank nodes relabelled by RDFC-1.0. Only the quads
    with a blank node go through the canonicalization (a blank node's label depends on those
    alone), which keeps a dump of a large, mostly ground dataset quick."""
    with_blanks = ox.Dataset(q for q in quads if _has_blank(q))
    with_blanks.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted({q for q in quads if not _has_blank(q)}.union(with_blanks), key=str)


def dump(store: Store, name: str) -> bytes:
    """Serialize the dataset in the dump format ``name``. Formats without named graphs get the
    union of all graphs, deduplicated. Works on any store (a remote one is read with SPARQL)."""
    fmt = formats.dump_named(name)
    if fmt is None:
        raise ValueError(f"no dump format {name!r}")
    quads = list(store.quads())
    if fmt.rdf.supports_datasets:
        return formats.serialize(_canonical(quads), fmt)
    union = _canonical([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    return formats.serialize([q.triple for q in union], fmt)
