"""Validate data against the SHACL shapes (pyshacl, the reference implementation).

:func:`validate` loads the files (errors: :class:`govgraph.sources.InputError`), runs the shapes
over the union of all their graphs, and returns a :class:`Report` whose results name the focus
node, its label, the path, the value, the shape, the message in Italian and English, and the file
and line where the focus node is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from govgraph import resources
from govgraph.progress import Progress
from govgraph.sources import InputError, SourceFile
from govgraph.store import OxigraphStore, load_store

SEVERITIES = ("Violation", "Warning", "Info")
_LABEL_QUERY = """SELECT ?label WHERE {
  VALUES ?p { skos:prefLabel rdfs:label foaf:name dct:title }
  ?node ?p ?label . BIND(LANG(?label) AS ?lang)
} ORDER BY DESC(?lang = ?want) DESC(?lang = "en") DESC(?lang = "it") ?label LIMIT 1"""


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


def to_rdflib(store: OxigraphStore) -> rdflib.Graph:
    """The union of all graphs of the store as one rdflib graph."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    graph = rdflib.Graph()
    graph.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def locate(path: Path, iri: str) -> int | None:
    """The line where ``iri`` first stands as a subject in a Turtle/TriG file (or at all)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    forms = [f"<{iri}>"]
    for prefix, ns in re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text, flags=re.I):
        if iri.startswith(ns) and re.fullmatch(r"[\w.-]+", iri[len(ns):]):
            forms.append(f"{prefix}:{iri[len(ns):]}")
    lines = text.splitlines()
    for anywhere in (False, True):
        for number, line in enumerate(lines, start=1):
            for form in forms:
                if (line.find(form) >= 0) if anywhere else line.lstrip().startswith(form + " "):
                    return number
    return None


def validate(
    sources: Sequence[SourceFile], *, extra_shapes: Sequence[Path] = (), lang: str = "en",
    progress: Progress | None = None,
) -> Report:
    """Validate the files and return the report; raise :class:`InputError` on unreadable input."""
    progress = progress or Progress("validate", enabled=False)
    store = load_store(sources, progress=lambda s, _n: progress.step(f"read {s.path.name}"))
    progress.step(f"{len(store)} triples loaded; checking shapes")
    data = to_rdflib(store)
    shapes = shapes_graph(extra_shapes)
    _conforms, results_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True,
        allow_warnings=True, abort_on_first=False,
    )
    progress.done()
    files = {s.graph: s.path for s in sources}
    report = Report(files=[str(s.path) for s in sources])
    for node in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        report.results.append(_result(results_graph, node, store, files, lang, shapes))
    report.results.sort(key=lambda r: (r.file or "", r.line or 0, r.focus, r.path or "",
                                       SEVERITIES.index(r.severity), r.shape))
    return report


def _messages(g: rdflib.Graph, node: rdflib.term.Node, shapes: rdflib.Graph) -> dict[str, str]:
    """The result's messages by language.

    pyshacl drops the language tag of a SPARQL constraint's message when it fills in the
    placeholders, so those messages are taken from the shapes graph and filled in here.
    """
    constraint = g.value(node, SH.sourceConstraint)
    templates = [m for m in shapes.objects(constraint, SH.message)
                 if isinstance(m, rdflib.Literal)] if constraint is not None else []
    if not templates:
        return {(m.language or ""): str(m) for m in g.objects(node, SH.resultMessage)
                if isinstance(m, rdflib.Literal)}
    fill = {"{$this}": g.value(node, SH.focusNode), "{?this}": g.value(node, SH.focusNode),
            "{?value}": g.value(node, SH.value), "{$value}": g.value(node, SH.value),
            "{$path}": g.value(node, SH.resultPath), "{?path}": g.value(node, SH.resultPath)}
    out = {}
    for template in templates:
        text = str(template)
        for placeholder, term in fill.items():
            text = text.replace(placeholder, "" if term is None else str(term))
        out[template.language or ""] = text
    return out


def _result(g: rdflib.Graph, node: rdflib.term.Node, store: OxigraphStore,
            files: dict[str, Path], lang: str, shapes: rdflib.Graph) -> Result:
    def one(pred: rdflib.URIRef) -> rdflib.term.Node | None:
        return g.value(node, pred)

    focus = one(SH.focusNode)
    path, value = one(SH.resultPath), one(SH.value)
    severity = str(one(SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
    messages = _messages(g, node, shapes)
    label = file = line = None
    if isinstance(focus, rdflib.URIRef):
        term = ox.NamedNode(str(focus))
        rows = list(store.query(_LABEL_QUERY, substitutions={"node": term,
                                                             "want": ox.Literal(lang)}))
        label = rows[0]["label"].value if rows else None  # type: ignore[index, union-attr]
        graphs = store.query("SELECT DISTINCT ?g { GRAPH ?g { ?node ?p ?o } }",
                             substitutions={"node": term}, default_graphs=None)
        for row in graphs:
            graph = row["g"].value  # type: ignore[index, union-attr]
            if graph in files:
                file, line = str(files[graph]), locate(files[graph], str(focus))
                break
    return Result(
        focus=str(focus), severity=severity, shape=str(one(SH.sourceShape)),
        constraint=str(one(SH.sourceConstraintComponent)), messages=messages,
        path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else
                                                                 path.n3()),
        value=None if value is None else (str(value) if isinstance(value, rdflib.URIRef)
                                          else value.n3()),
        focus_label=label, file=file, line=line,
    )
