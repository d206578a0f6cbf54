"""A pandas DataFrame for every named query: the notebook API.

::

    from govgraph.analysis import frames

    frames.representations(forum="forum/gruppo-tecnico-ctssm-bologna", as_of="2022-06-30")
    frames.run("body-forums", body="body/comune-bologna")       # the same, by the query's name
    remote = frames.Frames("https://example.org/sparql")        # a remote SPARQL endpoint
    remote.timeline()

Every query of ``queries/`` is a method (``-`` in its name becomes ``_``: ``body_forums``) taking
the query's parameters as keyword arguments (``as_of`` a ``datetime.date`` or ``"YYYY-MM-DD"``,
booleans as ``True``/``False``); the module-level functions ask the shipped data, loaded once.

Columns come in the query's order, so each IRI column (``forum``) has its label column
(``forumLabel``) next to it. Types: IRIs and text are pandas strings; integers ``Int64``,
decimals ``Float64``, booleans ``boolean``; dates (``xsd:date``, ``xsd:gYearMonth``,
``xsd:gYear``) are ``datetime64`` at the first day of what the source states, with a column
``<name>Precision`` ("day", "month" or "year") right after them, so "2022-04" is April 2022 and
never 1 April. A column whose values are of mixed kinds keeps their text. Unbound cells are
``<NA>`` (``NaT`` for dates).

pandas is an optional dependency: ``pip install govgraph[notebook]``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from govgraph.analysis.rows import Row, columns_and_rows
from govgraph.querying import queries
from govgraph.rdf import sources
from govgraph.rdf.remote import RemoteStore
from govgraph.rdf.store import Store, load_store

try:
    import pandas as pd
except ImportError as exc:  # pragma: no cover - the message is what this branch is for
    raise ImportError("govgraph.analysis.frames needs pandas: pip install 'govgraph[notebook]'"
                      ) from exc

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Date datatypes and the precision each states.
PRECISION = {XSD + "date": "day", XSD + "gYearMonth": "month", XSD + "gYear": "year"}
_TYPES = {XSD + t: "integer" for t in ("integer", "int", "long", "nonNegativeInteger",
                                        "positiveInteger", "short")}
_TYPES |= {XSD + t: "decimal" for t in ("decimal", "double", "float")}
_TYPES[XSD + "boolean"] = "boolean"

DataFrame = Any  # pandas has no type information here (pandas-stubs is not a dependency)


class Frames:
    """The named queries as DataFrames, on one store.

    ``source``: a :class:`govgraph.rdf.store.Store`, the URL of a SPARQL endpoint
    (``http(s)://...``), or None for the shipped data.
    """

    def __init__(self, source: Store | str | None = None) -> None:
        self._source = source
        self._store: Store | None = source if not isinstance(source, str | None) else None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = RemoteStore(self._source) if isinstance(self._source, str) \
                else load_store(sources.shipped())
        return self._store

    def run(self, name: str, **params: object) -> DataFrame:
        """The rows of the named query ``name`` as a typed DataFrame."""
        names, found = columns_and_rows(self.store, name, _values(params))
        return frame(names, found, {c.name: c.type for c in queries.get(name).columns})

    def names(self) -> list[str]:
        """The named queries, as the method names they are reachable by."""
        return sorted(n.replace("-", "_") for n in queries.library())

    def __getattr__(self, attr: str) -> Callable[..., DataFrame]:
        name = attr.replace("_", "-")
        if attr.startswith("_") or name not in queries.library():
            raise AttributeError(f"no named query {name!r} (known: "
                                 f"{', '.join(self.names())})")
        method = functools.partial(self.run, name)
        method.__doc__ = queries.get(name).description
        return method

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.names()})


def _values(params: Mapping[str, object]) -> dict[str, str]:
    """Keyword arguments as the text the query library binds."""
    text = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text[key] = "true" if value else "false"
        elif isinstance(value, dt.datetime):
            text[key] = value.date().isoformat()
        elif isinstance(value, dt.date):
            text[key] = value.isoformat()
        else:
            text[key] = str(value)
    return text


def frame(names: list[str], found: list[Row], declared: Mapping[str, str] | None = None
          ) -> DataFrame:
    """A typed DataFrame of query rows (the columns in the order ``names``); ``declared``
    gives the type of a column (``# column:`` lines of the query), else its values tell."""
    columns: dict[str, Any] = {}
    for name in names:
        terms = [row.get(name) for row in found]
        columns.update(_column(name, terms, (declared or {}).get(name) or _kind(terms)))
    return pd.DataFrame(columns, index=pd.RangeIndex(len(found)))


def _kind(terms: list[ox.NamedNode | ox.Literal | ox.BlankNode | None]) -> str:
    """The type the values of a column share: date, integer, decimal, boolean, else string."""
    types = {t.datatype.value if isinstance(t, ox.Literal) else "" for t in terms
             if t is not None}
    if types and types <= set(PRECISION):
        return "date"
    if len(types) == 1:
        return _TYPES.get(next(iter(types)), "string")
    return "string"


def _column(name: str, terms: list[ox.NamedNode | ox.Literal | ox.BlankNode | None],
            kind: str) -> dict[str, Any]:
    if kind == "date":
        days = [None if t is None else _first_day(t.value) for t in terms]
        precision = [None if t is None else _precision(t.value) for t in terms]
        return {name: pd.Series(pd.to_datetime(days), dtype="datetime64[ns]"),
                f"{name}Precision": pd.Series(precision, dtype="string")}
    values = [None if t is None else t.value for t in terms]
    if kind in ("integer", "decimal"):
        return {name: pd.to_numeric(pd.Series(values, dtype="string"), errors="coerce")
                .astype("Int64" if kind == "integer" else "Float64")}
    if kind == "boolean":
        return {name: pd.Series([None if v is None else v in ("true", "1") for v in values],
                                dtype="boolean")}
    return {name: pd.Series(values, dtype="string")}


def _precision(value: str) -> str | None:
    """day, month or year, as much as a date as written states."""
    match = re.match(r"\d{4}(-\d\d)?(-\d\d)?", value)
    if match is None:
        return None
    return "day" if match[2] else "month" if match[1] else "year"


def _first_day(value: str) -> dt.date | None:
    """The first day of a date as written with its precision: 2022 → 2022-01-01 (a time zone
    is dropped; a value that is no such date gives None)."""
    match = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", value)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


@functools.cache
def shipped() -> Frames:
    """The frames of the shipped data (loaded on first use, once)."""
    return Frames()


def run(name: str, **params: object) -> DataFrame:
    """``frames.run("representations", as_of="2022-06-30")``, on the shipped data."""
    return shipped().run(name, **params)


def __getattr__(attr: str) -> Callable[..., DataFrame]:
    """``frames.representations(...)``: every named query, on the shipped data."""
    if attr.startswith("__"):
        raise AttributeError(attr)
    return getattr(shipped(), attr)  # type: ignore[no-any-return]
