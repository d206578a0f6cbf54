"""Incremental validation: which nodes to check when some files changed.

The focus nodes of a change are the subjects of the changed files and the nodes that point at
one of them. pyshacl checks them on their neighbourhood: the statements of every node at most
two links away (a value's type, a quote's source, the representation behind a shortcut, the seat
of a coordinator), which is everything govgraph's shapes read about a focus node; the fast engine
checks them on the whole dataset (:func:`govgraph.validation.fastshacl.run` with ``focus``);
results on other nodes are dropped. With the earlier version of a changed file (kept by
:mod:`govgraph.validation.cache`), the subjects and objects of the statements removed from it are
focus nodes too; without it a node only a removed statement mentioned is not re-checked.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import pyoxigraph as ox
from rdflib.namespace import RDFS

from govgraph.rdf.sources import InputError, SourceFile, syntax_error
from govgraph.rdf.store import OxigraphStore
from govgraph.validation.fastshacl import term

Statement: TypeAlias = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode,
                             ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def statements(source: SourceFile, path: Path | None = None) -> set[Statement]:
    """The statements of a file (or of ``path``, an earlier version of it)."""
    try:
        return {(q.subject, q.predicate, q.object) for q in
                ox.parse(path=str(path or source.path), format=source.format)}
    except SyntaxError as exc:
        raise syntax_error(source, exc) from exc
    except OSError as exc:
        raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc


def changed_nodes(source: SourceFile, previous: Path | None) -> set[str]:
    """The IRIs a file states something about (its subjects) and, given its earlier version
    ``previous``, those that lost a statement (subjects and objects of the statements no longer
    there). The file is parsed once."""
    now = statements(source)
    nodes = {s.value for s, _p, _o in now if isinstance(s, ox.NamedNode)}
    if previous is not None:
        gone = statements(source, previous) - now
        nodes |= {t.value for s, _p, o in gone for t in (s, o) if isinstance(t, ox.NamedNode)}
    return nodes


#: A node with more incoming links than this (a source document, a vocabulary concept) is not
#: followed backwards: the shapes never need all the statements pointing at such a node.
HUB = 1000


def _incoming(store: OxigraphStore, node: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    """The statements pointing at ``node``, none if it is a hub. Counted first in the engine:
    reading a hub's first links as Python objects cost twice as long (on disk, where every
    quad's strings are looked up)."""
    if isinstance(node, ox.NamedNode):
        counted = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s WHERE {{ ?s ?p "
                              f"{node} }} LIMIT {HUB + 1} }} }}")
        assert isinstance(counted, ox.QuerySolutions)
        count = next(iter(counted))["n"]
        if isinstance(count, ox.Literal) and int(count.value) > HUB:
            return []
    found = []
    for quad in store.quads(None, None, node):
        found.append(quad)
        if len(found) > HUB:
            return []
    return found


def neighbourhood(store: OxigraphStore, focus: Collection[str]) -> OxigraphStore:
    """A new store holding what the shapes read about the focus nodes: the statements of every
    node at most two links away from a focus node (links followed either way; on the second
    step not backwards into a hub, see :data:`HUB`), and the class hierarchy."""
    near: set[ox.NamedNode | ox.BlankNode] = {ox.NamedNode(f) for f in focus}
    for hop in range(2):
        found = set(near)
        for node in near:
            found.update(q.object for q in store.quads(node)
                         if isinstance(q.object, ox.NamedNode | ox.BlankNode))
            back = store.quads(None, None, node) if hop == 0 else _incoming(store, node)
            found.update(q.subject for q in back if isinstance(q.subject, ox.NamedNode |
                                                               ox.BlankNode))
        near = found
    hierarchy = store.quads(None, ox.NamedNode(str(RDFS.subClassOf)))
    return OxigraphStore.from_quads(
        itertools.chain(hierarchy, *(store.quads(node) for node in near)), store.version)


def focus_nodes(store: OxigraphStore, changed: Sequence[SourceFile],
                previous: Mapping[Path, Path] | None = None) -> set[str]:
    """The nodes to re-check after ``changed`` changed: the subjects of the changed files, with
    ``previous`` (an earlier version per changed file) the subjects and objects of the
    statements removed from them, and the nodes that point at any of those (their checks read
    the changed nodes' types)."""
    subjects: set[str] = set()
    for source in changed:
        subjects |= changed_nodes(source, (previous or {}).get(source.path))
    focus = set(subjects)
    for subject in subjects:
        focus.update(str(term(q.subject)) for q in _incoming(store, ox.NamedNode(subject))
                     if isinstance(q.subject, ox.NamedNode))
    return focus
