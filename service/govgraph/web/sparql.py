"""The SPARQL 1.1 Protocol endpoint ``/sparql``: read-only, negotiated, limited, cacheable.

Operations (W3C SPARQL 1.1 Protocol, section 2.1):

* ``GET /sparql?query=...``, ``POST`` ``application/x-www-form-urlencoded`` (``query=...`` in the
  body, dataset parameters in the body or the URL) and ``POST`` ``application/sparql-query``
  (the body is the query, UTF-8 only; dataset parameters in the URL). Parameters are
  percent-decoded exactly once; exactly one ``query`` is required.
* ``default-graph-uri`` / ``named-graph-uri`` (repeatable) give the dataset and take precedence
  over ``FROM`` / ``FROM NAMED`` in the query. Without either, the default graph is the union of
  all graphs and every named graph is available (``sd:UnionDefaultGraph``).
* ``GET /sparql`` without a query returns the SPARQL 1.1 Service Description (Turtle, JSON-LD,
  RDF/XML or N-Triples), or for a browser the query page of ``/query`` (:mod:`govgraph.web.pages`).

Results are negotiated *before* the query runs (:mod:`govgraph.web.conneg`): SELECT/ASK as SPARQL
JSON (the default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (the default), N-Triples,
JSON-LD, RDF/XML, TriG or N-Quads. ``format=`` (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``,
``nt``, ``jsonld``, ``rdfxml``, ``trig``, ``nq`` or a media type) overrides ``Accept`` for
browsers; ``json`` and ``xml`` mean JSON-LD and RDF/XML for graph results.

Safety and limits. The endpoint is read-only: SPARQL Update in any form (the ``update``
parameter, an ``application/sparql-update`` body, or an update sent as a query) gets 403. A query
must not make the server reach the network or the file system, so it is refused (400) when it
contains ``SERVICE`` -- found on the query's tokens, after comments, string literals and IRIs are
set aside, and under every reading of ``<`` (IRI or less-than) the SPARQL grammar allows. Graph
IRIs that name no graph of the dataset are refused (400, naming the IRI) in ``FROM`` and
``FROM NAMED``: the store never dereferences them, and a typo should not silently give an empty
answer. In ``default-graph-uri`` / ``named-graph-uri`` such an IRI is refused too, except an
``http(s)`` IRI of a public host, which is an empty graph: the W3C Protocol tests name
``http://kasei.us/2009/09/sparql/data/data0.rdf`` and expect success. A query running longer
than ``settings.timeout`` gets 503 with ``Retry-After``; a body larger than ``settings.max_body``
gets 413. A result larger than ``settings.max_rows`` is cut to that many rows (solutions or
triples) and still sent with 200, marked by ``X-Govgraph-Truncated: true``,
``X-Govgraph-Rows: N`` and a human-readable ``X-Govgraph-Warning`` (the HTTP ``Warning``
header is obsolete, RFC 9111).

Caching: a weak ``ETag`` from the dataset version and the request (query, dataset, chosen
formats, row cap); ``If-None-Match`` gives 304 without running the query.
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
from govgraph.querying.guard import Shape, shape, uses_service
from govgraph.rdf.store import Store, version_of
from govgraph.web import conneg, description, etags, pages
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
#: client running a long query again (a notebook, a dashboard) is not lexed again (2 ms for the
#: 7.5 kB representations query).
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


def router() -> APIRouter:
    routes = APIRouter()
    descriptions: dict[tuple[str, str, str], bytes] = {}
    checked: OrderedDict[str, tuple[Shape, bool]] = OrderedDict()

    async def inspect(query: str, based: str) -> tuple[Shape, bool]:
        """The query's shape, and whether it can call SERVICE."""
        if (known := checked.get(based)) is not None:
            checked.move_to_end(based)
            return known
        if len(based) <= INLINE_CHECK:  # lexing a short query costs less than a thread hop
            found = shape(query), uses_service(based)
        else:
            found = await run_in_threadpool(lambda: (shape(query), uses_service(based)))
        if len(based) <= CHECKED_TEXT:
            checked[based] = found
            if len(checked) > CHECKED_QUERIES:
                checked.popitem(last=False)
        return found

    async def service_description(request: Request, names: Sequence[str]) -> Response:
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
        if fmt is None:  # a browser: the query page, as at /query
            page = pages.query_page(request)
            page.headers["Vary"] = "Accept, Accept-Language"
            return page
        endpoint = endpoint_iri(request)
        version = await version_of(store)
        tag = etags.make(version, endpoint, media_type)
        if etags.fresh(request, tag):
            return etags.not_modified(cache_headers(tag))
        key = (version, endpoint, media_type)
        if key not in descriptions:
            descriptions[key] = await run_in_threadpool(
                description.serialize, endpoint, store, fmt)
        return Response(descriptions[key], media_type=media_type, headers=cache_headers(tag))

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
        found, service = await inspect(query, based)
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

    for method, summary in (
        ("GET", "SPARQL 1.1 query (query=...), or the service description without one"),
        ("POST", "SPARQL 1.1 query: a form (query=...) or an application/sparql-query body"),
    ):
        routes.add_api_route(
            "/sparql", endpoint, methods=[method], tags=["sparql"], summary=summary,
            operation_id=f"sparql_{method.lower()}", response_class=Response)
    return routes
