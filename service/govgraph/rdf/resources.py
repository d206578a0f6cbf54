"""Where the ontology, shapes, data and query library are.

A wheel carries them inside the package (``govgraph/_resources``); an editable install or a source
checkout reads them from the repository root, the single source of truth. The environment variable
``GOVGRAPH_ROOT`` names another such folder (a copy of the repository being edited, a test's copy).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parents[1] / "_resources"
_CHECKOUT = Path(__file__).resolve().parents[3]

#: ``sources`` holds the text of each source document (``sources/<slug>.txt``).
KINDS = ("ontology", "shapes", "data", "queries", "sources")
ROOT_ENV = "GOVGRAPH_ROOT"


def root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``data/``, ``queries/`` and ``sources/``."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV])
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def folder(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {KINDS}")
    return root() / kind


def files(kind: str, *suffixes: str) -> list[Path]:
    """The files of one kind, sorted, optionally only those with the given suffixes."""
    base = folder(kind)
    if not base.is_dir():
        return []
    return sorted(
        p for p in base.rglob("*") if p.is_file() and (not suffixes or p.suffix in suffixes)
    )
