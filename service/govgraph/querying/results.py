"""Query results as bytes in a standard format, or as a table for a terminal.

One implementation for the CLI and the HTTP service.
"""

from __future__ import annotations

import pyoxigraph as ox

from govgraph.rdf.namespaces import compact
from govgraph.rdf.store import QueryResult

#: Formats for SELECT/ASK results, by short name.
TABULAR: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: Formats for CONSTRUCT/DESCRIBE results and dumps, by short name.
GRAPH: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def serialize(result: QueryResult, fmt: ox.QueryResultsFormat | ox.RdfFormat) -> bytes:
    """Serialize any query result in the given format (results format or RDF format)."""
    if isinstance(result, ox.QueryTriples):
        if not isinstance(fmt, ox.RdfFormat):
            raise ValueError(f"a graph result cannot be written as {fmt.name}")
        return bytes(result.serialize(format=fmt) or b"")
    if not isinstance(fmt, ox.QueryResultsFormat):
        raise ValueError(f"a SELECT or ASK result cannot be written as {fmt.name}")
    return bytes(result.serialize(format=fmt) or b"")


def cell(term: object) -> str:
    """A term as a person reads it: compact IRIs, plain literal text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(result: QueryResult) -> str:
    """An aligned text table of a SELECT result (or the boolean of an ASK)."""
    if isinstance(result, ox.QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    if isinstance(result, ox.QueryTriples):
        return serialize(result, ox.RdfFormat.TURTLE).decode()
    names = [v.value for v in result.variables]
    rows = [[cell(sol[n]) for n in names] for sol in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
