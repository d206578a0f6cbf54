"""View models of the pages: what a template shows of an entity, the ontology, the shapes,
the dataset description and the home page, built from the store through
:mod:`govgraph.web.linkeddata`. :mod:`govgraph.web.pages` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govgraph.authoring import quotes
from govgraph.querying import queries
from govgraph.querying.binding import Term
from govgraph.rdf.namespaces import PREFIXES, compact
from govgraph.rdf.store import Store
from govgraph.web import linkeddata
from govgraph.web.linkeddata import Graph, IriMap, Labels


def _p(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


#: Properties shown elsewhere on a page, not in the generic list of statements.
HIDDEN = frozenset(_p(c) for c in (
    "rdf:type", "rdfs:label", "skos:prefLabel", "adms:identifier", "prov:wasDerivedFrom",
    "gg:evidence"))


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


@dataclass
class Context:
    #: Interface strings by key and language.
    text: dict[str, dict[str, str]]
    store: Store
    iris: IriMap
    lang: str
    labels: Labels
    path: str

    def t(self, key: str) -> str:
        return self.text.get(key, {}).get(self.lang, key)

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
            if p not in HIDDEN and p != _p("skos:editorialNote"):
                out.fields.append((self.link(p).label, self.values(g, st, p)))
        out.sources = [self.link(s) for s in g.iris(st, _p("prov:wasDerivedFrom"))]
        for q in g.iris(st, _p("gg:evidence")):
            out.quotes += [v.value for v in g.objects(q, _p("prov:value"))
                           if isinstance(v, ox.Literal)]
        return out


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
    if g.has_type(iri, "gg:VoteEvent"):
        view["votes"] = select_rows(ctx, _VOTES, iri)
        view["counts"] = select_rows(ctx, _COUNTS, iri)
    if g.has_type(iri, "gg:Forum"):
        view["kind"] = "forum"
        view["diagram"] = diagram(ctx, g, iri, [s for s in seats if s.forum == iri])
        view["officers"] = named_rows(ctx, "office-holders", forum=iri)
        view["terms"] = select_rows(ctx, _TERMS, iri)
    elif g.has_type(iri, "gg:SourceDocument"):
        view["source_text"] = source_text_view(ctx, iri)
    elif g.has_type(iri, "foaf:Person"):
        view["kind"] = "person"
        view["offices"] = named_rows(ctx, "office-holders", person=iri)
    elif g.has_type(iri, "gg:Body", "gg:BodyGroup", "org:Organization",
                    "org:OrganizationalUnit", "org:Post"):
        view["kind"] = "body"
        by_forum: dict[str, list[dict[str, Any]]] = {}
        for s in seats:
            if s.forum and (s.agent == iri or iri in s.principals):
                by_forum.setdefault(s.forum, []).append(seat_view(ctx, s))
        view["participation"] = [(ctx.link(f), rows) for f, rows in sorted(by_forum.items())]
    return view


def _cells(ctx: Context, names: list[str], solution: ox.QuerySolution) -> dict[str, Value]:
    """One result row as Values; an IRI takes the label the query gives next to it (?xLabel)."""
    row: dict[str, Value] = {}
    for name in names:
        term = solution[name]
        if term is None:
            continue
        label = solution[name + "Label"] if name + "Label" in names else None
        if isinstance(term, ox.NamedNode) and isinstance(label, ox.Literal):
            local = ctx.iris.path(term.value)
            row[name] = Value(link=Link(term.value, label.value, local or term.value,
                                        local is not None))
        else:
            row[name] = ctx.value(term)
    return row


def named_rows(ctx: Context, name: str, **params: str) -> list[dict[str, Value]]:
    """The rows of a named query of queries/ (the same answer as /api/queries/NAME)."""
    result = queries.run_named_query(ctx.store, queries.get(name), params)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [_cells(ctx, names, s) for s in result]


#: Small look-ups of one node's facts for its page ($node is the page's IRI).
_VOTES = """SELECT ?vote ?voter ?voterLabel ?option ?optionLabel WHERE {
  ?vote gg:voteEvent $node ; gg:voter ?voter ; gg:voteOption ?option .
  OPTIONAL { ?voter foaf:name|rdfs:label ?voterLabel
             FILTER(LANGMATCHES(LANG(?voterLabel), "it") || LANG(?voterLabel) = "") }
  OPTIONAL { ?option skos:prefLabel ?optionLabel FILTER(LANGMATCHES(LANG(?optionLabel), "it")) }
} ORDER BY ?option ?voterLabel"""
_COUNTS = """SELECT ?figure ?measure ?measureLabel ?quantity ?unit ?candidate ?candidateLabel
       ?weighted
WHERE {
  ?figure gg:figureOf $node ; gg:measure ?measure ; gg:quantity ?quantity .
  OPTIONAL { ?figure gg:unit/skos:notation ?unit }
  OPTIONAL { ?measure skos:prefLabel ?measureLabel FILTER(LANGMATCHES(LANG(?measureLabel), "it")) }
  OPTIONAL { ?figure gg:candidate ?candidate
             OPTIONAL { ?candidate foaf:name|rdfs:label ?candidateLabel
                        FILTER(LANGMATCHES(LANG(?candidateLabel), "it")
                               || LANG(?candidateLabel) = "") } }
  OPTIONAL { ?figure gg:weighted ?weighted }
} ORDER BY ?measure DESC(?quantity)"""
_TERMS = """SELECT ?term ?duration ?role ?roleLabel WHERE {
  ?term gg:termOf $node ; gg:termDuration ?duration .
  OPTIONAL { ?term gg:termRole ?role
             OPTIONAL { ?role skos:prefLabel ?roleLabel
                        FILTER(LANGMATCHES(LANG(?roleLabel), "it")) } }
}"""


def select_rows(ctx: Context, select: str, node: str) -> list[dict[str, Value]]:
    result = ctx.store.query(select, substitutions={"node": ox.NamedNode(node)})
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    seen: dict[str, dict[str, Value]] = {}
    for s in result:  # one row per first column (several labels make several solutions)
        key = str(s[names[0]])
        seen.setdefault(key, _cells(ctx, names, s))
    return list(seen.values())


def source_text_view(ctx: Context, iri: str) -> dict[str, Any] | None:
    """The source's text file (link, digest) and where each of its quotes sits in it."""
    text_of, placed = quotes.placed(ctx.store, iri)
    if text_of is None:
        return None
    url = text_of.url
    return {"link": ctx.link(text_of.distribution), "href": ctx.iris.href(url) if url else None,
            "sha256": text_of.sha256, "quotes": [
                {"link": ctx.link(p.iri), "span": str(p.span), "before": p.before,
                 "value": p.value, "after": p.after, "matches": p.matches} for p in placed]}


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
