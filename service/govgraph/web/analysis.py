"""``/api/network`` and ``/api/diff``: the networks and diffs of :mod:`govgraph.analysis` over
HTTP, computed by the same functions as ``govgraph network`` and ``govgraph diff``.

Formats are those of :data:`govgraph.formats.OUTPUTS`, chosen by ``format=`` or ``Accept`` as at
the other ``/api`` routes (JSON unless asked otherwise); a bad parameter is 422 naming it, no
acceptable format 406, a remote store's failure 502/504 (:mod:`govgraph.web.errors`). Answers
carry an ``ETag`` of the dataset version and the request, so a repeated request can be 304.

The work runs as a job of the app's query executor (:meth:`ProcessExecutor.call
<govgraph.querying.executor.ProcessExecutor.call>`): admitted with the SPARQL queries, in a
worker process that the service's time limit stops (503 with ``Retry-After``, as for
``/sparql``). The node attributes of the networks, most of their cost, are computed the same
way once per dataset version and kept; they travel to the job with its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govgraph import formats
from govgraph.analysis import diff, network
from govgraph.formats import Output, Product
from govgraph.querying import queries
from govgraph.querying.queries import Param, QueryError
from govgraph.rdf.store import Store, version_of
from govgraph.web import conneg, etags
from govgraph.web.api import FORMAT, openapi_parameter, param_error, query_values
from govgraph.web.errors import ProtocolError
from govgraph.web.linkeddata import VersionCache, per_app


@dataclass(frozen=True)
class Served:
    """One analysis product served under ``/api``: its parameters and how to compute it."""

    name: Product
    #: parameters, typed as those of the named queries (checked and normalised the same way)
    params: tuple[Param, ...]
    #: the product in a format, from the store, the (normalised) values, the format's name and
    #: the node attributes (:func:`actors`; None when ``actors`` is false). Module-level: it
    #: runs in a worker process.
    make: Callable[[Store, Mapping[str, str], str, Mapping[str, Mapping[str, str]] | None],
                   bytes]
    #: a working value of some parameters, for the API documentation
    example: Mapping[str, str]
    #: whether ``make`` takes the node attributes of the networks
    actors: bool = False

    def values(self, request: Request) -> dict[str, str]:
        """The request's parameters, checked (:meth:`check`)."""
        return self.check(query_values(request))

    def check(self, given: Mapping[str, str]) -> dict[str, str]:
        """Parameters checked and normalised (defaults filled in): full IRIs, ISO dates,
        ``true``/``false``; QueryError names a bad or unknown one."""
        known = {p.name for p in self.params}
        for name in given:
            if name not in known:
                raise QueryError(f"/api/{self.name} has no parameter {name!r} (its parameters: "
                                 f"{', '.join([*known, FORMAT])})", param=name)
        values: dict[str, str] = {}
        for p in self.params:
            raw = given.get(p.name) or p.default
            if not raw:
                if p.required:
                    raise QueryError(f"parameter {p.name!r} is required: {p.description}",
                                     param=p.name)
                continue
            values[p.name] = p.bind(raw).value
        return values

    def offered(self) -> list[Output]:
        return formats.outputs(self.name)

    def output(self, accept: str | None, fmt: str | None) -> Output:
        """The format: ``format=`` wins over ``Accept``."""
        if fmt:
            found = formats.output_named(fmt, self.name)
            if found is None:
                known = ", ".join(o.name for o in self.offered())
                raise QueryError(f"format {fmt!r} is not one of {known}", param=FORMAT)
            return found
        media = [o.media_type for o in self.offered()]
        chosen = conneg.negotiate(accept, media)
        if chosen is None:
            raise ProtocolError(406, conneg.not_acceptable(media, what=f"a {self.name}"))
        return next(o for o in self.offered() if o.media_type == chosen)

    def openapi(self) -> dict[str, Any]:
        fmt = {"name": FORMAT, "in": "query", "required": False,
               "description": "Format instead of the Accept header",
               "schema": {"type": "string", "enum": list(dict.fromkeys(
                   o.name for o in self.offered()))}}
        return {"parameters": [*(openapi_parameter(p, self.example.get(p.name))
                                 for p in self.params), fmt],
                "x-govgraph-examples": [f"/api/{self.name}?{urlencode(self.example)}"]}

    def responses(self) -> dict[int | str, dict[str, Any]]:
        return {200: {"description": f"The {self.name}",
                      "content": {o.media_type: {} for o in self.offered()}},
                406: {"description": "No acceptable format"},
                422: {"description": "A parameter is unknown, missing or not of its type; "
                                     "`parameter` names it"},
                502: {"description": "The remote SPARQL store failed"},
                504: {"description": "The remote SPARQL store did not answer in time"}}


ACTORS = "network-actors"


def actors(store: Store, cache: VersionCache) -> dict[str, dict[str, str]]:
    """The node attributes of the networks (:func:`govgraph.analysis.network.node_attributes`),
    kept once per dataset version."""
    return cache.get(store, ACTORS, lambda: network.node_attributes(store))


def graph(store: Store, values: Mapping[str, str], cache: VersionCache) -> network.Graph:
    """The network of checked values (:meth:`Served.check` of :data:`NETWORK`) for the pages; a
    whole network (no filter: the page's first view, the static site's files) is kept once per
    dataset version. Callers never change the graph."""
    kind = values["kind"]
    if _scope(values) == network.Scope():
        return cache.get(store, f"network:{kind}", lambda: _graph(store, values,
                                                                  actors(store, cache)))
    return _graph(store, values, actors(store, cache))


def _scope(values: Mapping[str, str]) -> network.Scope:
    return network.Scope(as_of=values.get("as_of"), region=values.get("region"),
                         forum_kind=values.get("forum_kind"))


def _graph(store: Store, values: Mapping[str, str],
           attrs: Mapping[str, Mapping[str, str]] | None) -> network.Graph:
    return network.build(store, values["kind"], _scope(values), attrs)


def _network(store: Store, values: Mapping[str, str], fmt: str,
             attrs: Mapping[str, Mapping[str, str]] | None) -> bytes:
    return network.write(_graph(store, values, attrs), fmt)


def _diff(store: Store, values: Mapping[str, str], fmt: str,
          _attrs: Mapping[str, Mapping[str, str]] | None) -> bytes:
    window = diff.Window(values["from"], values["to"], values.get("forum"),
                         values.get("include_subforums") == "true")
    return diff.write(diff.diff(store, window), fmt)


def _seat_changes_params() -> tuple[Param, ...]:
    """The parameters of ``/api/diff``: those of ``seat-changes``, the dates required."""
    return tuple(replace(p, required=True) if p.name in ("from", "to") else p
                 for p in queries.get("seat-changes").params)


NETWORK = Served("network", (
    Param("kind", "string", f"The network: {', '.join(network.KINDS)} (docs/analysis.md)",
          default=network.KINDS[0]),
    Param("as_of", "date", "Only the seats valid on this date (a seat without dates is kept)"),
    Param("region", "iri", "Only the forums this region reaches (named query region-forums)"),
    Param("forum_kind", "iri", "Only forums of this kind"),
), _network, {"kind": "bodies", "as_of": "2022-06-30"}, actors=True)

DIFF = Served("diff", _seat_changes_params(), _diff, {
    "forum": "forum/ctssm-bologna", "include_subforums": "true", "from": "2022-01-01",
    "to": "2022-12-31"})


def cache_of(request: Request) -> VersionCache:
    """The app's cache of analysis results (one value per dataset version)."""
    return per_app(request.app.state, "govgraph_analysis", VersionCache)


async def answer(request: Request, product: Served) -> Response:
    """The product for the request's parameters, in the negotiated format."""
    try:
        values = product.values(request)
        out = product.output(request.headers.get("accept"), request.query_params.get(FORMAT))
    except QueryError as exc:
        return param_error(exc)
    store: Store = request.app.state.store
    tag = etags.make(await version_of(store), product.name, sorted(values.items()), out.name)
    headers = {"ETag": tag, "Vary": "Accept", "Content-Disposition":
               f'inline; filename="govgraph-{product.name}.{out.suffix}"'}
    if etags.fresh(request, tag):
        return etags.not_modified(headers)
    executor = request.app.state.executor
    attrs = None
    if product.actors:
        cache = cache_of(request)
        attrs = cache.known(store, ACTORS)
        if attrs is None:  # once per dataset version, a job of its own
            found = await executor.call(network.node_attributes)
            attrs = cache.get(store, ACTORS, lambda: found)
    try:
        body = await executor.call(product.make, dict(values), out.name, attrs)
    except QueryError as exc:
        return param_error(exc)
    textual = out.media_type.startswith("text/") or out.media_type.endswith(("json", "xml"))
    return Response(body, media_type=out.media_type + ("; charset=utf-8" if textual else ""),
                    headers=headers)


def _handler(product: Served) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        return await answer(request, product)
    return handler


def router() -> APIRouter:
    """``/api/network`` and ``/api/diff``."""
    r = APIRouter(prefix="/api", tags=["analysis"])
    r.add_api_route("/network", _handler(NETWORK), methods=["GET"], response_class=Response,
                    name="network",
                    summary="A network of bodies, forums, persons (govgraph network)",
                    description="Nodes are IRIs with label, kind, classification and codes; "
                    "seat edges carry the seat's IRI, role, on-behalf-of, dates, source document "
                    "and quote (docs/analysis.md). GraphML, GEXF, node-link JSON (the default) "
                    "or a zip of nodes.csv and edges.csv.",
                    responses=NETWORK.responses(), openapi_extra=NETWORK.openapi())
    r.add_api_route("/diff", _handler(DIFF), methods=["GET"], response_class=Response,
                    name="diff",
                    summary="Who held what in a forum on two dates (govgraph diff)",
                    description="The seats held on `from` and on `to`, and every seat that "
                    "started or ended in between, with its source and quote: JSON (before, "
                    "after, changes; the default), CSV (the changes) or text.",
                    responses=DIFF.responses(), openapi_extra=DIFF.openapi())
    return r
