"""Linked-data routes and server-rendered pages.

Every IRI under ``settings.base_iri`` (``https://w3id.org/govgraph/``) resolves on the service:
``/id/...`` (entities), ``/ontology`` (and its terms ``/ontology#Term``), ``/shapes``,
``/dataset`` and ``/.well-known/void``. One URL serves every representation: an HTML page for
``text/html``, the RDF description for Turtle, JSON-LD, N-Triples and RDF/XML. The RDF is served
directly with 200 at the IRI itself (no 303 redirect): these are information resources about the
things, the description is small, and one round trip suits SPARQL clients and browsers alike;
``Vary: Accept`` keeps caches honest and ``Link: <...ttl>; rel="alternate"`` headers (and the
``.ttl``/``.jsonld``/``.nt``/``.rdf`` suffixes) name each format's own URL. Unknown IRIs are 404:
an HTML page, or an empty graph in the RDF format asked for. The view models the templates show
are in :mod:`govgraph.web.views`; :mod:`govgraph.web.site` writes all of it as a static site.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from govgraph import __version__, formats
from govgraph.analysis import network
from govgraph.authoring import lookup
from govgraph.formats import Format
from govgraph.querying import queries
from govgraph.rdf import resources
from govgraph.rdf.namespaces import sparql_prologue
from govgraph.rdf.store import Store
from govgraph.web import (
    analysis,
    browse,
    cite,
    conneg,
    coverage,
    etags,
    linkeddata,
    networkview,
    timeline,
)
from govgraph.web.config import Settings
from govgraph.web.linkeddata import IriMap, Labels, VersionCache, per_app
from govgraph.web.views import (
    Context,
    class_counts,
    described,
    entity_view,
    ontology_view,
    shapes_view,
)

HERE = Path(__file__).resolve().parent
HTML = "text/html"
OFFERED = (HTML, *(f.media_type for f in formats.pages()))
LANGS = ("it", "en")
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")
CYTOSCAPE_FILES = ("cytoscape.min.js",)


def yasgui_dir() -> Path:
    """Where the npm package's built assets are (``make web`` installs them)."""
    return resources.root() / "web" / "node_modules" / "@zazuko" / "yasgui" / "build"


def cytoscape_dir() -> Path:
    """Where Cytoscape.js is (``make web`` installs it from npm)."""
    return resources.root() / "web" / "node_modules" / "cytoscape" / "dist"


def vis_timeline_dir() -> Path:
    """Where vis-timeline is (``make web`` installs it from npm)."""
    return resources.root() / "web" / "node_modules" / "vis-timeline"


VIS_TIMELINE_JS = "vis-timeline-graph2d.min.js"
VIS_TIMELINE_FILES = {VIS_TIMELINE_JS: "standalone/umd/vis-timeline-graph2d.min.js",
                      "vis-timeline-graph2d.min.css": "styles/vis-timeline-graph2d.min.css"}

#: The npm assets served as ``/static/PACKAGE/NAME`` (and written into the static site): by
#: PACKAGE, the package's folder and each NAME's path in it.
VENDORED: dict[str, tuple[Callable[[], Path], dict[str, str]]] = {
    "yasgui": (lambda: yasgui_dir(), {n: n for n in YASGUI_FILES}),
    "cytoscape": (lambda: cytoscape_dir(), {n: n for n in CYTOSCAPE_FILES}),
    "vis-timeline": (lambda: vis_timeline_dir(), VIS_TIMELINE_FILES),
}


def vendored_file(package: str, name: str) -> Path:
    """Where a file of :data:`VENDORED` is on disk (it may not be installed)."""
    folder, files = VENDORED[package]
    return folder() / files[name]


def language(request: Request) -> str:
    """``?lang=it|en``, else the first of it/en in Accept-Language, else English."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate(request.headers.get("accept-language", "").split(",")[:32]):
        tag, _, q = item.strip().partition(";q=")
        code = tag.split("-")[0].lower()
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if code in LANGS and weight > 0:
            ranked.append((-weight, i, code))
    return min(ranked)[2] if ranked else "en"


class Site:
    """Templates and caches of the pages of one app."""

    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.cache = VersionCache()
        #: Interface strings by key and language, from templates/text.html.
        self.text: dict[str, dict[str, str]] = getattr(
            self.env.get_template("text.html").module, "TEXT", {})

    # --- helpers bound to one request ---------------------------------------------------------

    def labels(self, store: Store) -> Labels:
        return self.cache.get(store, "labels", lambda: Labels(store))

    def ctx(self, request: Request) -> Context:
        settings: Settings = request.app.state.settings
        store: Store = request.app.state.store
        return Context(self.text, store, IriMap(settings.base_iri), language(request),
                       self.labels(store), request.url.path)

    def missing(self, ctx: Context, suffix: Format | None) -> Response:
        """404: an empty graph in the RDF format asked for, else an HTML page."""
        if suffix is not None:
            return rdf_response([], suffix, status=404)
        return self.render(ctx, "404.html", status=404, iri=ctx.iris.iri(ctx.path))

    def render(self, ctx: Context, template: str, status: int = 200,
               headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(
            t=ctx.t, lang=ctx.lang, path=ctx.path, version=__version__,
            formats=[(f.suffix, f.media_type) for f in formats.pages()], **values)
        return HTMLResponse(html, status_code=status, headers=headers)


# --- the pages: each a view answering HTML or an RDF format -------------------------------------

View = Callable[[Request, str, Format | None], Response]


def home(request: Request, _path: str, _fmt: Format | None) -> Response:
    site = site_of(request)
    ctx = site.ctx(request)
    counts = site.cache.get(ctx.store, "counts", lambda: class_counts(ctx.store))
    forums = sorted((ctx.link(f) for f in counts.get("forums", [])),
                    key=lambda link: link.label.lower())
    return site.render(ctx, "home.html", counts=counts["numbers"], forums=forums,
                       dumps=[f.suffix for f in formats.dumps()])


def query(request: Request, _path: str, _fmt: Format | None) -> Response:
    return query_page(request)


def ontology(request: Request, path: str, fmt: Format | None) -> Response:
    site = site_of(request)
    ctx = site.ctx(request)
    onto = ctx.iris.iri(path)
    triples = linkeddata.ontology_triples(ctx.store, onto)
    return negotiated(
        request, path, fmt, rdf=lambda: triples or None,
        html=lambda: site.render(ctx, "ontology.html", **ontology_view(ctx, onto))
        if triples else None,
        not_found=lambda f: site.missing(ctx, f))


def shapes(request: Request, path: str, fmt: Format | None) -> Response:
    site = site_of(request)
    ctx = site.ctx(request)
    triples = site.cache.get(ctx.store, "shapes", shape_triples)
    return negotiated(
        request, path, fmt, rdf=lambda: triples,
        html=lambda: site.render(ctx, "shapes.html", **shapes_view(ctx, triples)),
        not_found=lambda f: site.missing(ctx, f))


def dataset(request: Request, path: str, fmt: Format | None) -> Response:
    site = site_of(request)
    ctx = site.ctx(request)
    triples = site.cache.get(ctx.store, "void", lambda: linkeddata.dataset_description(
        ctx.store, ctx.iris.base_iri, lambda name: dump_size(site, ctx.store, name)))
    return negotiated(
        request, path, fmt, rdf=lambda: triples,
        html=lambda: site.render(ctx, "dataset.html", triples=described(ctx, triples),
                                 iri=linkeddata.dataset_iri(ctx.iris.base_iri)),
        not_found=lambda f: site.missing(ctx, f))


def browse_page(request: Request, _path: str, _fmt: Format | None) -> Response:
    """``/browse``: the regions, their units and health trusts; ``?unit=IRI``: a unit's
    municipalities (and a region's trusts)."""
    site = site_of(request)
    ctx = site.ctx(request)
    unit = request.query_params.get("unit")
    if unit is None:
        return site.render(ctx, "browse.html", unit=None, **site.cache.get(
            ctx.store, f"browse-{ctx.lang}", lambda: browse.overview(ctx)))
    if not valid_iri(unit) or not linkeddata.exists(ctx.store, unit):
        return site.missing(ctx, None)
    return site.render(ctx, "browse.html", unit=ctx.link(unit),
                       municipalities=browse.municipalities(ctx, unit),
                       trusts=coverage.trusts_by_region(ctx).get(unit, []))


def search_page(request: Request, _path: str, _fmt: Format | None) -> Response:
    """``/search?q=``: entities by name or identifier (the look-up of ``/api/lookup`` and
    ``govgraph find``), each linked to its page."""
    site = site_of(request)
    ctx = site.ctx(request)
    q = request.query_params.get("q", "").strip()[:200]
    found = lookup.find(ctx.store, q, limit=SEARCH_LIMIT) if q else []
    return site.render(ctx, "search.html", q=q, results=[
        {"link": ctx.link(m.entity.iri), "kind": m.entity.kind, "matched": m.matched}
        for m in found])


#: The most results ``/search`` shows (the page and the static site's script alike).
SEARCH_LIMIT = 50


def search_index(request: Request) -> Response:
    """``/search/index.json``: the look-up's entities with their folded names and codes, the
    page address of each, the words that do not count and the result limit — what the
    ``/search`` page's script ranks where there is no service (the static site)."""
    site = site_of(request)
    ctx = site.ctx(request)

    def build() -> bytes:
        entities = lookup.index(ctx.store).folded()
        for entity in entities:
            entity["href"] = ctx.link(str(entity["iri"])).href
        return json.dumps({"limit": SEARCH_LIMIT, "stopwords": sorted(lookup.STOPWORDS),
                           "same_words": lookup.SAME_WORDS, "entities": entities},
                          ensure_ascii=False).encode()

    return Response(site.cache.get(ctx.store, "search-index", build),
                    media_type="application/json")


def network_page(request: Request, _path: str, _fmt: Format | None) -> Response:
    """``/network``: bodies and forums as a table, drawn by Cytoscape.js where it is installed;
    the filters are those of ``/api/network``."""
    site = site_of(request)
    ctx = site.ctx(request)
    values = networkview.network_view(ctx, request.query_params, analysis.cache_of(request))
    return site.render(ctx, "network.html", status=422 if values["error"] else 200,
                       cytoscape=(cytoscape_dir() / CYTOSCAPE_FILES[0]).is_file(), **values)


def network_file(request: Request, name: str) -> Response:
    """``/network/data.json``: what the ``/network`` page's script filters without ``/api``
    (:func:`govgraph.web.networkview.offline_data`); ``/network/KIND.SUFFIX``: a whole network
    in a format (the bytes of ``/api/network?kind=KIND&format=F``). Both kept per dataset
    version; the static site writes them."""
    site = site_of(request)
    ctx = site.ctx(request)
    cache = analysis.cache_of(request)
    if name == "data.json":
        body = cache.get(ctx.store, "network-offline", lambda: json.dumps(
            networkview.offline_data(ctx, cache), ensure_ascii=False).encode())
        return Response(body, media_type="application/json")
    kind, _, suffix = name.rpartition(".")
    out = next((o for o in network.FORMATS.values() if o.suffix == suffix), None)
    if kind not in network.KINDS or out is None:
        return missing(request)
    return Response(network.write(analysis.graph(ctx.store, {"kind": kind}, cache), out.name),
                    media_type=out.media_type)


@dataclass(frozen=True)
class Page:
    """A page: its address, the view that answers it, and how the static site writes it."""

    path: str
    view: View
    #: Also served in each linked-data format at ``path.ttl``, ``path.jsonld``, ...
    rdf_files: bool = False
    #: What the static site asks for (the HTML page, else the default RDF format).
    accept: str = HTML

    def site_file(self) -> str:
        """The static site's file for it: ``index.html`` under the path for HTML."""
        return (self.path.strip("/") + "/index.html").lstrip("/") if self.accept == HTML \
            else self.path.lstrip("/")


#: Every page. A new page is one entry here (and its template); its route, HEAD and its place
#: in the static site follow.
PAGES: tuple[Page, ...] = (
    Page("/", home),
    Page("/query", query),
    Page("/browse", browse_page),
    Page("/network", network_page),
    Page("/search", search_page),
    Page("/ontology", ontology, rdf_files=True),
    Page("/shapes", shapes, rdf_files=True),
    Page("/dataset", dataset, rdf_files=True),
    Page("/.well-known/void", dataset, accept="text/turtle"),
)


def page_handler(page: Page) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        return page.view(request, page.path, None)
    return handler


def page_file_handler(page: Page) -> Callable[[Request, str], Response]:
    def handler(request: Request, suffix: str) -> Response:
        fmt = formats.page_suffix(suffix)
        return page.view(request, page.path, fmt) if fmt else missing(request)
    return handler


def entity(request: Request, rest: str) -> Response:
    """``/id/...``: an entity, as an HTML page or in an RDF format (by suffix or Accept)."""
    site = site_of(request)
    ctx = site.ctx(request)
    stem, fmt = split_suffix(rest)
    path = "/id/" + stem
    iri = ctx.iris.iri(path)
    found = valid_iri(iri) and linkeddata.exists(ctx.store, iri)
    return negotiated(
        request, path, fmt,
        rdf=lambda: linkeddata.describe(ctx.store, iri) if found else None,
        html=lambda: site.render(ctx, "entity.html", **entity_page(ctx, iri)) if found else None,
        not_found=lambda f: site.missing(ctx, f))


def entity_page(ctx: Context, iri: str) -> dict[str, Any]:
    """What an entity page shows: :func:`entity_view`, and the timeline of forums and persons."""
    view = entity_view(ctx, iri)
    view["timeline"] = timeline.timeline(ctx, iri, view["kind"])
    view["vis_timeline"] = vendored_file("vis-timeline", VIS_TIMELINE_JS).is_file()
    view["table_links"] = cite.downloads(view["kind"], iri)
    view.update(coverage.sections(ctx, iri, view["kind"]))
    sources = [*view["me"].sources, *(s for st in view["around"] for s in st.sources),
               *(s for seat in view["seats"] for s in seat["sources"]),
               *(e.source for e in view["timeline"] if e.source),
               *(s for c in [*view.get("coverage", []), *view.get("covered", [])]
                 for s in c.sources)]
    view["cite"] = cite.cite(ctx, iri, view["title"], sources)
    return view


def dump(request: Request, name: str) -> Response:
    """``/dumps/govgraph.{suffix}[.gz]``: the whole dataset (:func:`govgraph.rdf.export.dump`)."""
    store: Store = request.app.state.store
    stem = name.removeprefix("govgraph.")
    data = site_of(request).cache.get(store, "dump:" + stem,
                                      lambda: linkeddata.dump_bytes(store, stem))
    fmt = formats.dump_named(stem.removesuffix(".gz"))
    if not name.startswith("govgraph.") or data is None or fmt is None:
        return PlainTextResponse("no such dump; see /dataset\n", status_code=404)
    media = "application/gzip" if stem.endswith(".gz") else \
        fmt.media_type + ("; charset=utf-8" if fmt.name != "jsonld" else "")
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               "ETag": etags.make(store.version, stem)}
    if etags.fresh(request, headers["ETag"]):
        return etags.not_modified(headers)
    return Response(data, media_type=media, headers=headers)


def vendored(package: str, name: str) -> Response:
    """``/static/PACKAGE/NAME``: a file of an npm package of :data:`VENDORED`."""
    if package not in VENDORED or name not in VENDORED[package][1]:
        return PlainTextResponse("not found\n", status_code=404)
    folder, files = VENDORED[package]
    return static_file(folder(), files[name])


def static(name: str) -> Response:
    return static_file(HERE / "static", name)


def router() -> APIRouter:
    """The routes of :data:`PAGES`, entities, dumps and static files (one :class:`Site` per
    app, see :func:`site_of`)."""
    r = APIRouter(include_in_schema=False)
    for page in PAGES:
        r.add_api_route(page.path, page_handler(page), methods=["GET"])
        if page.rdf_files:
            r.add_api_route(page.path + ".{suffix}", page_file_handler(page), methods=["GET"])
    r.add_api_route("/network/{name}", network_file, methods=["GET"])
    r.add_api_route("/search/index.json", search_index, methods=["GET"])
    r.add_api_route("/id/{rest:path}", entity, methods=["GET"])
    r.add_api_route("/dumps/{name}", dump, methods=["GET"])
    r.add_api_route("/static/{package}/{name}", vendored, methods=["GET"])
    r.add_api_route("/static/{name}", static, methods=["GET"])
    return r


def site_of(request: Request) -> Site:
    """The app's :class:`Site` (templates and per-version caches), made on first use."""
    return per_app(request.app.state, "govgraph_pages", Site)


def missing(request: Request) -> Response:
    site = site_of(request)
    return site.missing(site.ctx(request), None)


def query_page(request: Request) -> HTMLResponse:
    """The query page (YASGUI, or a plain form when its assets are not installed); the SPARQL
    endpoint serves it too for ``Accept: text/html`` without a query."""
    site = site_of(request)
    ctx = site.ctx(request)
    examples = [{"name": q.name, "title": q.title, "description": q.description,
                 "sparql": q.sparql} for q in named_examples()]
    chosen = request.query_params.get("example")
    text = next((e["sparql"] for e in examples if e["name"] == chosen), default_query())
    return site.render(ctx, "query.html", yasgui=(yasgui_dir() / "yasgui.min.js").is_file(),
                       examples=examples, query=text, base_iri=ctx.iris.base_iri)


def dump_size(site: Site, store: Store, name: str) -> int | None:
    stem = name.removeprefix("govgraph.")
    data = site.cache.get(store, "dump:" + stem, lambda: linkeddata.dump_bytes(store, stem))
    return None if data is None else len(data)


def shape_triples() -> list[ox.Triple]:
    """The SHACL shapes as shipped (they are not part of the served dataset)."""
    out: list[ox.Triple] = []
    for path in resources.files("shapes", ".ttl"):
        out += [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return sorted(set(out), key=str)


def rdf_response(triples: Iterable[ox.Triple], fmt: Format, *, status: int = 200,
                 headers: dict[str, str] | None = None) -> Response:
    return Response(linkeddata.serialize(triples, fmt), status_code=status,
                    media_type=fmt.media_type, headers=headers)


def alternates(path: str) -> dict[str, str]:
    """``Vary`` and ``Link`` headers naming the URL of each format of a resource."""
    links = [f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
             for f in formats.pages()]
    links.append(f'<{path}>; rel="alternate"; type="text/html"')
    return {"Vary": "Accept", "Link": ", ".join(links)}


def negotiated(request: Request, path: str, suffix: Format | None,
               rdf: Callable[[], list[ox.Triple] | None],
               html: Callable[[], HTMLResponse | None],
               not_found: Callable[[Format | None], Response]) -> Response:
    """Serve one resource in the format of its suffix or of the Accept header."""
    headers = alternates(path)
    if suffix is None:
        chosen = conneg.negotiate(request.headers.get("accept"), OFFERED)
        if chosen is None:
            return PlainTextResponse(conneg.not_acceptable(OFFERED), status_code=406,
                                     headers=headers)
        suffix = formats.by_media_type(chosen, formats.GRAPH)
    if suffix is None:
        page = html()
        if page is None:
            return not_found(None)
        page.headers.update(headers)
        return page
    triples = rdf()
    if triples is None:
        return not_found(suffix)
    return rdf_response(triples, suffix, headers=headers)


def valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def split_suffix(path: str) -> tuple[str, Format | None]:
    """A path without its linked-data suffix (``.ttl``, ``.rdf``, ...), and that suffix's format."""
    stem, dot, ext = path.rpartition(".")
    fmt = formats.page_suffix(ext) if dot and "/" not in ext else None
    return (stem, fmt) if fmt else (path, None)


def static_file(base: Path, name: str, *, allowed: Iterable[str] | None = None) -> Response:
    """A file under ``base`` (no escaping it), 404 otherwise."""
    target = (base / name.replace("\0", "")).resolve()  # a NUL would make resolve() raise
    if "\0" in name or (allowed is not None and name not in allowed) or not target.is_relative_to(
            base.resolve()) or not target.is_file():
        return PlainTextResponse("not found\n", status_code=404)
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if media.startswith("text/") or media.endswith("javascript"):
        media += "; charset=utf-8"
    return Response(target.read_bytes(), media_type=media,
                    headers={"Cache-Control": "public, max-age=3600"})


def named_examples() -> list[queries.NamedQuery]:
    try:
        return list(queries.library().values())
    except queries.QueryError:
        return []


def default_query() -> str:
    wanted = ("gg", "org", "rdfs", "skos", "prov", "foaf", "dct", "ggid")
    prologue = "".join(line for line in sparql_prologue().splitlines(keepends=True)
                       if line.split()[1].rstrip(":") in wanted)
    return (prologue + "\nSELECT ?forum ?label WHERE {\n  ?forum a gg:Forum ; rdfs:label ?label .\n"
            "  FILTER(lang(?label) = \"en\")\n}\nORDER BY ?label\n")
