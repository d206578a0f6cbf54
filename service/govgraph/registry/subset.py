"""The part of a registry the other data links to: for ``govgraph serve --no-registry``.

The cases link to registry nodes (a municipality as a member, a region as a principal), so
leaving the registry out entirely would leave those links dangling and the data invalid. The
subset keeps every registry node the other files mention, and what those nodes need: their
units and regions (``gg:withinTerritoryOf``), their identifiers and the source node.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from govgraph.rdf.namespaces import GG, PREFIXES
from govgraph.rdf.sources import SourceFile

#: The links a kept node's description is followed along.
FOLLOW = {GG + "withinTerritoryOf", PREFIXES["adms"] + "identifier",
          PREFIXES["prov"] + "wasDerivedFrom"}


def _terms(source: SourceFile) -> set[str]:
    """Every IRI a file mentions, as subject or object."""
    found: set[str] = set()
    for q in ox.parse(path=str(source.path), format=source.format):
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
    return found


def linked(registry: SourceFile, others: Sequence[SourceFile]) -> list[ox.Triple]:
    """The triples of ``registry`` about the nodes ``others`` mention, closed over FOLLOW."""
    about: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in ox.parse(path=str(registry.path), format=registry.format):
        if isinstance(q.subject, ox.NamedNode):
            about[q.subject.value].append(ox.Triple(q.subject, q.predicate, q.object))
    mentioned = set().union(*(_terms(f) for f in others)) if others else set()
    todo = sorted(mentioned & about.keys())
    kept: set[str] = set()
    while todo:
        node = todo.pop()
        if node in kept:
            continue
        kept.add(node)
        todo += [t.object.value for t in about[node] if t.predicate.value in FOLLOW
                 and isinstance(t.object, ox.NamedNode) and t.object.value in about]
    return [t for node in sorted(kept) for t in about[node]]


def linked_files(registries: Sequence[SourceFile], others: Sequence[SourceFile]
                 ) -> list[SourceFile]:
    """Each registry's linked part as an N-Triples file (in a temporary folder) loaded into the
    registry's own named graph."""
    folder = Path(tempfile.mkdtemp(prefix="govgraph-registry-"))
    out = []
    for registry in registries:
        path = folder / f"{registry.path.stem}.nt"
        ox.serialize(linked(registry, others), str(path), format=ox.RdfFormat.N_TRIPLES)
        out.append(SourceFile.of(path, graph=registry.graph))
    return out
