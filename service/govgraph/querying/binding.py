"""Binding parameter values into SPARQL as RDF terms, never as spliced user text.

:func:`bind` adds ``VALUES (?a ?b) { (term term) }`` at the start of the query's WHERE group.
Each term is serialized by pyoxigraph (N-Triples syntax, escaped), so a value can only ever be one
RDF term. Because the block opens the WHERE group, the variables are bound for every pattern and
FILTER of that group, exactly as if a researcher had written the VALUES block by hand — the same
semantics on the embedded store and on any remote SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pyoxigraph as ox

from govgraph.querying.guard import lexemes, tokens

#: Tokens whose text is not the query's own words: comments, strings and IRIs.
_HIDDEN = frozenset({"comment", "string", "iri"})
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)

Term = ox.NamedNode | ox.Literal | ox.BlankNode


def _group_starts(sparql: str) -> list[int]:
    """Offsets of the ``{`` of every top-level group, outside comments, strings and IRIs."""
    starts: list[int] = []
    depth = 0
    for token in tokens(sparql):
        if token.text == "{":
            if depth == 0:
                starts.append(token.start)
            depth += 1
        elif token.text == "}":
            depth = max(0, depth - 1)
    return starts


def visible(sparql: str) -> str:
    """The query with its comments, strings and IRIs blanked out (the same offsets)."""
    return "".join(" " * len(t.text) if t.kind in _HIDDEN else t.text for t in lexemes(sparql))


def form(sparql: str) -> str | None:
    """The query form (SELECT, CONSTRUCT, ASK or DESCRIBE) of a query, read outside its
    comments, strings and IRIs; None when it has none (an update)."""
    found = _FORM.search(visible(sparql))
    return found.group(1).upper() if found else None


def bind(sparql: str, values: Mapping[str, Term]) -> str:
    """Return the query with the values bound to their variables (no values: unchanged)."""
    if not values:
        return sparql
    for name in values:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    at = _where_start(sparql)
    names = " ".join(f"?{n}" for n in values)
    terms = " ".join(str(t) for t in values.values())
    return sparql[:at] + f" VALUES ({names}) {{ ({terms}) }}" + sparql[at:]


@functools.lru_cache(maxsize=256)
def _where_start(sparql: str) -> int:
    """The offset just after the ``{`` that opens the WHERE group.

    Cached: lexing a named query of a few kilobytes costs milliseconds in Python, and the
    named queries are the same few texts on every request.
    """
    starts = _group_starts(sparql)
    form = _FORM.search(visible(sparql))
    index = 0
    if form and form.group(1).upper() == "CONSTRUCT":
        between = visible(sparql)[form.end():starts[0]] if starts else ""
        index = 0 if re.search(r"\bWHERE\b", between, re.IGNORECASE) else 1
    if index >= len(starts):
        raise ValueError("cannot find the WHERE clause of the query to bind parameters")
    return starts[index] + 1
