"""The rows of a named query as dictionaries, the common input of the analysis modules."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from govgraph.querying import queries
from govgraph.rdf.store import Store

Row = dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]


def columns_and_rows(store: Store, name: str,
                     params: Mapping[str, str] | None = None) -> tuple[list[str], list[Row]]:
    """The variables of the named query ``name`` and one dict per solution (unbound variables
    left out), its parameters bound as the CLI and the API bind them."""
    result = queries.run_named_query(store, queries.get(name), params or {})
    if not isinstance(result, ox.QuerySolutions):
        raise queries.QueryError(f"the named query {name!r} is not a SELECT query")
    names = [v.value for v in result.variables]
    found: list[Row] = []
    for solution in result:
        row: Row = {}
        for n in names:
            term = solution[n]
            if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
                row[n] = term
        found.append(row)
    return names, found


def run(store: Store, name: str, params: Mapping[str, str] | None = None) -> list[Row]:
    """One dict per solution of the named query ``name``."""
    return columns_and_rows(store, name, params)[1]


def text(row: Row, name: str) -> str | None:
    """The lexical value of a cell (an IRI's text, a literal's text), or None when unbound."""
    term = row.get(name)
    return None if term is None else term.value
