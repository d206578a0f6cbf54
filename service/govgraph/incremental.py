"""Incremental validation: which nodes to check when some files changed.

The focus nodes of a change are the IRIs the changed files mention (as subject or object) and the
nodes that point at one of their subjects. Every shape of govgraph looks at most one link away
from its focus node (a value's type, a quote's source, the representation behind a shortcut), so
re-checking these nodes against the whole dataset finds every result the change can cause or
clear. A statement removed from a changed file is not seen: nodes only it mentioned are not
re-checked (run a full validation before a release).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pyoxigraph as ox
from rdflib.namespace import RDFS

from govgraph.fastshacl import select, term
from govgraph.sources import InputError, SourceFile, syntax_error
from govgraph.store import OxigraphStore


def mentioned(source: SourceFile) -> tuple[set[str], set[str]]:
    """The IRIs a file has as subjects, and those it has as objects."""
    subjects: set[str] = set()
    objects: set[str] = set()
    try:
        for quad in ox.parse(path=str(source.path), format=source.format):
            if isinstance(quad.subject, ox.NamedNode):
                subjects.add(quad.subject.value)
            if isinstance(quad.object, ox.NamedNode):
                objects.add(quad.object.value)
    except SyntaxError as exc:
        raise syntax_error(source, exc) from exc
    except OSError as exc:
        raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc
    return subjects, objects


def neighbourhood(store: OxigraphStore, focus: Collection[str]) -> OxigraphStore:
    """A new store with the statements of the focus nodes and of every node one link away from
    them (either way), and the class hierarchy: all that the shapes read about the focus nodes."""
    inner = store.inner
    nodes: set[ox.NamedNode | ox.BlankNode] = {ox.NamedNode(f) for f in focus}
    near: set[ox.NamedNode | ox.BlankNode] = set(nodes)
    for node in sorted(nodes, key=str):
        near.update(q.object for q in inner.quads_for_pattern(node, None, None)
                    if isinstance(q.object, ox.NamedNode | ox.BlankNode))
        near.update(q.subject for q in inner.quads_for_pattern(None, None, node)
                    if isinstance(q.subject, ox.NamedNode | ox.BlankNode))
    small = ox.Store()
    small.extend(inner.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None))
    for node in near:
        small.extend(inner.quads_for_pattern(node, None, None))
    return OxigraphStore(small, store.version)


def focus_nodes(store: OxigraphStore, changed: Sequence[SourceFile]) -> set[str]:
    """The nodes to re-check after ``changed`` changed (see the module's doc)."""
    subjects: set[str] = set()
    focus: set[str] = set()
    for source in changed:
        s, o = mentioned(source)
        subjects |= s
        focus |= s | o
    if subjects:
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        rows = select(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?n {{ {values} }} ?s ?p ?n "
                      "FILTER(isIRI(?s)) }")
        focus |= {str(term(r["s"])) for r in rows}
    return focus
