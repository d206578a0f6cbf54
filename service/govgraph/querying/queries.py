"""The query library: named, documented SPARQL queries in ``queries/*.rq``.

Each file starts with a header of ``#`` comment lines, the single source of truth for the CLI,
the HTTP API and the documentation::

    # title: Who represents whom in which forum
    # description: One row per seat: the agent, the principal(s) it acts for, ...
    # param: forum iri optional - Only this forum (full IRI or short id like forum/ctssm-bologna)
    # param: as_of date optional - Only seats valid on this date (YYYY-MM-DD)
    # example: govgraph query representations --param forum=forum/gruppo-tecnico-ctssm-bologna
    # column: start date - The seat's gg:startDate, with the precision the source states

A ``column`` line types a result column where its values alone may not tell (a date column
that is empty in some answer); the notebook API (:mod:`govgraph.analysis.frames`) reads it.
A parameter ``NAME`` is the query variable ``?NAME``. A value is bound to it as an RDF term
(SPARQL substitution, never string splicing); a parameter left out stays unbound, which the query
reads as "no filter".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govgraph.querying.binding import Term
from govgraph.rdf import resources
from govgraph.rdf.namespaces import expand_id
from govgraph.rdf.store import QueryResult, Store

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "date", "string", "integer", "boolean")
_COLUMN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s+-\s+(?P<doc>.+)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)"
    r"(?:\s+(?P<req>required|optional))?(?:\s+default=(?P<default>\S+))?\s+-\s+(?P<doc>.+)$"
)


class QueryError(ValueError):
    """A named query that does not exist, or a parameter value that does not fit."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        self.param = param
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its parameter (it crosses back from a query worker process)."""
        return (functools.partial(QueryError, param=self.param), (str(self),))


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None

    def bind(self, raw: str) -> Term:
        """Turn a user's text into an RDF term of this parameter's type."""
        try:
            if self.type == "iri":
                return ox.NamedNode(expand_id(raw.strip()))
            if self.type == "date":
                return ox.Literal(dt.date.fromisoformat(raw.strip()).isoformat(),
                                  datatype=ox.NamedNode(XSD + "date"))
            if self.type == "integer":
                return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "boolean":
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                return ox.Literal(str(raw.lower() in ("true", "1", "yes")).lower(),
                                  datatype=ox.NamedNode(XSD + "boolean"))
            return ox.Literal(raw)
        except ValueError as exc:
            expected = {"iri": "an IRI or a short id such as forum/ctssm-bologna",
                        "date": "a date as YYYY-MM-DD", "integer": "a whole number",
                        "boolean": "true or false"}.get(self.type, "text")
            raise QueryError(f"parameter {self.name!r}: {raw!r} is not {expected}",
                             param=self.name) from exc


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    sparql: str
    path: Path
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = field(default=())
    columns: tuple[Column, ...] = field(default=())

    def bindings(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Check and convert parameter values; unknown names and bad values raise QueryError."""
        known = {p.name: p for p in self.params}
        for name in values:
            if name not in known:
                allowed = ", ".join(known) or "none"
                raise QueryError(f"query {self.name!r} has no parameter {name!r} "
                                 f"(its parameters: {allowed})", param=name)
        bound: dict[str, Term] = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None or raw == "":
                if p.required:
                    raise QueryError(f"parameter {p.name!r} is required: {p.description}",
                                     param=p.name)
                continue
            bound[p.name] = p.bind(raw)
        return bound


def parse(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.match(r"^(title|description|param|example|column):\s*(.*)$", body)
        if match:
            last = match.group(1)
            fields.setdefault(last, []).append(match.group(2))
        elif body and last in ("description",):
            fields[last][-1] += " " + body
        else:
            last = None
    params = []
    for spec in fields.get("param", []):
        m = _PARAM.match(spec)
        if not m or m["type"] not in PARAM_TYPES:
            raise QueryError(f"{path}: bad '# param:' line {spec!r}; expected "
                             "'NAME TYPE [required|optional] [default=V] - description' "
                             f"with TYPE one of {PARAM_TYPES}")
        params.append(Param(m["name"], m["type"], m["doc"], m["req"] == "required",
                            m["default"]))
    columns = []
    for spec in fields.get("column", []):
        c = _COLUMN.match(spec)
        if not c or c["type"] not in PARAM_TYPES:
            raise QueryError(f"{path}: bad '# column:' line {spec!r}; expected "
                             f"'NAME TYPE - description' with TYPE one of {PARAM_TYPES}")
        columns.append(Column(c["name"], c["type"], c["doc"]))
    return NamedQuery(
        name=path.stem,
        title=(fields.get("title") or [path.stem])[0],
        description=" ".join(fields.get("description", [])),
        sparql=text,
        path=path,
        params=tuple(params),
        examples=tuple(fields.get("example", [])),
        columns=tuple(columns),
    )


def library(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name."""
    paths = sorted((folder or resources.folder("queries")).glob("*.rq"))
    return {q.name: q for q in map(parse, paths)}


def get(name: str, folder: Path | None = None) -> NamedQuery:
    queries = library(folder)
    if name not in queries:
        raise QueryError(f"no named query {name!r}; known: {', '.join(queries) or 'none'}")
    return queries[name]


def run_named_query(store: Store, query: NamedQuery, values: Mapping[str, str]) -> QueryResult:
    """Run a named query with its parameters bound as RDF terms."""
    return store.query(query.sparql, substitutions=query.bindings(values))
