"""The part of a registry the other data links to: the shipped dataset "without the registry"
(``--no-registry``, :func:`govgraph.rdf.sources.shipped` with ``registry=False``).

The cases link to registry nodes (a municipality as a member, a region as a principal), so
leaving the registry out entirely would leave those links dangling and the data invalid. The
subset keeps every registry node the other files mention, and what those nodes need: their
units and regions (``gg:withinTerritoryOf``), their identifiers and the source node.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from govgraph.rdf.namespaces import GG, PREFIXES

if TYPE_CHECKING:  # sources.py calls this module
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
    store = ox.Store()
    store.bulk_load(path=str(registry.path), format=registry.format)
    todo = sorted(set().union(*(_terms(f) for f in others))) if others else []
    kept: dict[str, list[ox.Triple]] = {}
    while todo:
        node = todo.pop()
        if node in kept:
            continue
        about = [q.triple for q in store.quads_for_pattern(ox.NamedNode(node), None, None)]
        if not about:  # not a registry node
            continue
        kept[node] = about
        todo += [t.object.value for t in about
                 if t.predicate.value in FOLLOW and isinstance(t.object, ox.NamedNode)]
    return sorted({t for triples in kept.values() for t in triples}, key=str)


def linked_file(registry: SourceFile, others: Sequence[SourceFile]) -> Path:
    """The linked part of ``registry`` as an N-Triples file, kept in the temporary folder under
    a name made of the SHA-256 of every input: computing it reads the whole registry, so each
    later run with the same files reads the small file instead."""
    digest = hashlib.sha256()
    for source in (registry, *others):
        digest.update(source.graph.encode() + b"\0" + source.path.read_bytes() + b"\0")
    folder = Path(tempfile.gettempdir()) / "govgraph-registry"
    target = folder / f"{registry.path.stem}-linked-{digest.hexdigest()[:24]}.nt"
    if not target.is_file():
        folder.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            ox.serialize(linked(registry, others), part, format=ox.RdfFormat.N_TRIPLES)
        os.replace(part.name, target)  # whole or not at all, also with runs side by side
    return target
