"""The SPARQL 1.1 Protocol endpoint ``/sparql``: read-only, negotiated, limited, cacheable.

``GET``/``POST`` a query (W3C SPARQL 1.1 Protocol 2.1: form or direct POST, dataset parameters),
or ``GET`` without one for the service description (or, for a browser, the query page). The
result format is chosen before the query runs (:mod:`govgraph.formats`, ``format=`` over
``Accept``); updates are 403; ``SERVICE`` and unknown graph IRIs are 400, so a query never makes
the server reach the network or the file system; results are capped at ``max_rows`` and marked
``X-Govgraph-Truncated``; a weak ``ETag`` gives 304. Every refusal is raised and answered by
:mod:`govgraph.web.errors`. The rules in full: docs/reliability.md, "The SPARQL endpoint".
"""

from __future__ import annotations

import ipaddress
import re
from collections import OrderedDict
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from govgraph import formats
from govgraph.formats import Format
from govgraph.querying.executor import NotAcceptable, QueryRequest, QueryResponse
from govgraph.querying.guard import Outline, outline, uses_service
from govgraph.rdf.store import Store, version_of
from govgraph.web import conneg, description, etags
from govgraph.web.config import Settings
from govgraph.web.errors import ProtocolError

#: Service-description formats: the linked-data ones, and the HTML query page (last).
HTML = "text/html"
DESCRIPTION = [*(f.media_type for f in formats.pages()), HTML]
READ_ONLY = ("This public SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, "
             "CLEAR, CREATE, DROP, COPY, MOVE, ADD) is not accepted here.\n")
MAX_PARAMETERS = 1000
CACHE_SECONDS = 300
#: Queries up to this many characters are checked on the event loop (lexing a 4 kB query takes
#: about as long as a hop to a thread); longer ones are checked in a thread.
INLINE_CHECK = 4096
#: What the checks found in the last queries up to this many characters is kept, by text: a
#: client running a long query again (a notebook, a dashboard) is not lexed again (figures:
#: bench/RESULTS.md).
CHECKED_TEXT, CHECKED_QUERIES = 16384, 256


# --- Reading the request --------------------------------------------------------------------


def parse_form(text: bytes | str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` (or a query string) exactly once."""
    try:
        raw = text.decode("utf-8") if isinstance(text, bytes) else text
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=MAX_PARAMETERS)
    except ValueError as exc:  # UnicodeDecodeError too
        raise ProtocolError(400, "The parameters are not valid UTF-8 form encoding "
                                 f"({exc.__class__.__name__}: {exc}).") from exc


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, or 413 when it is (or says it is) larger than ``limit`` bytes."""
    too_large = ProtocolError(413, f"The request body is larger than this service accepts "
                                   f"({limit} bytes); send a shorter query.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def decode_query(body: bytes, charset: str | None) -> str:
    """A direct-POST body: UTF-8 only (SPARQL 1.1 Protocol 2.1.3)."""
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(400, f"The query must be sent as UTF-8, not {charset}; "
                                 "use Content-Type: application/sparql-query; charset=utf-8.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "The query body is not valid UTF-8 (byte "
                                 f"{exc.start}); send it as UTF-8.") from exc
    if "\x00" in text:
        raise ProtocolError(400, "The query body contains NUL characters (is it UTF-16?); "
                                 "send it as UTF-8.")
    return text.removeprefix("\ufeff")


async def parameters(request: Request, settings: Settings) -> list[tuple[str, str]]:
    """All protocol parameters of a GET or POST, the query included."""
    query_string = request.scope.get("query_string", b"")
    if len(query_string) > settings.max_body:
        raise ProtocolError(414, "The URL is too long; send the query with POST.")
    params = parse_form(query_string)
    if request.method == "GET":
        return params
    content_type = request.headers.get("content-type")
    if not content_type:
        raise ProtocolError(400, "A POST needs a Content-Type: application/sparql-query "
                                 "(the body is the query) or application/x-www-form-urlencoded.")
    media = conneg.parse_media_type(content_type)
    kind = f"{media.type}/{media.subtype}" if media else content_type
    if kind == "application/sparql-update":
        raise ProtocolError(403, READ_ONLY)
    if kind not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ProtocolError(415, f"Unsupported Content-Type {content_type!r}: send "
                                 "application/sparql-query or application/x-www-form-urlencoded.")
    body = await read_body(request, limit=settings.max_body)
    if kind == "application/x-www-form-urlencoded":
        return params + parse_form(body)
    charset = dict(media.params).get("charset") if media else None
    return [*params, ("query", decode_query(body, charset))]




def _public_http(iri: str) -> bool:
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or "." not in host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True


def check_graphs(iris: Sequence[str], known: set[str], *, where: str,
                 allow_public: bool) -> None:
    for iri in iris:
        if iri not in known and not (allow_public and _public_http(iri)):
            raise ProtocolError(400, f"The graph <{iri}> in {where} is not a graph of this "
                                     "dataset; the service never fetches graphs from elsewhere. "
                                     "GET /sparql lists the named graphs.")


# --- Responses ------------------------------------------------------------------------------


def endpoint_iri(request: Request) -> str:
    """This endpoint's URL, as the client addressed it if that is a plain http(s) URL."""
    url = str(request.url.replace(query="", fragment=""))
    plain = re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+/[A-Za-z0-9._~/\-]*", url)
    return url if plain else "http://localhost/sparql"


def unshift(message: str) -> str:
    """A parser message about the query with its ``BASE`` line in front, as about the query."""
    return re.sub(r"^error at (\d+):", lambda m: f"error at {int(m.group(1)) - 1}:", message)


def cache_headers(tag: str) -> dict[str, str]:
    return {"ETag": tag, "Cache-Control": f"public, max-age={CACHE_SECONDS}",
            "Vary": "Accept, Accept-Encoding"}


def choices(accept: str | None, names: Sequence[str]) -> tuple[Format | None, Format | None]:
    """The formats for a tabular and for a graph result, from ``format=`` or ``Accept``."""
    wanted = [f.strip().lower() for f in names if f.strip()]
    if wanted:
        first = wanted[0]
        if first == "html":
            return None, None
        tabular, graph = formats.pick(first)
        if tabular is not None or graph is not None:
            return tabular, graph
        if conneg.parse_media_type(first) is None:
            raise ProtocolError(400, f"Unknown format={first!r}; use one of "
                                     f"{', '.join(formats.names())} or a media type.")
        accept = first
    return (conneg.negotiate_format(accept, formats.TABULAR),
            conneg.negotiate_format(accept, formats.GRAPH))


def result_response(result: QueryResponse, tag: str, *, limit: int) -> Response:
    headers = cache_headers(tag)
    headers["X-Govgraph-Rows"] = str(result.rows)
    headers["X-Govgraph-Cache"] = "hit" if result.cached else "miss"
    if result.truncated:
        unit = "triples" if result.kind == "graph" else "rows"
        headers["X-Govgraph-Truncated"] = "true"
        headers["X-Govgraph-Warning"] = (
            f"The result was cut to its first {limit} {unit}, the most this service sends; "
            "use LIMIT and OFFSET (with ORDER BY) to page through it.")
    return Response(result.body, media_type=result.media_type, headers=headers)


# --- The endpoint ---------------------------------------------------------------------------


_checked: OrderedDict[str, tuple[Outline, bool]] = OrderedDict()
_descriptions: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
#: Service descriptions kept (by dataset version, endpoint and format).
DESCRIPTIONS = 16


async def check_query(query: str, based: str) -> tuple[Outline, bool]:
    """The query's outline, and whether it can call SERVICE (remembered by text)."""
    if (known := _checked.get(based)) is not None:
        _checked.move_to_end(based)
        return known
    if len(based) <= INLINE_CHECK:  # lexing a short query costs less than a thread hop
        found = outline(query), uses_service(based)
    else:
        found = await run_in_threadpool(lambda: (outline(query), uses_service(based)))
    if len(based) <= CHECKED_TEXT:
        _checked[based] = found
        if len(_checked) > CHECKED_QUERIES:
            _checked.popitem(last=False)
    return found


async def service_description(request: Request, names: Sequence[str]) -> Response:
    """``GET /sparql`` without a query: the service description, or the query page."""
    store: Store = request.app.state.store
    wanted = [f.strip().lower() for f in names if f.strip()]
    accept = request.headers.get("accept")
    if wanted:
        tabular, graph = formats.pick(wanted[0])
        accept = HTML if wanted[0] == "html" else graph.media_type if graph else \
            None if tabular else wanted[0]
    media_type = conneg.negotiate(accept, DESCRIPTION)
    if media_type is None:
        raise ProtocolError(406, conneg.not_acceptable(DESCRIPTION,
                                                       what="the service description"))
    fmt = formats.by_media_type(media_type, formats.GRAPH)
    if fmt is None:  # a browser: the query page, as at /query (set by the app factory)
        page: Response = request.app.state.query_page(request)
        page.headers["Vary"] = "Accept, Accept-Language"
        return page
    endpoint = endpoint_iri(request)
    version = await version_of(store)
    tag = etags.make(version, endpoint, media_type)
    if etags.fresh(request, tag):
        return etags.not_modified(cache_headers(tag))
    key = (version, endpoint, media_type)
    if key not in _descriptions:
        _descriptions[key] = await run_in_threadpool(description.serialize, endpoint, store, fmt)
        while len(_descriptions) > DESCRIPTIONS:
            _descriptions.popitem(last=False)
    return Response(_descriptions[key], media_type=media_type, headers=cache_headers(tag))


async def endpoint(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation (GET, or POST form / direct)."""
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    params = await parameters(request, settings)
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    if "update" in values or any(n.startswith("using-") for n in values):
        raise ProtocolError(403, READ_ONLY)
    queries = values.get("query", [])
    names = values.get("format", [])
    if len(queries) > 1:
        raise ProtocolError(400, f"Send exactly one query parameter, not {len(queries)}.")
    if not queries:
        if request.method == "GET":
            return await service_description(request, names)
        raise ProtocolError(400, "The request has no query: send query=... (form) or a "
                                 "body with Content-Type: application/sparql-query.")
    query = queries[0]
    defaults = tuple(values.get("default-graph-uri", []))
    named = tuple(values.get("named-graph-uri", []))
    known = set(store.graphs())
    check_graphs(defaults, known, where="default-graph-uri", allow_public=True)
    check_graphs(named, known, where="named-graph-uri", allow_public=True)
    # relative IRIs resolve against the endpoint (SPARQL 1.1 Protocol: "service-defined BASE");
    # the text that runs is the one checked
    based = f"BASE <{endpoint_iri(request)}>\n{query}"
    found, service = await check_query(query, based)
    if found.update:
        raise ProtocolError(403, READ_ONLY)
    if (why := found.too_complex()) is not None:
        raise ProtocolError(400, f"The query is too complex to parse safely: {why}.")
    if service:
        raise ProtocolError(400, "SERVICE is not allowed: this endpoint does not query "
                                 "other services for you. Run the federated query from "
                                 "your own client.")
    check_graphs(found.from_graphs, known, where="FROM", allow_public=False)
    check_graphs(found.from_named, known, where="FROM NAMED", allow_public=False)
    if defaults or named:
        dataset: tuple[tuple[str, ...] | None, tuple[str, ...] | None] = (defaults, named)
    elif found.from_graphs or found.from_named:
        dataset = (found.from_graphs, found.from_named)
    else:
        dataset = (None, None)
    tabular, graph = choices(request.headers.get("accept"), names)
    if found.form in ("select", "ask") and tabular is None:
        raise NotAcceptable("tabular")
    if found.form in ("construct", "describe") and graph is None:
        raise NotAcceptable("graph")
    tag = etags.make(await version_of(store), query, dataset, tabular and tabular.name,
               graph and graph.name, settings.max_rows)
    if etags.fresh(request, tag):
        return etags.not_modified(cache_headers(tag))
    job = QueryRequest(
        based,
        tabular=tabular.results if tabular else None,
        graph=graph.rdf if graph else None,
        default_graphs=dataset[0], named_graphs=dataset[1] or None,
        max_rows=settings.max_rows)
    try:
        result = await request.app.state.executor.run(job)
    except SyntaxError as exc:
        raise ProtocolError(400, f"The query is not valid SPARQL: {unshift(str(exc))}") from exc
    assert isinstance(result, QueryResponse)
    return result_response(result, tag, limit=settings.max_rows)


def router() -> APIRouter:
    """``GET`` and ``POST /sparql``."""
    routes = APIRouter()
    for method, summary in (
        ("GET", "SPARQL 1.1 query (query=...), or the service description without one"),
        ("POST", "SPARQL 1.1 query: a form (query=...) or an application/sparql-query body"),
    ):
        routes.add_api_route(
            "/sparql", endpoint, methods=[method], tags=["sparql"], summary=summary,
            operation_id=f"sparql_{method.lower()}", response_class=Response)
    return routes
