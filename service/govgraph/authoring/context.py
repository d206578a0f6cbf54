"""The data around the files an authoring command works on: the texts and entities it may need.

For files in a folder, the context is every Turtle file beside them plus the shipped data (the
folder may be a copy of ``data/`` being edited, or ``data/`` itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from govgraph.authoring import texts
from govgraph.rdf import resources
from govgraph.rdf import sources as rdf_sources
from govgraph.rdf.store import OxigraphStore, load_store


def context_files(paths: Sequence[Path] = ()) -> list[rdf_sources.SourceFile]:
    """The ontology, the given files, the Turtle files beside them and the shipped data; each
    file once, and a shipped file left out when a file of the same name is beside the given
    ones (it is the copy being edited)."""
    chosen: dict[Path, rdf_sources.SourceFile] = {}
    names: set[str] = set()
    folders = {p.resolve().parent for p in paths}
    candidates = [*paths, *(q for f in sorted(folders) for q in sorted(f.glob("*.ttl")))]
    for p in candidates:
        if p.resolve() not in chosen:
            chosen[p.resolve()] = rdf_sources.SourceFile.of(p)
            names.add(p.name)
    for f in rdf_sources.shipped():
        if f.path.resolve() not in chosen and not (
                f.path.parent == resources.folder("data") and f.path.name in names):
            chosen[f.path.resolve()] = f
    return list(chosen.values())


def store(paths: Sequence[Path] = ()) -> tuple[OxigraphStore, list[rdf_sources.SourceFile]]:
    files = context_files(paths)
    return load_store(files), files


def declared_texts(paths: Sequence[Path] = ()) -> dict[str, texts.SourceText]:
    loaded, files = store(paths)
    return texts.from_store(loaded, files)
