"""SPARQL SELECT results in the four standard formats, written row by row with a row cap.

pyoxigraph serializes a whole result; a capped result needs its first rows only, so the
formats of the W3C Recommendations (JSON, XML, CSV, TSV) are written here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


Cell = ox.NamedNode | ox.BlankNode | ox.Literal | None


def _rows(result: ox.QuerySolutions, names: list[str],
          max_rows: int) -> tuple[list[list[Cell]], bool]:
    rows: list[list[Cell]] = []
    iterator: Iterator[ox.QuerySolution] = iter(result)
    for solution in iterator:
        if len(rows) == max_rows:
            return rows, True
        rows.append([solution[n] for n in names])
    return rows, False


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    assert isinstance(term, ox.Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def write_solutions(result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, *,
                    max_rows: int) -> tuple[bytes, int, bool]:
    """Serialize at most ``max_rows`` solutions; return (body, rows written, truncated)."""
    names = [v.value for v in result.variables]
    rows, truncated = _rows(result, names, max_rows)
    if fmt == ox.QueryResultsFormat.JSON:
        doc = {"head": {"vars": names}, "results": {"bindings": [
            {n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
            for row in rows]}}
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    elif fmt == ox.QueryResultsFormat.XML:
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
                 "<head>", *(f"<variable name={quoteattr(n)}/>" for n in names), "</head>",
                 "<results>"]
        for row in rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                      for n, t in zip(names, row, strict=True) if t is not None]
            parts.append("</result>")
        parts += ["</results>", "</sparql>\n"]
        body = "".join(parts).encode()
    elif fmt == ox.QueryResultsFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if t is None else
                             ("_:" + t.value if isinstance(t, ox.BlankNode) else t.value)
                             for t in row])
        body = buffer.getvalue().encode()
    elif fmt == ox.QueryResultsFormat.TSV:
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        body = ("\n".join(lines) + "\n").encode()
    else:
        raise ValueError(f"unsupported results format {fmt}")
    return body, len(rows), truncated
