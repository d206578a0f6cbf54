"""The named-query API ``/api/...``: the query library over HTTP.

- ``GET /api/queries``: the library (name, title, description, parameters, examples, links), read
  from the ``# title:``/``# param:``/``# example:`` headers of ``queries/*.rq`` through
  :mod:`govgraph.querying.queries`, the one source of truth shared with the CLI.
- ``GET /api/queries/{name}?param=value...``: runs a named query. Parameters are bound as RDF terms
  (:meth:`govgraph.querying.queries.NamedQuery.bindings`, the same code as ``govgraph query``) and
  the query goes through the app's executor, so the time limit and the row cap apply. SPARQL
  results JSON by default; any format of :mod:`govgraph.formats` through ``Accept`` or
  ``format=`` (the bytes ``govgraph query --format`` writes).
- ``GET /api/queries/{name}.rq``: the query's SPARQL text, with ``PREFIX`` lines for every prefix it
  uses, ready to paste into any SPARQL 1.1 endpoint.
- ``GET /api/representations?forum=&principal=&agent=&as_of=``: the ``representations`` query
  under a short address (the same handler).

Errors are JSON: 404 unknown query, 422 a bad parameter (``parameter`` names it); the others
come from :mod:`govgraph.web.errors`, as at ``/sparql``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from govgraph import formats
from govgraph.authoring import lookup
from govgraph.querying import queries
from govgraph.querying.executor import QueryRequest
from govgraph.querying.queries import NamedQuery, Param, QueryError
from govgraph.rdf.remote import standalone
from govgraph.rdf.store import version_of
from govgraph.web import conneg, etags

#: Query parameter that picks the result format instead of ``Accept``.
FORMAT = "format"
#: The named query behind ``/api/representations``.
REPRESENTATIONS = "representations"

_SCHEMA: dict[str, dict[str, str]] = {
    "iri": {"type": "string", "format": "iri"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
}
Handler = Callable[[Request], Awaitable[Response]]


# --- formats -----------------------------------------------------------------------------------

def negotiate(
    accept: str | None, fmt: str | None
) -> tuple[ox.QueryResultsFormat | None, ox.RdfFormat | None]:
    """The formats for a tabular and for a graph result: ``format=`` wins over ``Accept``.

    ``*/*`` (or no ``Accept``) means SPARQL results JSON and Turtle. A kind with no acceptable
    format is None (the executor then raises :class:`NotAcceptable`). Raises QueryError for an
    unknown ``format=`` value.
    """
    if fmt:
        tabular, graph = formats.pick(fmt)
        if tabular is None and graph is None:
            known = ", ".join(formats.names())
            raise QueryError(f"format {fmt!r} is not one of {known}", param=FORMAT)
    else:
        tabular = conneg.negotiate_format(accept, formats.TABULAR)
        graph = conneg.negotiate_format(accept, formats.GRAPH)
    return (tabular.results if tabular else None, graph.rdf if graph else None)


# --- errors ------------------------------------------------------------------------------------

def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": message, **extra}, status_code=status)


def param_error(exc: QueryError) -> JSONResponse:
    """422 naming the parameter, shaped like FastAPI's own validation errors."""
    name = exc.param or ""
    return JSONResponse(
        {"detail": [{"loc": ["query", name], "msg": str(exc), "type": "value_error"}],
         "parameter": name},
        status_code=422,
    )


# --- running -----------------------------------------------------------------------------------

async def run(request: Request, query: NamedQuery) -> Response:
    """Run a named query with the request's parameters: the one handler of every query route."""
    try:
        values = query_values(request)
        tabular, graph = negotiate(request.headers.get("accept"), request.query_params.get(FORMAT))
        bindings = query.bindings(values)
    except QueryError as exc:
        return param_error(exc)
    settings = request.app.state.settings
    version = await version_of(request.app.state.store)
    tag = etags.make(version, query.name, query.sparql, sorted(request.query_params.multi_items()),
                     tabular and tabular.name, graph and graph.name)
    headers = {"ETag": tag, "Vary": "Accept"}
    if etags.fresh(request, tag):
        return etags.not_modified(headers)
    answer = await request.app.state.executor.run(QueryRequest(
        sparql=query.sparql, tabular=tabular, graph=graph, substitutions=bindings,
        max_rows=settings.max_rows,
    ))
    return Response(answer.body, media_type=answer.media_type, headers={
        **headers,
        "X-Govgraph-Rows": str(answer.rows),
        "X-Govgraph-Cache": "hit" if answer.cached else "miss",
        "X-Govgraph-Truncated": "true" if answer.truncated else "false",
    })


def query_values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key == FORMAT:
            continue
        if key in values:
            raise QueryError(f"parameter {key!r} is given more than once", param=key)
        values[key] = value
    return values


# --- the library as JSON and OpenAPI -------------------------------------------------------------

def example_values(query: NamedQuery) -> list[dict[str, str]]:
    """The parameter values of each ``# example:`` line (``--param k=v`` of a CLI command)."""
    found = []
    for example in query.examples:
        try:
            words = shlex.split(example)
        except ValueError:
            continue
        values: dict[str, str] = {}
        for i, word in enumerate(words):
            pair = words[i + 1] if word == "--param" and i + 1 < len(words) else \
                word.removeprefix("--param=") if word.startswith("--param=") else None
            if pair and "=" in pair:
                key, value = pair.split("=", 1)
                values[key] = value
        found.append(values)
    return found


def query_path(query: NamedQuery, values: Mapping[str, str] | None = None) -> str:
    path = f"/api/queries/{query.name}"
    return f"{path}?{urlencode(values)}" if values else path


def describe(query: NamedQuery) -> dict[str, Any]:
    """One entry of ``GET /api/queries``."""
    examples = example_values(query)
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default,
             "description": p.description} for p in query.params
        ],
        "examples": list(query.examples),
        "links": {
            "self": query_path(query),
            "sparql": f"/api/queries/{query.name}.rq",
            "examples": [query_path(query, values) for values in examples],
        },
    }


def openapi_parameter(param: Param, example: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_SCHEMA[param.type])
    if param.default is not None:
        schema["default"] = param.default
    spec: dict[str, Any] = {"name": param.name, "in": "query", "required": param.required,
                            "description": f"{param.description} ({param.type})",
                            "schema": schema}
    if example is not None:
        spec["example"] = example
    return spec


def openapi(query: NamedQuery, path: str) -> dict[str, Any]:
    """The OpenAPI operation fields of one named query: its parameters and working examples."""
    examples = example_values(query)
    first = {p.name: next((e[p.name] for e in examples if p.name in e), None)
             for p in query.params}
    fmt = {"name": FORMAT, "in": "query", "required": False,
           "description": "Result format instead of the Accept header",
           "schema": {"type": "string", "enum": formats.names()}}
    return {
        "parameters": [*(openapi_parameter(p, first[p.name]) for p in query.params), fmt],
        "x-govgraph-query": query.name,
        "x-govgraph-examples": [f"{path}?{urlencode(e)}" if e else path for e in examples],
    }


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The query's results (SPARQL results JSON unless asked otherwise)",
          "content": {f.media_type: {} for f in formats.FORMATS}},
    404: {"description": "No such named query"},
    406: {"description": "No acceptable result format"},
    422: {"description": "A parameter is unknown, missing or not of its type; "
                         "`parameter` names it"},
    502: {"description": "The remote SPARQL store failed"},
    503: {"description": "The query ran longer than the time limit"},
    504: {"description": "The remote SPARQL store did not answer in time"},
}


class Library:
    """The handlers that read the whole query library (read once, when the app is built)."""

    def __init__(self, library: Mapping[str, NamedQuery]) -> None:
        self.queries = dict(library)

    def list_queries(self) -> dict[str, Any]:
        return {"queries": [describe(q) for q in self.queries.values()]}

    def text(self, name: str, request: Request) -> Response:
        if name not in self.queries:
            return _unknown(name, self.queries)
        wanted = "application/sparql-query" in request.headers.get("accept", "")
        media = "application/sparql-query" if wanted else "text/plain"
        return Response(standalone(self.queries[name].sparql),
                        media_type=f"{media}; charset=utf-8")

    async def any_query(self, name: str, request: Request) -> Response:
        if name not in self.queries:
            return _unknown(name, self.queries)
        return await run(request, self.queries[name])


def lookup_route(request: Request, q: str, kind: str | None = None,
                 limit: int = 20) -> dict[str, Any]:
    """Entities by name or identifier, best first (the same code as ``govgraph find``)."""
    found = lookup.find(request.app.state.store, q, kind=kind, limit=max(1, min(limit, 200)))
    return {"query": q, "results": [{**m.entity.as_json(), "score": m.score,
                                     "matched": m.matched} for m in found]}


def router() -> APIRouter:
    """The ``/api`` routes: the library, each query's text, and a route per named query."""
    library = Library(queries.library())
    r = APIRouter(prefix="/api", tags=["named queries"])
    r.add_api_route("/queries", library.list_queries, methods=["GET"],
                    summary="The query library",
                    description="Every named query with its parameters, examples and links.")
    r.add_api_route("/queries/{name}.rq", library.text, methods=["GET"], response_class=Response,
                    summary="A named query's SPARQL text",
                    description="The query with PREFIX lines for the prefixes it uses, to copy "
                    "into any SPARQL 1.1 endpoint (text/plain; application/sparql-query if "
                    "asked for).",
                    responses={200: {"content": {"text/plain": {},
                                                 "application/sparql-query": {}}}})
    for query in library.queries.values():
        path = f"/queries/{query.name}"
        r.add_api_route(path, _handler(query), methods=["GET"], response_class=Response,
                        name=f"query-{query.name}", summary=query.title,
                        description=query.description, responses=_RESPONSES,
                        openapi_extra=openapi(query, "/api" + path))
    if REPRESENTATIONS in library.queries:
        query = library.queries[REPRESENTATIONS]
        r.add_api_route("/representations", _handler(query), methods=["GET"],
                        response_class=Response, name="representations",
                        summary=f"{query.title} (the named query {REPRESENTATIONS!r})",
                        description=query.description, responses=_RESPONSES,
                        openapi_extra=openapi(query, "/api/representations"))
    r.add_api_route("/queries/{name}", library.any_query, methods=["GET"],
                    response_class=Response, include_in_schema=False)
    r.add_api_route("/lookup", lookup_route, methods=["GET"], tags=["look-up"],
                    summary="Find entities by name or identifier",
                    description="The bodies, forums, persons, posts, concepts and sources whose "
                    "name or identifier matches q (accents and case ignored; prefixes and single "
                    "words match), best first: IRI, kind, labels, identifiers "
                    "(govgraph find).")
    return r


def _handler(query: NamedQuery) -> Handler:
    async def handler(request: Request) -> Response:
        return await run(request, query)
    return handler


def _unknown(name: str, library: Mapping[str, NamedQuery]) -> JSONResponse:
    clean = re.sub(r"[^\w.-]", "?", name)[:100]
    return error(404, f"no named query {clean!r}", queries=sorted(library))
