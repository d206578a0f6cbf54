"""Linked-data routes and server-rendered pages.

Every IRI under ``settings.base_iri`` (``https://w3id.org/govgraph/``) resolves on the service:
``/id/...`` (entities), ``/ontology`` (and its terms ``/ontology#Term``), ``/shapes``,
``/dataset`` and ``/.well-known/void``. One URL serves every representation: an HTML page for
``text/html``, the RDF description for Turtle, JSON-LD, N-Triples and RDF/XML. The RDF is served
directly with 200 at the IRI itself (no 303 redirect): these are information resources about the
things, the description is small, and one round trip suits SPARQL clients and browsers alike;
``Vary: Accept`` keeps caches honest and ``Link: <...ttl>; rel="alternate"`` headers (and the
``.ttl``/``.jsonld``/``.nt``/``.rdf`` suffixes) name each format's own URL. Unknown IRIs are 404:
an HTML page, or an empty graph in the RDF format asked for.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from govgraph import __version__, conneg, linkeddata, queries, resources
from govgraph.binding import Term
from govgraph.config import Settings
from govgraph.linkeddata import RDF_FORMATS, Graph, IriMap, Labels, VersionCache
from govgraph.namespaces import PREFIXES, compact, sparql_prologue
from govgraph.store import Store

HERE = Path(__file__).resolve().parent
HTML = "text/html"
OFFERED = (HTML, *(media for media, _ in RDF_FORMATS.values()))
SUFFIX_OF = {media: suffix for suffix, (media, _) in RDF_FORMATS.items()}
LANGS = ("it", "en")
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")


def _p(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def yasgui_dir() -> Path:
    """Where the npm package's built assets are (``make web`` installs them)."""
    return resources.root() / "web" / "node_modules" / "@zazuko" / "yasgui" / "build"


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


@dataclass(frozen=True)
class Link:
    iri: str
    label: str
    href: str
    local: bool


@dataclass
class Value:
    link: Link | None = None
    text: str = ""
    lang: str = ""
    datatype: str = ""


@dataclass
class Statement:
    """A representation, membership, coordination, mandate, … with its evidence."""

    link: Link
    kind: Link | None
    fields: list[tuple[str, list[Value]]] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


class Site:
    """Templates, caches and the view models of the pages of one app."""

    #: Properties shown elsewhere on a page, not in the generic list of statements.
    HIDDEN: ClassVar[frozenset[str]] = frozenset(_p(c) for c in (
        "rdf:type", "rdfs:label", "skos:prefLabel", "adms:identifier", "prov:wasDerivedFrom",
        "gg:evidence"))

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
        return Context(self, store, IriMap(settings.base_iri), language(request),
                       self.labels(store), request.url.path)

    def missing(self, ctx: Context, suffix: str | None) -> Response:
        """404: an empty graph in the RDF format asked for, else an HTML page."""
        if suffix is not None:
            return rdf_response([], suffix, status=404)
        return self.render(ctx, "404.html", status=404, iri=ctx.iris.iri(ctx.path))

    def render(self, ctx: Context, template: str, status: int = 200,
               headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(
            t=ctx.t, lang=ctx.lang, path=ctx.path, version=__version__,
            formats=[(s, m) for s, (m, _) in RDF_FORMATS.items()], **values)
        return HTMLResponse(html, status_code=status, headers=headers)


@dataclass
class Context:
    site: Site
    store: Store
    iris: IriMap
    lang: str
    labels: Labels
    path: str

    def t(self, key: str) -> str:
        return self.site.text.get(key, {}).get(self.lang, key)

    def link(self, iri: str) -> Link:
        label = self.labels.get(iri, self.lang) or compact(iri)
        local = self.iris.path(iri)
        return Link(iri, label, local or iri, local is not None)

    def value(self, term: Term) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(link=self.link(term.value))
        if isinstance(term, ox.Literal):
            dtype = "" if term.language or term.datatype.value.endswith("#string") \
                else compact(term.datatype.value)
            return Value(text=term.value, lang=term.language or "", datatype=dtype)
        return Value(text=str(term))

    def values(self, g: Graph, s: str, p: str) -> list[Value]:
        objects = g.objects(s, p)
        literals = [o for o in objects if isinstance(o, ox.Literal)]
        chosen = linkeddata.pick(literals, self.lang) if literals else []
        return [self.value(o) for o in objects if not isinstance(o, ox.Literal)] + \
            [self.value(o) for o in chosen]

    def statement(self, g: Graph, st: str) -> Statement:
        kinds = [self.link(t) for t in g.types(st)]
        out = Statement(self.link(st), kinds[0] if kinds else None)
        for p in sorted(g.out.get(st, {}), key=lambda p: self.link(p).label.lower()):
            if p not in Site.HIDDEN and p != _p("skos:editorialNote"):
                out.fields.append((self.link(p).label, self.values(g, st, p)))
        out.sources = [self.link(s) for s in g.iris(st, _p("prov:wasDerivedFrom"))]
        for q in g.iris(st, _p("gg:evidence")):
            out.quotes += [v.value for v in g.objects(q, _p("prov:value"))
                           if isinstance(v, ox.Literal)]
        return out




def router() -> APIRouter:
    """The linked-data routes and pages (one :class:`Site` per app, see :func:`site_of`)."""
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    def home(request: Request) -> Response:
        site = site_of(request)
        ctx = site.ctx(request)
        counts = site.cache.get(ctx.store, "counts", lambda: class_counts(ctx.store))
        forums = sorted((ctx.link(f) for f in counts.get("forums", [])),
                        key=lambda link: link.label.lower())
        return site.render(ctx, "home.html", counts=counts["numbers"], forums=forums,
                           dumps=list(linkeddata.DUMP_TYPES))

    @r.get("/id/{rest:path}")
    def entity(request: Request, rest: str) -> Response:
        site = site_of(request)
        ctx = site.ctx(request)
        stem, suffix = split_suffix(rest)
        path = "/id/" + stem
        iri = ctx.iris.iri(path)
        found = valid_iri(iri) and linkeddata.exists(ctx.store, iri)
        return negotiated(
            request, path, suffix,
            rdf=lambda: linkeddata.describe(ctx.store, iri) if found else None,
            html=lambda: site.render(ctx, "entity.html", **entity_view(ctx, iri))
            if found else None,
            not_found=lambda s: site.missing(ctx, s))

    def ontology(request: Request, suffix: str | None) -> Response:
        site = site_of(request)
        ctx = site.ctx(request)
        onto = ctx.iris.iri("/ontology")
        triples = linkeddata.ontology_triples(ctx.store, onto)
        return negotiated(
            request, "/ontology", suffix, rdf=lambda: triples or None,
            html=lambda: site.render(ctx, "ontology.html", **ontology_view(ctx, onto))
            if triples else None,
            not_found=lambda s: site.missing(ctx, s))

    def shapes(request: Request, suffix: str | None) -> Response:
        site = site_of(request)
        ctx = site.ctx(request)
        triples = site.cache.get(ctx.store, "shapes", shape_triples)
        return negotiated(
            request, "/shapes", suffix, rdf=lambda: triples,
            html=lambda: site.render(ctx, "shapes.html", **shapes_view(ctx, triples)),
            not_found=lambda s: site.missing(ctx, s))

    def dataset(request: Request, suffix: str | None, path: str = "/dataset") -> Response:
        site = site_of(request)
        ctx = site.ctx(request)
        triples = site.cache.get(ctx.store, "void", lambda: linkeddata.dataset_description(
            ctx.store, ctx.iris.base_iri, lambda name: dump_size(site, ctx.store, name)))
        return negotiated(
            request, path, suffix, rdf=lambda: triples,
            html=lambda: site.render(ctx, "dataset.html", triples=described(ctx, triples),
                                     iri=linkeddata.dataset_iri(ctx.iris.base_iri)),
            not_found=lambda s: site.missing(ctx, s))

    @r.get("/ontology")
    def ontology_page(request: Request) -> Response:
        return ontology(request, None)

    @r.get("/ontology.{suffix}")
    def ontology_file(request: Request, suffix: str) -> Response:
        return ontology(request, suffix) if suffix in RDF_FORMATS else \
            missing(request)

    @r.get("/shapes")
    def shapes_page(request: Request) -> Response:
        return shapes(request, None)

    @r.get("/shapes.{suffix}")
    def shapes_file(request: Request, suffix: str) -> Response:
        return shapes(request, suffix) if suffix in RDF_FORMATS else \
            missing(request)

    @r.get("/dataset")
    def dataset_page(request: Request) -> Response:
        return dataset(request, None)

    @r.get("/dataset.{suffix}")
    def dataset_file(request: Request, suffix: str) -> Response:
        return dataset(request, suffix) if suffix in RDF_FORMATS else \
            missing(request)

    @r.get("/.well-known/void")
    def void(request: Request) -> Response:
        return dataset(request, None, "/.well-known/void")

    @r.get("/dumps/{name}")
    def dumps(request: Request, name: str) -> Response:
        stem = name.removeprefix("govgraph.")
        data = site_of(request).cache.get(request.app.state.store, "dump:" + stem,
                              lambda: linkeddata.dump_bytes(request.app.state.store, stem))
        if not name.startswith("govgraph.") or data is None:
            return PlainTextResponse("no such dump; see /dataset\n", status_code=404)
        media = "application/gzip" if stem.endswith(".gz") else \
            linkeddata.DUMP_TYPES[stem] + ("; charset=utf-8" if stem != "jsonld" else "")
        return Response(data, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": f'"{request.app.state.store.version}-{stem}"'})

    @r.get("/query")
    def query(request: Request) -> Response:
        return query_page(request)

    @r.get("/static/yasgui/{name}")
    def yasgui(name: str) -> Response:
        return static_file(yasgui_dir(), name, allowed=YASGUI_FILES)

    @r.get("/static/{name}")
    def static(name: str) -> Response:
        return static_file(HERE / "static", name)

    return r


def site_of(request: Request) -> Site:
    """The app's :class:`Site` (templates and per-version caches), made on first use."""
    site = getattr(request.app.state, "govgraph_pages", None)
    if not isinstance(site, Site):
        site = Site()
        request.app.state.govgraph_pages = site
    return site


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


_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class VALUES ?class {
  gg:Forum gg:Body gg:BodyGroup foaf:Person gg:Representation org:Membership gg:Coordination
  gg:Mandate gg:SourceDocument gg:Quote } } GROUP BY ?class"""
_FORUMS = "SELECT DISTINCT ?f WHERE { ?f a gg:Forum }"


def class_counts(store: Store) -> dict[str, Any]:
    numbers: list[tuple[str, int]] = []
    result = store.query(_CLASS_COUNTS)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        cls, n = row["class"], row["n"]
        if isinstance(cls, ox.NamedNode) and isinstance(n, ox.Literal):
            numbers.append((cls.value, int(n.value)))
    numbers.append((_p("rdf:Statement"), len(store)))
    forums = store.query(_FORUMS)
    assert isinstance(forums, ox.QuerySolutions)
    return {"numbers": sorted(numbers), "forums": [
        row["f"].value for row in forums if isinstance(row["f"], ox.NamedNode)]}


def described(ctx: Context, triples: list[ox.Triple]) -> list[tuple[Value, Value, Value]]:
    return [(ctx.value(t.subject), ctx.value(t.predicate), ctx.value(t.object))
            for t in triples if not isinstance(t.subject, ox.Triple | ox.BlankNode)
            and not isinstance(t.object, ox.Triple)]


# --- view models --------------------------------------------------------------------------------

IDENTIFIER_LINKS = {
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "ipa-code": "https://www.indicepa.gov.it/ipa-portale/consultazione/indirizzo-sede/"
                "ricerca-ente?codiceIpa={}",
    "istat-municipality": "https://www.istat.it/classificazione/"
                          "codici-dei-comuni-delle-province-e-delle-regioni/",
    "istat-province": "https://www.istat.it/classificazione/"
                      "codici-dei-comuni-delle-province-e-delle-regioni/",
    "istat-region": "https://www.istat.it/classificazione/"
                    "codici-dei-comuni-delle-province-e-delle-regioni/",
}


def entity_view(ctx: Context, iri: str) -> dict[str, Any]:
    g = linkeddata.neighbourhood(ctx.store, iri)
    seats = linkeddata.seats(g)
    me = ctx.statement(g, iri)
    names = sorted({(o.value, o.language or "") for p in ("skos:prefLabel", "rdfs:label",
                    "skos:altLabel") for o in g.objects(iri, _p(p)) if isinstance(o, ox.Literal)})
    seat_nodes = {s.node for s in seats}
    around = [ctx.statement(g, s) for s in g.out if s != iri and
              g.has_type(s, *linkeddata.STATEMENT_TYPES) and s not in seat_nodes]
    incoming = [(ctx.link(p).label, [ctx.link(s) for s in subjects])
                for p, subjects in sorted(g.inc.get(iri, {}).items())
                if not any(s in seat_nodes for s in subjects)]
    view: dict[str, Any] = {
        "iri": iri, "title": ctx.link(iri).label, "names": names, "me": me,
        "types": [ctx.link(t) for t in g.types(iri)],
        "identifiers": identifiers(ctx, g, iri), "around": around, "incoming": incoming,
        "seats": [seat_view(ctx, s) for s in seats], "kind": "entity",
    }
    if g.has_type(iri, "gg:Forum"):
        view["kind"] = "forum"
        view["diagram"] = diagram(ctx, g, iri, [s for s in seats if s.forum == iri])
    elif g.has_type(iri, "foaf:Person"):
        view["kind"] = "person"
    elif g.has_type(iri, "gg:Body", "gg:BodyGroup", "org:Organization",
                    "org:OrganizationalUnit", "org:Post"):
        view["kind"] = "body"
        by_forum: dict[str, list[dict[str, Any]]] = {}
        for s in seats:
            if s.forum and (s.agent == iri or iri in s.principals):
                by_forum.setdefault(s.forum, []).append(seat_view(ctx, s))
        view["participation"] = [(ctx.link(f), rows) for f, rows in sorted(by_forum.items())]
    return view


def seat_view(ctx: Context, s: linkeddata.Seat) -> dict[str, Any]:
    return {"node": ctx.link(s.node), "kind": s.kind,
            "forum": ctx.link(s.forum) if s.forum else None,
            "agent": ctx.link(s.agent) if s.agent else None,
            "role": ctx.link(s.role) if s.role else None,
            "principals": [ctx.link(p) for p in s.principals],
            "sources": [ctx.link(x) for x in s.sources], "quotes": s.quotes, "dates": s.dates}


def identifiers(ctx: Context, g: Graph, iri: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for ident in g.iris(iri, _p("adms:identifier")):
        notation = next((o.value for o in g.objects(ident, _p("skos:notation"))), "")
        scheme = next(iter(g.iris(ident, _p("dct:type"))), "")
        template = IDENTIFIER_LINKS.get(scheme.rsplit("/", 1)[-1])
        out.append({"link": ctx.link(ident), "notation": notation,
                    "scheme": ctx.link(scheme) if scheme else None,
                    "external": template.format(notation) if template else None})
    for p in ("skos:exactMatch", "skos:closeMatch", "owl:sameAs"):
        for target in g.iris(iri, _p(p)):
            out.append({"link": ctx.link(target), "notation": compact(target),
                        "scheme": ctx.link(_p(p)), "external": target})
    return out


def diagram(ctx: Context, g: Graph, forum: str, seats: list[linkeddata.Seat]) -> dict[str, Any]:
    """Layout of the forum's composition: bodies → representatives → forum, with its parts,
    coordinator and secretariat. Boxes and edges; the template draws them as SVG."""
    row, width, col = 46, 1000, (10, 370, 700)
    agents: list[str] = []
    bodies: list[str] = []
    edges: list[tuple[str, str, str]] = []
    for s in seats:
        if s.kind == "coordination" or s.role == linkeddata.SECRETARIAT_ROLE or not s.agent:
            continue
        if s.kind == "representation":
            agents += [s.agent] if s.agent not in agents else []
            for p in s.principals:
                bodies += [p] if p not in bodies else []
                edges.append((p, s.agent, "represents"))
            edges.append((s.agent, forum, "coordinator" if s.role ==
                          linkeddata.COORDINATOR_ROLE else "seat"))
        else:
            bodies += [s.agent] if s.agent not in bodies else []
            edges.append((s.agent, forum, "member"))
    side = [(forum, "forum", "")]
    side += [(f, "part", ctx.t("part_of")) for f in g.iris(forum, _p("gg:partOfForum"))]
    side += [(f, "part", ctx.t("parts")) for f in g.subjects(_p("gg:partOfForum"), forum)]
    side += [(s.agent, "coordinator", ctx.t("coordinator")) for s in seats
             if s.kind == "coordination" and s.agent]
    side += [(s.agent, "secretariat", ctx.t("secretariat")) for s in seats
             if s.role == linkeddata.SECRETARIAT_ROLE and s.agent]
    boxes: dict[str, dict[str, Any]] = {}

    def box(iri: str, x: int, y: int, w: int, cls: str, note: str = "") -> None:
        link = ctx.link(iri)
        short = link.label if len(link.label) <= 44 else link.label[:42] + "…"
        boxes.setdefault(iri, {"x": x, "y": y, "w": w, "h": 34, "cls": cls, "note": note,
                               "label": short, "full": link.label, "href": link.href})

    top = 40
    for i, b in enumerate(bodies):
        box(b, col[0], top + i * row, 330, "body")
    for i, a in enumerate(agents):
        box(a, col[1], top + i * row, 290, "agent")
    extra: list[dict[str, Any]] = []
    for i, (iri, cls, note) in enumerate(side):
        y = top + i * row + (20 if i else 0)
        if iri in boxes:
            extra.append({"x": col[2], "y": y, "w": 290, "h": 34, "cls": cls, "note": note,
                          "label": boxes[iri]["label"], "full": boxes[iri]["full"],
                          "href": boxes[iri]["href"]})
        else:
            box(iri, col[2], y, 290, cls, note)
    lines = []
    for a, b, cls in edges:
        if a in boxes and b in boxes:
            start, end = boxes[a], boxes[b]
            lines.append({"x1": start["x"] + start["w"], "y1": start["y"] + 17,
                          "x2": end["x"], "y2": end["y"] + 17, "cls": cls})
    height = top + row * max(len(bodies), len(agents), len(side)) + 40
    return {"boxes": [*boxes.values(), *extra], "lines": lines, "width": width,
            "height": height, "heads": [(col[0], ctx.t("principals")), (col[1], ctx.t("agent")),
                                        (col[2], ctx.t("forum"))]}


def ontology_view(ctx: Context, onto: str) -> dict[str, Any]:
    g = linkeddata.ontology_terms(ctx.store, onto)
    classes: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    for term in sorted(g.out):
        entry = {
            "id": term.rpartition("#")[2], "link": ctx.link(term), "curie": compact(term),
            "types": [ctx.link(t) for t in g.types(term)],
            "labels": sorted({(o.value, o.language or "") for o in
                              g.objects(term, _p("rdfs:label")) if isinstance(o, ox.Literal)}),
            "definition": [v.text for v in ctx.values(g, term, _p("skos:definition"))],
            "notes": [v.text for v in ctx.values(g, term, _p("skos:scopeNote"))],
            "examples": [v.text for v in ctx.values(g, term, _p("skos:example"))],
            "axioms": [(ctx.link(p).label, ctx.values(g, term, p)) for p in sorted(g.out[term])
                       if p in ALIGNMENT_PROPS],
            "aligned_from": [(ctx.link(p).label, [ctx.link(s) for s in subjects])
                             for p, subjects in sorted(g.inc.get(term, {}).items())
                             if p in ALIGNMENT_PROPS],
        }
        is_class = g.has_type(term, "owl:Class", "rdfs:Class", "rdfs:Datatype")
        (classes if is_class else properties).append(entry)
    return {"iri": onto, "title": ctx.link(onto).label, "classes": classes,
            "properties": properties}


ALIGNMENT_PROPS = {_p(c) for c in (
    "rdfs:subClassOf", "rdfs:subPropertyOf", "rdfs:domain", "rdfs:range", "owl:inverseOf",
    "owl:equivalentClass", "owl:equivalentProperty", "skos:exactMatch", "skos:closeMatch",
    "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch")}


def shapes_view(ctx: Context, triples: list[ox.Triple]) -> dict[str, Any]:
    g = Graph(triples)
    shapes = []
    for node in sorted(g.out):
        if g.has_type(node, "sh:NodeShape"):
            shapes.append({"id": node.rpartition("#")[2], "link": ctx.link(node),
                           "targets": [ctx.link(t) for t in g.iris(node, _p("sh:targetClass"))],
                           "text": [v.text for v in ctx.values(g, node, _p("rdfs:comment"))]})
    return {"shapes": shapes}


def rdf_response(triples: Iterable[ox.Triple], suffix: str, *, status: int = 200,
                 headers: dict[str, str] | None = None) -> Response:
    media = RDF_FORMATS[suffix][0]
    return Response(linkeddata.serialize(triples, suffix), status_code=status,
                    media_type=media, headers=headers)


def alternates(path: str) -> dict[str, str]:
    """``Vary`` and ``Link`` headers naming the URL of each format of a resource."""
    links = [f'<{path}.{s}>; rel="alternate"; type="{m}"' for s, (m, _) in RDF_FORMATS.items()]
    links.append(f'<{path}>; rel="alternate"; type="text/html"')
    return {"Vary": "Accept", "Link": ", ".join(links)}


def negotiated(request: Request, path: str, suffix: str | None,
               rdf: Callable[[], list[ox.Triple] | None],
               html: Callable[[], HTMLResponse | None],
               not_found: Callable[[str | None], Response]) -> Response:
    """Serve one resource in the format of its suffix or of the Accept header."""
    headers = alternates(path)
    if suffix is None:
        chosen = conneg.negotiate(request.headers.get("accept"), OFFERED)
        if chosen is None:
            return PlainTextResponse(conneg.not_acceptable(OFFERED), status_code=406,
                                     headers=headers)
        suffix = SUFFIX_OF.get(chosen)
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


def split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in RDF_FORMATS and "/" not in ext:
        return stem, ext
    return path, None


def static_file(base: Path, name: str, *, allowed: Iterable[str] | None = None) -> Response:
    """A file under ``base`` (no escaping it), 404 otherwise."""
    target = (base / name).resolve()
    if (allowed is not None and name not in allowed) or not target.is_relative_to(
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



# --- the static site ----------------------------------------------------------------------------

async def _get(app: Any, path: str, accept: str) -> tuple[int, bytes]:
    """One GET through the ASGI app, without a server or an HTTP client."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"accept", accept.encode()), (b"host", b"site")],
             "client": ("127.0.0.1", 0), "server": ("site", 80)}
    status, body = 500, bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body)


def build_site(app: Any, store: Store, out: Path, base_iri: str) -> list[Path]:
    """Write the pages (``index.html`` under each path), the RDF of every entity, the dumps,
    the dataset metadata and the ontology docs under ``out``; returns the files written."""
    import asyncio

    targets: list[tuple[str, str, str]] = [
        ("/", HTML, "index.html"), ("/query", HTML, "query/index.html"),
        ("/ontology", HTML, "ontology/index.html"), ("/shapes", HTML, "shapes/index.html"),
        ("/dataset", HTML, "dataset/index.html"), ("/.well-known/void", "text/turtle",
                                                    ".well-known/void"),
        *((f"/static/{p.name}", "*/*", f"static/{p.name}") for p in (HERE / "static").iterdir()),
        *((f"/dumps/govgraph.{n}{gz}", "*/*", f"dumps/govgraph.{n}{gz}")
          for n in linkeddata.DUMP_TYPES for gz in ("", ".gz")),
    ]
    for stem in ("/ontology", "/shapes", "/dataset"):
        targets += [(f"{stem}.{s}", "*/*", f"{stem[1:]}.{s}") for s in RDF_FORMATS]
    iris = IriMap(base_iri)
    for iri in linkeddata.entities(store, base_iri + "id/"):
        path = iris.path(iri)
        if path is None or "." in path or ".." in path.split("/"):
            continue
        targets.append((path, HTML, path[1:] + "/index.html"))
        targets += [(f"{path}.{s}", "*/*", f"{path[1:]}.{s}") for s in RDF_FORMATS]

    async def fetch_all() -> list[Path]:
        written: list[Path] = []
        for path, accept, name in targets:
            status, body = await _get(app, path, accept)
            if status == 200:
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
                written.append(target)
        return written

    return asyncio.run(fetch_all())
