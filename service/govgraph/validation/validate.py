"""Validate data against the SHACL shapes: pyshacl (the reference) or the fast engine.

:func:`validate` loads the files (errors: :class:`govgraph.rdf.sources.InputError`), runs the shapes
over the union of all their graphs, and returns a :class:`Report` whose results name the focus
node, its label, the path, the value, the shape, the message in Italian and English, and the file
and line where the focus node is written.

Engines (``engine=``): ``pyshacl``; ``fast`` (:mod:`govgraph.validation.fastshacl`, shapes compiled
to SPARQL on the embedded store; shapes it cannot compile run through pyshacl on their focus nodes'
neighbourhood); ``auto``: ``fast`` from :data:`AUTO_THRESHOLD` quads on, else ``pyshacl``.
With ``changed`` files only the results on the focus nodes of the change are reported
(:mod:`govgraph.validation.incremental`): pyshacl checks just their neighbourhood, the fast engine
runs its queries on the whole dataset restricted to those nodes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS

from govgraph.authoring import quotes
from govgraph.progress import Progress
from govgraph.rdf import resources
from govgraph.rdf.namespaces import compact
from govgraph.rdf.sources import InputError, SourceFile
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.validation import fastshacl, incremental
from govgraph.validation.fastshacl import Hit
from govgraph.validation.locations import locate

SEVERITIES = ("Violation", "Warning", "Info")
ENGINES = ("auto", "pyshacl", "fast")
#: ``--engine auto`` uses the fast engine from this many quads on (pyshacl below).
AUTO_THRESHOLD = 10_000
_LABELS = (str(SKOS.prefLabel), str(RDFS.label), str(FOAF.name), str(DCTERMS.title))


@dataclass(frozen=True)
class Result:
    focus: str
    severity: str
    shape: str
    constraint: str
    messages: dict[str, str]
    path: str | None = None
    value: str | None = None
    focus_label: str | None = None
    file: str | None = None
    line: int | None = None

    def message(self, lang: str) -> str:
        for key in (lang, "en", "it", ""):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "(no message)")


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    engine: str = "pyshacl"
    fallback: list[str] = field(default_factory=list)  # shapes the fast engine left to pyshacl
    checked: int = 0  # the focus nodes checked (all the shapes target, or those of a change)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    def exit_code(self, *, strict: bool = False) -> int:
        """0 valid, 1 violations (or, with ``strict``, warnings)."""
        failing = self.count("Violation") + (self.count("Warning") if strict else 0)
        return 1 if failing else 0


def shapes_graph(extra: Sequence[Path] = ()) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in [*resources.files("shapes", ".ttl"), *extra]:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:
            raise InputError(path, f"cannot read the shapes: {exc}") from exc
    return graph


def to_rdflib(store: OxigraphStore, focus: Collection[str] | None = None) -> rdflib.Graph:
    """The union of all graphs as one rdflib graph, or (``focus``) the focus nodes'
    neighbourhood: the statements of every node one link away from a focus node, either way,
    the statements pointing at the focus nodes, and the whole class hierarchy."""
    if focus is None:
        sparql = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    else:
        nodes = " ".join(f"<{f}>" for f in sorted(focus))
        # each branch binds ?s itself: a BIND(?f AS ?s) in a group of its own would not see
        # ?f, leave ?s unbound and join every statement of the store
        sparql = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ {{ SELECT DISTINCT ?s WHERE {{ "
                  f"{{ VALUES ?s {{ {nodes} }} }} UNION {{ VALUES ?f {{ {nodes} }} ?f ?_p ?s }} "
                  f"UNION {{ VALUES ?f {{ {nodes} }} ?s ?_p ?f }} }} }} ?s ?p ?o }} UNION "
                  "{ ?s rdfs:subClassOf ?o BIND(rdfs:subClassOf AS ?p) } }")
    triples = store.query(sparql)
    assert isinstance(triples, ox.QueryTriples)
    graph = rdflib.Graph()
    graph.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _term(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return str(node)
    if isinstance(node, rdflib.Literal):
        return fastshacl.sparql_term(node)
    return node.n3()


def pyshacl_hits(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Hit]:
    import pyshacl  # here: importing it takes 0.4 s, a third of a one-file check with the cache

    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        abort_on_first=False)
    hits = []
    for node in results.subjects(RDF.type, SH.ValidationResult):
        def one(pred: rdflib.URIRef, node: rdflib.term.Node = node) -> str | None:
            return _term(results.value(node, pred))
        path = results.value(node, SH.resultPath)
        hits.append(Hit(
            focus=str(one(SH.focusNode)), shape=str(one(SH.sourceShape)),
            component=str(one(SH.sourceConstraintComponent)),
            severity=str(one(SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1],
            path=None if path is None else (str(path) if isinstance(path, rdflib.URIRef)
                                            else path.n3()),
            value=one(SH.value), constraint=one(SH.sourceConstraint)))
    return hits


def _retarget(shapes: rdflib.Graph, targets: dict[rdflib.term.Node, set[str]]) -> rdflib.Graph:
    """The shapes with every target removed, then ``targets`` as sh:targetNode."""
    out = rdflib.Graph()
    for triple in shapes:
        if triple[1] not in fastshacl.TARGETS and not (
                triple[1] == RDF.type and triple[2] == rdflib.RDFS.Class):
            out.add(triple)
    for shape, nodes in targets.items():
        for node in nodes:
            out.add((shape, SH.targetNode, rdflib.URIRef(node)))
    return out


def reference_hits(store: OxigraphStore, shapes: rdflib.Graph, *,
                   roots: Collection[rdflib.term.Node] | None = None,
                   focus: Collection[str] | None = None) -> list[Hit]:
    """pyshacl on everything, or on the shapes ``roots`` / the nodes ``focus`` only."""
    if roots is None and focus is None:
        return pyshacl_hits(to_rdflib(store), shapes)
    compiler = fastshacl.Compiler(shapes, store)
    targets: dict[rdflib.term.Node, set[str]] = {}
    blank = False
    for shape in roots if roots is not None else fastshacl.top_level_shapes(shapes):
        pattern = compiler.focus_pattern(shape)
        rows = fastshacl.select(
            store, fastshacl.restrict(f"SELECT ?this WHERE {{ {pattern} }}", focus))
        found = [fastshacl.term(r["this"]) for r in rows]
        targets[shape] = {f for f in found if f is not None and not f.startswith("_:")}
        blank = blank or len(targets[shape]) < len(found)
    if blank:  # blank focus nodes cannot be named in a query: keep the shapes' own targets
        keep = {t for t in shapes if t[0] in targets and (
            t[1] in fastshacl.TARGETS or t[1:] == (RDF.type, rdflib.RDFS.Class))}
        narrowed = _retarget(shapes, {})
        for triple in keep:
            narrowed.add(triple)
        return pyshacl_hits(to_rdflib(store), narrowed)
    nodes = set().union(*targets.values())
    if not nodes:
        return []
    return pyshacl_hits(to_rdflib(store, nodes), _retarget(shapes, targets))


def check(store: OxigraphStore, shapes: rdflib.Graph, engine: str,
          focus: Collection[str] | None = None) -> tuple[list[Hit], list[str]]:
    """The results of ``engine`` ("pyshacl" or "fast") and the shapes left to pyshacl."""
    if engine == "pyshacl":
        return reference_hits(store, shapes, focus=focus), []
    about = None if focus is None else fastshacl.about(store, focus)
    plan = fastshacl.compile_shapes(shapes, store, focus=about)
    hits = fastshacl.run(store, plan, about)
    if plan.fallback:
        hits += reference_hits(store, shapes, roots=plan.fallback, focus=focus)
    return hits, [str(s) for s in plan.fallback]


def choose(engine: str, size: int) -> str:
    if engine == "auto":
        return "fast" if size >= AUTO_THRESHOLD else "pyshacl"
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    return engine


def validate(
    sources: Sequence[SourceFile], *, extra_shapes: Sequence[Path] = (), lang: str = "en",
    progress: Progress | None = None, engine: str = "auto",
    changed: Sequence[SourceFile] = (), store: OxigraphStore | None = None,
    previous: Mapping[Path, Path] | None = None,
) -> Report:
    """Validate the files and return the report; raise :class:`InputError` on unreadable input.

    ``store``: the files already loaded (as :func:`govgraph.rdf.store.load_store` loads them), so
    that a caller that serves them does not parse them twice. ``previous``: per changed file,
    its earlier version (:mod:`govgraph.validation.cache`), whose removed statements are checked
    too.
    """
    progress = progress or Progress("validate", enabled=False)
    if store is None:
        store = load_store(sources, progress=lambda s, _n: progress.step(f"read {s.path.name}"))
    shapes = shapes_graph(extra_shapes)
    used = choose(engine, len(store))
    progress.step(f"{len(store)} triples loaded; checking shapes ({used})")
    if changed:  # pyshacl checks the neighbourhood; the fast engine only the focus nodes
        focus = incremental.focus_nodes(store, changed, previous)
        if used == "pyshacl":
            hits, fallback = check(incremental.neighbourhood(store, focus), shapes, used)
        else:
            hits, fallback = check(store, shapes, used, focus)
        hits = [h for h in hits if h.focus in focus]
    else:
        focus = None
        hits, fallback = check(store, shapes, used)
    progress.step("checking quotes against their source texts")
    findings = quotes.check(store, sources, focus)  # the same check whichever the engine
    progress.done()
    report = Report(files=[str(s.path) for s in sources], engine=used, fallback=fallback,
                    checked=fastshacl.focus_count(store, shapes) if focus is None
                    else len(focus))
    report.results = results(hits, store, shapes, sources, lang, findings)
    return report


def results(hits: Sequence[Hit], store: OxigraphStore, shapes: rdflib.Graph,
            sources: Sequence[SourceFile], lang: str = "en",
            findings: Sequence[quotes.Finding] = ()) -> list[Result]:
    """The hits (and the source-text check's findings) as report results: messages, labels,
    files and lines; sorted, without repeats."""
    unique = sorted(set(hits), key=lambda h: (h.focus, h.path or "", h.shape, h.value or ""))
    focus = sorted({h.focus for h in unique if not h.focus.startswith("_:")} |
                   {f.focus for f in findings})
    labels, places = _labels(store, focus), _places(store, focus, sources)
    out = []
    templates: dict[str, list[rdflib.Literal]] = {}
    for h in unique:
        file, line = places.get(h.focus, (None, None))
        out.append(Result(focus=h.focus, severity=h.severity, shape=h.shape,
                          constraint=h.component, messages=messages(shapes, h, templates),
                          path=h.path,
                          value=h.value, focus_label=_pick(labels.get(h.focus, {}), lang),
                          file=file, line=line))
    for f in findings:
        file, line = places.get(f.focus, (None, None))
        out.append(Result(focus=f.focus, severity="Violation", shape=quotes.SHAPE,
                          constraint=quotes.COMPONENT, messages=f.messages, path=f.path,
                          value=f.value, focus_label=_pick(labels.get(f.focus, {}), lang),
                          file=file, line=line))
    out = acknowledged(store, out)
    out.sort(key=lambda r: (r.file or "", r.line or 0, r.focus, r.path or "",
                            SEVERITIES.index(r.severity), r.shape, r.value or ""))
    return _once(out)


def _once(results: Sequence[Result]) -> list[Result]:
    """Each message once per node, path and value: two constraints of one shape that fail on
    the same value (sh:nodeKind and sh:in on a literal) share the shape's message."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for r in results:
        key = (r.focus, r.path, r.value, r.severity, r.shape, tuple(sorted(r.messages.items())))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


_ACKNOWLEDGED = "SELECT ?node ?shape WHERE { ?node gg:acknowledges ?shape }"


def acknowledged(store: OxigraphStore, results: list[Result]) -> list[Result]:
    """Warnings the data acknowledges (``?focus gg:acknowledges ?shape``) become Infos."""
    rows = store.query(_ACKNOWLEDGED)
    assert isinstance(rows, ox.QuerySolutions)
    known = {(r["node"].value, r["shape"].value) for r in rows
             if isinstance(r["node"], ox.NamedNode) and isinstance(r["shape"], ox.NamedNode)}
    if not known:
        return results
    notes = {"en": " (acknowledged in the data with gg:acknowledges: see its skos:editorialNote)",
             "it": " (riconosciuto nei dati con gg:acknowledges: vedi la sua skos:editorialNote)"}
    return [dataclasses.replace(r, severity="Info", messages={
                k: v + notes.get(k, notes["en"]) for k, v in r.messages.items()})
            if r.severity == "Warning" and (r.focus, r.shape) in known else r
            for r in results]


def _labels(store: OxigraphStore, nodes: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per node, its label per language (prefLabel, then rdfs:label, foaf:name, dct:title).

    Index look-ups node by node: a ``VALUES`` join of thousands of nodes is quadratic in
    oxigraph (minutes for the ~50 000 nodes of a report at a million triples)."""
    found: dict[str, dict[str, str]] = {}
    preds = [ox.NamedNode(p) for p in _LABELS]
    for node_iri in nodes:
        best: dict[str, tuple[int, str]] = {}
        node = ox.NamedNode(node_iri)
        for rank, pred in enumerate(preds):
            for quad in store.quads(node, pred):
                label = quad.object
                if isinstance(label, ox.Literal):
                    key, score = label.language or "", (rank, label.value)
                    if key not in best or score < best[key]:
                        best[key] = score
        if best:
            found[node_iri] = {language: text for language, (_r, text) in sorted(best.items())}
    return found


def _pick(labels: dict[str, str], lang: str) -> str | None:
    for key in (lang, "en", "it", ""):
        if key in labels:
            return labels[key]
    return next(iter(sorted(labels.items())), (None, None))[1]


def _places(store: OxigraphStore, nodes: Sequence[str], sources: Sequence[SourceFile]
            ) -> dict[str, tuple[str | None, int | None]]:
    """Per node, the file (the last given one that states it) and the line where it stands."""
    places: dict[str, tuple[str | None, int | None]] = {}
    by_graph = {s.graph: s for s in sources}
    quads = [s for s in sources if s.format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)]
    order = {s.path: i for i, s in enumerate(sources)}
    for node in nodes:
        graphs = {q.graph_name for q in store.quads(ox.NamedNode(node))}
        stating = [by_graph[g.value] for g in graphs
                   if isinstance(g, ox.NamedNode) and g.value in by_graph]
        candidates = sorted({*stating, *quads}, key=lambda s: -order[s.path])
        located = [(str(s.path), locate(s.path, node)) for s in candidates]
        with_line = [p for p in located if p[1] is not None]
        if with_line or stating:
            places[node] = with_line[0] if with_line else located[0]
    return places


def messages(shapes: rdflib.Graph, hit: Hit,
             templates: dict[str, list[rdflib.Literal]] | None = None) -> dict[str, str]:
    """The result's message per language: the SPARQL constraint's, else the shape's sh:message,
    with {$this}, {?value} and {$path} filled in; else a generic one. ``templates``: the
    sh:message literals already read, per shape or constraint (filled in as they are read)."""
    templates = {} if templates is None else templates
    for holder in (hit.constraint, hit.shape):
        if holder is None or holder.startswith("_:"):
            continue
        if holder not in templates:
            templates[holder] = [m for m in shapes.objects(rdflib.URIRef(holder), SH.message)
                                 if isinstance(m, rdflib.Literal)]
        texts = templates[holder]
        if texts:
            return {(m.language or ""): _fill(str(m), hit) for m in texts}
    where = compact(hit.path) if hit.path else "the node"
    value = f" (value {_lexical(hit.value)})" if hit.value is not None else ""
    name = hit.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return {"en": f"{name} constraint of {compact(hit.shape)} not met on {where}{value}",
            "it": f"vincolo {name} di {compact(hit.shape)} non rispettato su "
                  f"{where.replace('the node', 'il nodo')}{value.replace('value', 'valore')}"}


def _lexical(value: str | None) -> str:
    if value is None:
        return ""
    match = re.fullmatch(r'"(.*)"(?:@[\w-]+|\^\^<[^>]*>)?', value, re.S)
    if not match:
        return value
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]),
                  match[1])


def _fill(text: str, hit: Hit) -> str:
    subs = {"this": hit.focus, "value": _lexical(hit.value), "path": hit.path or ""}
    return re.sub(r"\{[?$](this|value|path)\}", lambda m: subs[m[1]], text)
