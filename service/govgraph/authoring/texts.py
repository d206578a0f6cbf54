"""Source texts: the UTF-8 file that reproduces each source document, and its SHA-256 digest.

A source document (``gg:SourceDocument``) names its text with ``dcat:distribution`` a
``dcat:Distribution`` carrying ``gg:textFile`` (a path relative to the Turtle file that states it,
``../sources/<slug>.txt`` from ``data/``) and ``gg:sha256``. Quote offsets (``oa:start``,
``oa:end``) count the characters (code points) of that file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govgraph.rdf import resources
from govgraph.rdf.namespaces import GG, PREFIXES
from govgraph.rdf.sources import InputError, SourceFile
from govgraph.rdf.store import Store
from govgraph.validation.locations import locate

DCAT = PREFIXES["dcat"]
TEXT_FILE = GG + "textFile"
SHA256 = GG + "sha256"

_TEXTS = """
SELECT ?g ?source ?dist ?file ?sha ?url WHERE {
  GRAPH ?g { ?dist gg:textFile ?file }
  OPTIONAL { ?source dcat:distribution ?dist }
  OPTIONAL { ?dist gg:sha256 ?sha }
  OPTIONAL { ?dist dcat:downloadURL ?url }
}"""


def digest(data: bytes) -> str:
    """The SHA-256 of the bytes, lower-case hexadecimal (the form of ``gg:sha256``)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SourceText:
    """Where the text of one source document is, and the digest the data gives for it."""

    source: str | None  # the gg:SourceDocument (None: a distribution no document points to)
    distribution: str
    declared: str  # gg:textFile as written
    path: Path  # resolved against the file that states it
    stated_in: Path | None
    sha256: str | None
    url: str | None = None  # dcat:downloadURL, where the service serves the text

    def where(self) -> str:
        """``file:line`` of the distribution node, for messages."""
        if self.stated_in is None:
            return self.declared
        line = locate(self.stated_in, self.distribution)
        return f"{self.stated_in}:{line}" if line else str(self.stated_in)

    def read(self) -> str:
        """The text; :class:`InputError` (exit 2) when the file is missing or not UTF-8."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise InputError(self.where(), f"the text file {self.declared!r} of "
                             f"{self.source or self.distribution} (gg:textFile) cannot be read: "
                             f"{exc.strerror} ({self.path})",
                             hint="restore the file under sources/, or correct gg:textFile "
                             "(a path relative to this Turtle file)") from exc
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(self.path, f"the text of {self.source or self.distribution} is "
                             f"not UTF-8 (byte {exc.start})",
                             hint="save the text as UTF-8") from exc

    def actual_digest(self) -> str:
        try:
            return digest(self.path.read_bytes())
        except OSError:
            self.read()  # raises the clear error
            raise


def base_of(stated_in: Path | None) -> Path:
    """The folder a ``gg:textFile`` path is relative to."""
    return stated_in.parent if stated_in is not None else resources.folder("data")


def from_store(store: Store, files: Sequence[SourceFile] = ()) -> dict[str, SourceText]:
    """Every declared text, by source document IRI (or distribution IRI when no document points
    to it). ``files`` map each named graph to the file it was read from."""
    by_graph = {f.graph: f.path for f in files}
    rows = store.query(_TEXTS)
    assert isinstance(rows, ox.QuerySolutions)
    out: dict[str, SourceText] = {}
    for row in rows:
        graph, source, dist, file, sha, url = (
            row[v] for v in ("g", "source", "dist", "file", "sha", "url"))
        if not isinstance(dist, ox.NamedNode) or not isinstance(file, ox.Literal):
            continue
        stated = by_graph.get(graph.value) if isinstance(graph, ox.NamedNode) else None
        text = SourceText(
            source=source.value if isinstance(source, ox.NamedNode) else None,
            distribution=dist.value, declared=file.value,
            path=Path(os.path.normpath(base_of(stated) / file.value)), stated_in=stated,
            sha256=sha.value.lower() if isinstance(sha, ox.Literal) else None,
            url=url.value if isinstance(url, ox.NamedNode) else None)
        out.setdefault(text.source or text.distribution, text)
    return out


def slug(source_iri: str) -> str:
    """The last path segment of a source IRI (``.../source/<slug>``)."""
    return source_iri.rstrip("/").rsplit("/", 1)[-1]
