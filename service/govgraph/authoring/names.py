"""Readable IRIs: slugs from names, and names resolved to the entities already in the data."""

from __future__ import annotations

import re

from govgraph.authoring import lookup
from govgraph.rdf.namespaces import GG, GGID, expand_id
from govgraph.rdf.store import Store

#: Source documents are found by their titles, but never stand for what they name.
DOCUMENT = GG + "SourceDocument"


class UnknownName(ValueError):
    """A name that matches no entity, or several (``candidates``)."""

    def __init__(self, message: str, candidates: list[lookup.Match] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


def slugify(text: str) -> str:
    """``Università di Bologna`` → ``universita-di-bologna``."""
    return "-".join(lookup.fold(text).split())[:80].strip("-")


def is_iri(value: str) -> bool:
    return "://" in value or bool(re.fullmatch(r"[a-z][\w-]*/[\w./-]+", value))


def resolve(store: Store, name: str, *, kind: str | None = None) -> str:
    """The IRI of the one entity ``name`` designates: an IRI or short id as given, else the
    entity whose name or identifier equals it, else the one with the same words ("Comune di
    Padova" for "Padova (comune)"), else the only one it matches."""
    if is_iri(name):
        return expand_id(name)
    found = [m for m in lookup.find(store, name, kind=kind, limit=50)
             if DOCUMENT not in m.entity.types]  # a title names what the document is about
    exact = [m for m in found if m.score == 100] or [m for m in found
                                                     if m.score >= lookup.SAME_WORDS]
    chosen = exact or found
    if len({m.entity.iri for m in chosen}) == 1:
        return chosen[0].entity.iri
    if not chosen:
        raise UnknownName(f"{name!r} is not in the data")
    listed = "; ".join(f"{m.entity.iri.removeprefix(GGID)} ({m.matched})" for m in chosen[:8])
    raise UnknownName(f"{name!r} is ambiguous: it may be {listed}; write the IRI (short id) "
                     "instead", chosen)
