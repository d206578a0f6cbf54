"""``govgraph fmt``: Turtle in house style, the same bytes for the same graph.

House style: the file's leading comment block; the prefix block (govgraph's namespaces first,
``gg`` leading, then the others by name, aligned); one subject per paragraph, in a fixed order of
kinds (schemes and concepts, sources, forums, bodies, persons, posts, events, statements,
intervals, identifiers, quotes) and, within a kind, by IRI with numbers in numeric order; ``a``
on the subject's line; one predicate per line, in a fixed order (types, labels, quote fields,
the rest by name, provenance and editorial notes last); objects IRIs first then literals (Italian,
English, other languages, none), on the predicate's line while it fits in 100 characters.
Comment lines directly above a subject stay with it. The graph is parsed with rdflib; only the
writing is done here. A ``gg:Quote`` with ``prov:value`` and ``prov:wasQuotedFrom`` but no
``oa:start``/``oa:end`` gets them from its source's text (:func:`complete_quotes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, XSD

from govgraph.authoring import quotes
from govgraph.authoring.texts import SourceText
from govgraph.rdf.namespaces import BASE, GG, PREFIXES
from govgraph.rdf.sources import InputError
from govgraph.validation.locations import LineIndex

WIDTH = 100
_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def _p(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


#: Subjects by the first of their types found here (others come between events and quotes).
KIND_ORDER = [_p(c) for c in (
    "skos:ConceptScheme", "skos:Concept", "gg:SourceDocument", "dcat:Distribution", "gg:Forum",
    "gg:BodyGroup", "gg:Body", "org:Organization", "org:OrganizationalUnit", "foaf:Person",
    "org:Post", "gg:Establishment", "gg:Session", "gg:RevisionProcess", "gg:Event",
    "gg:Representation", "org:Membership", "gg:Coordination", "gg:Mandate", "gg:Liaison")]
KIND_LATE = [_p(c) for c in (
    "time:Interval", "time:ProperInterval", "time:Instant", "adms:Identifier", "gg:Quote")]
#: Predicates in this order first, then the others by prefixed name, then :data:`LAST`.
FIRST = [_p(c) for c in (
    "rdf:type", "org:classification", "skos:prefLabel", "rdfs:label", "skos:altLabel",
    "prov:value", "prov:wasQuotedFrom", "oa:start", "oa:end")]
LAST = [_p(c) for c in ("gg:mentionedIn", "prov:wasDerivedFrom", "gg:evidence",
                        "skos:editorialNote")]
LANG_ORDER = ("it", "en")


class FormatError(InputError):
    """A file fmt cannot write in house style (blank nodes, an unlocatable quote)."""


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key reading runs of digits as numbers: q:2 before q:10."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", text) if part)


@dataclass
class Writer:
    """Writes terms with one file's prefixes."""

    prefixes: dict[str, str]  # prefix -> namespace

    def iri(self, iri: str) -> str:
        """A prefixed name when a prefix fits (the longest namespace), else ``<iri>``."""
        best: str | None = None
        for prefix, ns in self.prefixes.items():
            local = iri[len(ns):]
            if ns and iri.startswith(ns) and (not local or _LOCAL.fullmatch(local)) and (
                    best is None or len(ns) > len(self.prefixes[best])):
                best = prefix
        if best is None:
            return f"<{iri}>"
        return f"{best}:{iri[len(self.prefixes[best]):]}"

    def term(self, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.URIRef):
            return self.iri(str(node))
        if isinstance(node, rdflib.Literal):
            text = _string(str(node))
            if node.language:
                return f"{text}@{node.language}"
            if node.datatype is not None and node.datatype != XSD.string:
                return f"{text}^^{self.iri(str(node.datatype))}"
            return text
        raise FormatError("(graph)", f"blank node {node.n3()}: govgraph data has none",
                          hint="give the node an IRI under https://w3id.org/govgraph/id/")


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\")
    if "\n" in value:
        escaped = escaped.replace('"', '\\"').replace("\r", "\\r")
        return f'"""{escaped}"""'
    escaped = escaped.replace('"', '\\"').replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def _object_key(node: rdflib.term.Node, written: str) -> tuple[object, ...]:
    if isinstance(node, rdflib.Literal):
        lang = node.language or ""
        rank = LANG_ORDER.index(lang) if lang in LANG_ORDER else (len(LANG_ORDER) if lang
                                                                   else len(LANG_ORDER) + 1)
        return (1, rank, lang, natural(str(node)), written)
    return (0, natural(written))


def _predicate_key(pred: str, writer: Writer) -> tuple[int, int, tuple[object, ...]]:
    if pred in FIRST:
        return (0, FIRST.index(pred), ())
    if pred in LAST:
        return (2, LAST.index(pred), ())
    return (1, 0, natural(writer.iri(pred)))


def subject_key(graph: rdflib.Graph, subject: rdflib.term.Node) -> tuple[object, ...]:
    types = {str(t) for t in graph.objects(subject, RDF.type)}
    early = [KIND_ORDER.index(t) for t in types if t in KIND_ORDER]
    late = [KIND_ORDER.__len__() + 1 + KIND_LATE.index(t) for t in types if t in KIND_LATE]
    rank = min(early) if early else (min(late) if late else len(KIND_ORDER))
    return (rank, natural(str(subject)))


def block(graph: rdflib.Graph, subject: rdflib.term.Node, writer: Writer) -> str:
    """One subject in house style, ending with `` .``."""
    head = writer.term(subject)
    preds = sorted({str(p) for p in graph.predicates(subject, None)},
                   key=lambda p: _predicate_key(p, writer))
    groups: list[str] = []  # one per predicate, possibly over several lines
    for pred in preds:
        objects = [(writer.term(o), o) for o in graph.objects(subject, rdflib.URIRef(pred))]
        written = [w for w, _ in sorted(objects, key=lambda wo: _object_key(wo[1], wo[0]))]
        name = "a" if pred == str(RDF.type) else writer.iri(pred)
        first = f"{head} a" if name == "a" and not groups else f"    {name}"
        one = f"{first} {' , '.join(written)}"
        if len(one) + 2 <= WIDTH and "\n" not in one:
            groups.append(one)
        else:
            groups.append(f"{first} " + " ,\n        ".join(written))
    if not groups:
        raise FormatError("(graph)", f"{head} has no statements")
    if not groups[0].startswith(head):  # no type: the first predicate on the subject's line
        groups[0] = f"{head} {groups[0].lstrip()}"
    return " ;\n".join(groups) + " ."


def _prefix_order(prefixes: Mapping[str, str]) -> list[tuple[str, str]]:
    def key(item: tuple[str, str]) -> tuple[int, str]:
        prefix, ns = item
        if ns == GG:
            return (0, "")
        return (1 if ns.startswith(BASE) else 2, prefix)
    return sorted(prefixes.items(), key=key)


def leading_comments(text: str) -> list[str]:
    """The comment lines at the top of a file (blank lines between them kept)."""
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            out.append(line.rstrip())
        elif line.strip() or not out:
            if line.strip():
                break
        else:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return out


def _attached_comments(path: Path, text: str, skip: int) -> dict[str, list[str]]:
    """Per subject IRI, the comment lines directly above the line where it is written."""
    lines = text.splitlines()
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        return {}
    index = LineIndex(path)
    out: dict[str, list[str]] = {}
    for iri, number in index.subjects.items():
        above: list[str] = []
        i = number - 2
        while i >= skip and not lines[i].strip():
            i -= 1
        while i >= skip and lines[i].startswith("#"):
            above.insert(0, lines[i].rstrip())
            i -= 1
        if above:
            out[iri] = above
    return out


def parse(text: str, name: str) -> tuple[rdflib.Graph, dict[str, str]]:
    graph = rdflib.Graph(bind_namespaces="none")
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several kinds; all mean unreadable Turtle
        raise InputError(name, f"syntax error: {exc}",
                         hint="fix the Turtle syntax (govgraph validate names the line)") from exc
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if p not in ("xml",)}
    return graph, prefixes


def render(graph: rdflib.Graph, prefixes: Mapping[str, str], *, comments: Sequence[str] = (),
           attached: Mapping[str, list[str]] | None = None) -> str:
    """The graph as house-style Turtle."""
    writer = Writer(dict(prefixes))
    out: list[str] = []
    if comments:
        out += [*comments, ""]
    width = max((len(p) for p in prefixes), default=0) + 2
    out += [f"@prefix {(p + ':').ljust(width)} <{ns}> ." for p, ns in _prefix_order(prefixes)]
    subjects = sorted(set(graph.subjects()), key=lambda s: subject_key(graph, s))
    for s in subjects:
        if isinstance(s, rdflib.BNode):
            writer.term(s)  # raises
        out.append("")
        out += (attached or {}).get(str(s), [])
        out.append(block(graph, s, writer))
    return "\n".join(out) + "\n"


def missing_offsets(graph: rdflib.Graph) -> list[tuple[rdflib.URIRef, str, str]]:
    """Quotes with a value and a document but no offsets: (quote, value, source IRI)."""
    prov, oa = PREFIXES["prov"], PREFIXES["oa"]
    out = []
    for q in graph.subjects(RDF.type, rdflib.URIRef(GG + "Quote")):
        value = graph.value(q, rdflib.URIRef(prov + "value"))
        source = graph.value(q, rdflib.URIRef(prov + "wasQuotedFrom"))
        has = [graph.value(q, rdflib.URIRef(oa + p)) is not None for p in ("start", "end")]
        if isinstance(q, rdflib.URIRef) and value is not None and source is not None \
                and not all(has):
            out.append((q, str(value), str(source)))
    return sorted(out)


def complete_quotes(graph: rdflib.Graph, texts_of: Callable[[], Mapping[str, SourceText]],
                    name: str) -> int:
    """Add ``oa:start``/``oa:end`` to the quotes without them; the number of quotes completed.
    :class:`FormatError` when a quoted text is absent from, or ambiguous in, its source."""
    todo = missing_offsets(graph)
    if not todo:
        return 0
    declared = texts_of()
    oa = PREFIXES["oa"]
    for q, value, source in todo:
        text_of = declared.get(source)
        if text_of is None:
            raise FormatError(name, f"cannot complete the offsets of {q}: the text of {source} "
                              "is not in the data", hint="register the source with "
                              "govgraph new-case, or give oa:start/oa:end")
        try:
            span = quotes.locate(text_of.read(), value, name=str(text_of.path))
        except quotes.QuoteError as exc:
            raise FormatError(name, f"cannot complete the offsets of {q}: {exc}") from exc
        for pred in ("start", "end"):
            graph.remove((q, rdflib.URIRef(oa + pred), None))
        nni = XSD.nonNegativeInteger
        graph.add((q, rdflib.URIRef(oa + "start"), rdflib.Literal(str(span.start), datatype=nni)))
        graph.add((q, rdflib.URIRef(oa + "end"), rdflib.Literal(str(span.end), datatype=nni)))
    return len(todo)


def format_text(text: str, path: Path,
                texts_of: Callable[[], Mapping[str, SourceText]] | None = None) -> str:
    """The house-style form of a Turtle file's text (offsets completed when ``texts_of``)."""
    graph, prefixes = parse(text, str(path))
    if texts_of is not None:
        complete_quotes(graph, texts_of, str(path))
    comments = leading_comments(text)
    attached = _attached_comments(path, text, len(comments))
    try:
        return render(graph, prefixes, comments=comments, attached=attached)
    except FormatError as exc:
        raise FormatError(path, exc.message, hint=exc.hint) from exc


def turtle_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, with each folder replaced by the ``.ttl`` files in it."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(p.glob("*.ttl"))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(p, "no such file or folder", hint="check the path")
    return out
