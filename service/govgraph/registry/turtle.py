"""Deterministic Turtle: the same triples give the same bytes, whatever order they came in.

Subjects in IRI order, ``rdf:type`` first and then the predicates in IRI order, objects in
N-Triples order; duplicates dropped; serialised by pyoxigraph with a fixed prefix table and a
header comment. Written to a temporary file and renamed, so a failed run leaves no half file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

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


def write(data: bytes, out: Path) -> None:
    """Write ``data`` to ``out`` atomically (temporary file in the same folder, then rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
