"""Incremental validation: which nodes to check when some files changed.

The focus nodes of a change are the subjects of the changed files and the nodes that point at
one of them. They are checked, with the same engine, on their neighbourhood: the statements of
every node at most two links away (a value's type, a quote's source, the representation behind a
shortcut, the seat of a coordinator), which is everything govgraph's shapes read about a focus
node; results on other nodes are dropped. A statement removed from a changed file is not seen:
a node only it mentioned is not re-checked (run a full validation before a release).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pyoxigraph as ox
from rdflib.namespace import RDFS

from govgraph.fastshacl import term
from govgraph.sources import InputError, SourceFile, syntax_error
from govgraph.store import OxigraphStore


def mentioned(source: SourceFile) -> set[str]:
    """The IRIs a file states something about (its subjects)."""
    subjects: set[str] = set()
    try:
        for quad in ox.parse(path=str(source.path), format=source.format):
            if isinstance(quad.subject, ox.NamedNode):
                subjects.add(quad.subject.value)
    except SyntaxError as exc:
        raise syntax_error(source, exc) from exc
    except OSError as exc:
        raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc
    return subjects


#: A node with more incoming links than this (a source document, a vocabulary concept) is not
#: followed backwards: the shapes never need all the statements pointing at such a node.
HUB = 1000


def _incoming(inner: ox.Store, node: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    found = []
    for quad in inner.quads_for_pattern(None, None, node):
        found.append(quad)
        if len(found) > HUB:
            return []
    return found


def neighbourhood(store: OxigraphStore, focus: Collection[str]) -> OxigraphStore:
    """A new store holding what the shapes read about the focus nodes: the statements of every
    node at most two links away from a focus node (links followed either way; on the second
    step not backwards into a hub, see :data:`HUB`), and the class hierarchy."""
    inner = store.inner
    near: set[ox.NamedNode | ox.BlankNode] = {ox.NamedNode(f) for f in focus}
    for hop in range(2):
        found = set(near)
        for node in near:
            found.update(q.object for q in inner.quads_for_pattern(node, None, None)
                         if isinstance(q.object, ox.NamedNode | ox.BlankNode))
            back = inner.quads_for_pattern(None, None, node) if hop == 0 else _incoming(inner,
                                                                                       node)
            found.update(q.subject for q in back if isinstance(q.subject, ox.NamedNode |
                                                               ox.BlankNode))
        near = found
    small = ox.Store()
    small.extend(inner.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None))
    for node in near:
        small.extend(inner.quads_for_pattern(node, None, None))
    return OxigraphStore(small, store.version)


def focus_nodes(store: OxigraphStore, changed: Sequence[SourceFile]) -> set[str]:
    """The nodes to re-check after ``changed`` changed: the subjects of the changed files and
    the nodes that point at them (their checks read the subjects' types)."""
    subjects: set[str] = set()
    for source in changed:
        subjects |= mentioned(source)
    focus = set(subjects)
    for subject in subjects:
        focus.update(str(term(q.subject)) for q in _incoming(store.inner, ox.NamedNode(subject))
                     if isinstance(q.subject, ox.NamedNode))
    return focus
