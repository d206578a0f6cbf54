"""Deterministic Turtle: the same triples give the same bytes, whatever order they came in.

Subjects in IRI order, ``rdf:type`` first and then the predicates in IRI order, objects in
N-Triples order; duplicates dropped; serialised by pyoxigraph with a fixed prefix table and a
header comment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _key(t: ox.Triple) -> tuple[str, int, str, str]:
    return (str(t.subject), 0 if t.predicate.value == RDF_TYPE else 1, t.predicate.value,
            str(t.object))


def render(triples: Iterable[ox.Triple], prefixes: Mapping[str, str], header: str) -> bytes:
    ordered = sorted(set(triples), key=_key)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
    assert body is not None
    # the serializer writes the prefix lines in hash order: put them in name order
    lines = body.split(b"\n")
    n = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
    return b"\n".join([comment.encode(), *sorted(lines[:n]), b"", *lines[n:]])
