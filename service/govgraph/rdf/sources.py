"""Input files: which RDF format each is, which named graph it goes to, and clear errors.

Every file is loaded into the named graph ``https://w3id.org/govgraph/graph/{stem}`` unless the
caller names the graph (``PATH=GRAPH-IRI`` on the command line). TriG and N-Quads files keep the
graphs they declare; only their default-graph triples go to the file's graph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govgraph import formats
from govgraph.rdf import resources, subset
from govgraph.rdf.namespaces import GGG

#: The RDF file suffixes read (:mod:`govgraph.formats`), with their dots.
FORMATS: tuple[str, ...] = tuple(formats.suffixes())


class InputError(Exception):
    """Input that cannot be read: names the file, the line when known, and what to do."""

    def __init__(self, path: str | Path, message: str, *, line: int | None = None,
                 column: int | None = None, hint: str = "") -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph its triples go to."""

    path: Path
    graph: str
    format: ox.RdfFormat

    @classmethod
    def of(cls, spec: str | Path, *, graph: str | None = None) -> SourceFile:
        """``path`` or ``path=graph-iri``; the format comes from the file name's suffix."""
        text = str(spec)
        if graph is None and "=" in text and not Path(text).exists():
            text, graph = text.split("=", 1)
        path = Path(text)
        fmt = formats.by_suffix(path)
        if fmt is None:
            known = ", ".join(sorted(FORMATS))
            raise InputError(path, f"unknown RDF file type {path.suffix or '(none)'!r}",
                             hint=f"use one of the suffixes {known}")
        if not path.is_file():
            raise InputError(path, "no such file", hint="check the path")
        return cls(path=path, graph=graph or GGG + path.stem, format=fmt.rdf)


#: The folder of data/ that holds the generated registries (docs/registry.md).
REGISTRY = "registry"


def is_registry(path: Path) -> bool:
    """Whether ``path`` is a registry file (under data/registry/)."""
    return (resources.folder("data") / REGISTRY) in path.resolve().parents


def shipped(*, data: bool = True, registry: bool = True) -> list[SourceFile]:
    """The ontology and, unless ``data`` is false, the shipped data: the cases, the reference
    data and the registries of data/registry/ -- with ``registry`` false, of the registries
    only the nodes the other data links to (:mod:`govgraph.rdf.subset`, which keeps them in
    the temporary folder)."""
    kinds = ("ontology", "data") if data else ("ontology",)
    files = [SourceFile.of(p) for kind in kinds for p in resources.files(kind, *FORMATS)]
    registries = [f for f in files if is_registry(f.path)]
    if registry or not registries:
        return files
    others = [f for f in files if f not in registries]
    return others + [SourceFile.of(subset.linked_file(r, others), graph=r.graph)
                     for r in registries]


def with_context(paths: Sequence[str | Path]) -> list[SourceFile]:
    """The given files plus what they need around them: the ontology and the reference data.

    A given file that is also one of those is loaded once.
    """
    given = [SourceFile.of(p) for p in paths]
    seen = {f.path.resolve() for f in given}
    context = [f for f in shipped(data=False) if f.path.resolve() not in seen]
    context += [
        SourceFile.of(p)
        for p in resources.files("data", *FORMATS)
        if p.stem in ("reference", "sources") and p.resolve() not in seen
    ]
    return context + given


def syntax_error(source: SourceFile, exc: SyntaxError) -> InputError:
    """An :class:`InputError` naming the file, line and column of a parser's ``SyntaxError``."""
    line = exc.lineno if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    message = re.sub(r"\s*\(line \d+\)$", "", exc.msg or str(exc))
    position = r"(line \d+ (column \d+|between columns \d+ and \d+)|[\d:]+)"
    message = re.sub(rf"^(Parser )?error at {position}: ", "", message)
    return InputError(source.path, f"syntax error: {message}", line=line, column=column,
                      hint=f"fix the {source.format.name.replace('_', '-')} syntax at this place")
