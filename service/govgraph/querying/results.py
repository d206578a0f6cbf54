"""Query results as an aligned text table for a terminal (``govgraph query --format table``).

Every other format is written by the executor (:mod:`govgraph.querying.jobs`), the same bytes for
the CLI and the HTTP service.
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph.rdf.namespaces import compact


def cell(term: object) -> str:
    """A term as a person reads it: compact IRIs, plain literal text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(result: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """An aligned text table of a SELECT result (or the boolean of an ASK)."""
    if isinstance(result, ox.QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    names = [v.value for v in result.variables]
    rows = [[cell(sol[n]) for n in names] for sol in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
