"""The fast SHACL engine: the shapes compiled to SPARQL queries run on the embedded store.

Each constraint of a targeted shape becomes one ``SELECT DISTINCT ?this ?value`` query over the
union of the store's graphs; every row is one validation result, named exactly as pyshacl (the
reference) names it: focus node, path, value, constraint component, source shape, severity.

Compiled: targets (``sh:targetClass`` with ``rdfs:subClassOf*``, implicit class targets,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``); property shapes with a
predicate path; ``sh:class``, ``sh:datatype`` (ill-typed literals found with rdflib, as pyshacl
does), ``sh:nodeKind``, ``sh:in``, ``sh:languageIn``, ``sh:min/maxInclusive``,
``sh:min/maxExclusive``, ``sh:or``/``sh:and``/``sh:not`` of such value shapes,
``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``, and SPARQL-based constraints (``sh:select``
without sub-queries or solution modifiers). A top-level shape that uses anything else
(other paths, ``sh:node`` with property shapes, ``sh:pattern``, ``sh:qualifiedValueShape``, pair
constraints, ...) is listed in :attr:`Plan.fallback`; :mod:`govgraph.validation.validate` runs
pyshacl for those shapes on their focus nodes' neighbourhood, so nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeAlias

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection as RdfList
from rdflib.namespace import RDF, RDFS, SH

from govgraph.rdf.store import OxigraphStore
from govgraph.validation.parallel import map_forked
from govgraph.validation.sparqltext import EACH, EACHED, PROBE, PROBED, not_exists_rewrite

Node = rdflib.term.Node
SHC = str(SH)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_VALUE_KEYS = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.languageIn, SH["or"],
               SH["and"], SH["not"], SH.minInclusive, SH.maxInclusive, SH.minExclusive,
               SH.maxExclusive}
_FOCUS_KEYS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.sparql}
#: Predicates of a shape that neither constrain nor need compiling.
_INERT = {RDF.type, SH.name, SH.description, SH.message, SH.severity, SH.path, SH.property,
          SH.deactivated, SH.order, SH.group, SH.defaultValue, RDFS.label, RDFS.comment,
          *TARGETS}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_TRUE = ox.Literal(True)
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
           SH.maxExclusive: "<"}


class Unsupported(Exception):
    """A shape uses a feature the compiler does not translate."""


@dataclass(frozen=True)
class Hit:
    """One validation result, engine-neutral; terms as strings (IRIs bare, literals N-Triples)."""

    focus: str
    shape: str
    component: str
    severity: str
    path: str | None = None
    value: str | None = None
    constraint: str | None = None  # the sh:sparql node, for its messages

    def key(self) -> tuple[str, str | None, str, str, str]:
        return (self.focus, self.path, self.component, self.shape, self.severity)


@dataclass(frozen=True)
class Branch:
    """One shape's part (``?_s`` = index) of a query shared by a top-level shape's members."""

    index: int
    shape: str
    path: str | None
    severity: str
    flags: tuple[tuple[str, str], ...]  # (variable true when failing, constraint component)
    min_count: int = 0
    max_count: int | None = None


@dataclass(frozen=True)
class Check:
    sparql: str
    shape: str
    component: str
    severity: str
    path: str | None
    constraint: str | None = None
    fixed_value: bool = False  # the query's ?value is the result's value even when absent
    #: the members of a shared query (their results come from ``?_s``), else one result per row
    branches: tuple[Branch, ...] = ()
    root: str = ""  # the top-level shape whose targets are the focus nodes


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    fallback: list[rdflib.term.Node] = field(default_factory=list)  # top-level shapes
    targets: dict[str, Targets] = field(default_factory=dict)  # per top-level shape


@dataclass(frozen=True)
class Targets:
    """What a top-level shape targets (classes with their subclasses)."""

    classes: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()


#: Focus nodes with their statements (as subject), read once for targets and values.
About: TypeAlias = Mapping[str, Sequence[ox.Quad]]


def about(store: OxigraphStore, nodes: Collection[str]) -> About:
    """The statements of each of ``nodes``, by index look-ups (``nodes`` if it has them)."""
    if isinstance(nodes, Mapping):
        return nodes
    return {node: list(store.quads(ox.NamedNode(node)))
            for node in nodes}


def targeted(store: OxigraphStore, targets: dict[str, Targets], nodes: Collection[str]
             ) -> dict[str, set[str]]:
    """Per top-level shape, which of ``nodes`` it targets: by index look-ups, node by node
    (their types, the predicates of their statements, the links to them that targets name)."""
    pointing = {ox.NamedNode(p) for t in targets.values() for p in t.objects_of}
    found: dict[str, set[str]] = {shape: set() for shape in targets}
    for node, quads in about(store, nodes).items():
        iri = ox.NamedNode(node)
        types, preds = set(), set()
        for quad in quads:
            preds.add(quad.predicate.value)
            if quad.predicate == _TYPE and isinstance(quad.object, ox.NamedNode):
                types.add(quad.object.value)
        into = {p.value for p in pointing
                if next(store.quads(None, p, iri), None) is not None}
        for shape, t in targets.items():
            if node in t.nodes or types & t.classes or preds & t.subjects_of or \
                    into & t.objects_of:
                found[shape].add(node)
    return found


_TYPE = ox.NamedNode(str(RDF.type))


def select(store: OxigraphStore, sparql: str, **substitutions: ox.NamedNode
           ) -> ox.QuerySolutions:
    """The solutions of a SELECT query on the union of the store's graphs."""
    rows = store.query(sparql, substitutions=substitutions)
    assert isinstance(rows, ox.QuerySolutions)
    return rows


def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return t.value
    return str(t)


def sparql_term(node: Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        lit = ox.Literal(str(node), language=node.language) if node.language else ox.Literal(
            str(node), datatype=ox.NamedNode(str(node.datatype or rdflib.XSD.string)))
        return str(lit)
    raise Unsupported(f"blank node {node!r} as a constant")


class Compiler:
    """Compiles a shapes graph against one store (class closures come from the data)."""

    def __init__(self, shapes: rdflib.Graph, store: OxigraphStore, *,
                 focus: Collection[str] | None = None) -> None:
        self.g = shapes
        self.store = store
        self.focus = focus  # the checks will run on these nodes only (None: on all)
        self._subclasses: dict[str, list[str]] = {}
        self._counter = 0
        self._ill_typed: dict[str, set[str]] | None = None
        self.targets: dict[str, Targets] = {}

    # ------------------------------------------------------------ data-dependent helpers

    def subclasses(self, cls: Node) -> list[str]:
        key = str(cls)
        if key not in self._subclasses:
            rows = select(self.store, "SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf* ?cls }",
                          cls=ox.NamedNode(key))
            found = {r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)}
            self._subclasses[key] = sorted(found | {key})
        return self._subclasses[key]

    def var(self, stem: str) -> str:
        self._counter += 1
        return f"?_{stem}{self._counter}"

    def items(self, node: Node | None) -> list[Node]:
        if node is None:
            raise Unsupported("missing list")
        return list(RdfList(self.g, node))

    # ------------------------------------------------------------ shapes

    def plan(self, roots: Collection[Node] | None = None) -> Plan:
        plan = Plan(targets=self.targets)
        for shape in roots if roots is not None else top_level_shapes(self.g):
            if self.g.value(shape, SH.deactivated) == rdflib.Literal(True):
                continue
            try:
                plan.checks.extend(self.shape_checks(shape))
            except Unsupported:
                plan.fallback.append(shape)
        return plan

    def focus_pattern(self, shape: Node) -> str:
        parts = []
        for cls in [*self.g.objects(shape, SH.targetClass),
                    *([shape] if (shape, RDF.type, RDFS.Class) in self.g else [])]:
            types, t = self.subclasses(cls), self.var("t")
            parts.append(f"?this a <{types[0]}> ." if len(types) == 1 else
                         f"VALUES {t} {{ {' '.join(f'<{c}>' for c in types)} }} ?this a {t} .")
        for node in self.g.objects(shape, SH.targetNode):  # VALUES: ?this may be bound already
            parts.append(f"VALUES ?this {{ {sparql_term(node)} }}")
        for pred in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {sparql_term(pred)} ?_o .")
        for pred in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"?_s {sparql_term(pred)} ?this .")
        self.targets[str(shape)] = Targets(
            frozenset(c for cls in [*self.g.objects(shape, SH.targetClass), *(
                [shape] if (shape, RDF.type, RDFS.Class) in self.g else [])]
                for c in self.subclasses(cls)),
            frozenset(str(n) for n in self.g.objects(shape, SH.targetNode)),
            frozenset(str(p) for p in self.g.objects(shape, SH.targetSubjectsOf)),
            frozenset(str(p) for p in self.g.objects(shape, SH.targetObjectsOf)))
        if not parts:
            return ""
        # a sub-query: oxigraph plans the constraint's patterns after it (inlined, its join
        # order can go quadratic)
        union = " UNION ".join(f"{{ {p} }}" for p in parts) if len(parts) > 1 else parts[0]
        return f"{{ SELECT DISTINCT ?this WHERE {{ {_FOCUS} {union} {_TARGETS} }} }}"

    def shape_checks(self, shape: Node) -> list[Check]:
        """A top-level shape's checks: per member (the shape, its property shapes) one query for
        all its value constraints and one for its counts; one per sh:uniqueLang and per SPARQL
        constraint."""
        focus = self.focus_pattern(shape)
        members = [shape]
        if self.g.value(shape, SH.path) is None:
            members += [p for p in sorted(self.g.objects(shape, SH.property), key=str)
                        if self.g.value(p, SH.deactivated) != rdflib.Literal(True)]
        flagged: list[tuple[Branch, str]] = []
        counted: list[tuple[Branch, str]] = []
        checks = []
        for k, member in enumerate(members):
            branch, values, oks, others = self.branch(member, k, focus)
            checks += others
            if oks:
                binds = " ".join(f"BIND(COALESCE(!({ok}), false) AS ?{var})"
                                 for (var, _), ok in zip(branch.flags, oks, strict=True))
                flagged.append((branch, f"{_join(values)} BIND({k} AS ?_s) {binds}"))
            if branch.min_count or branch.max_count is not None:
                counted.append((branch, values))
        for b, part in flagged:  # one query per path: oxigraph joins a union of paths slowly
            flags = [var for var, _ in b.flags]
            checks.append(Check(
                f"SELECT DISTINCT ?this ?_s ?value {' '.join('?' + v for v in flags)} WHERE {{ "
                f"{focus} {part} FILTER({' || '.join('?' + v for v in flags)}) }}", str(shape),
                "", "", None, branches=(b,)))
        n = "COUNT(DISTINCT ?value)"
        for b, values in counted:  # one grouped query per path (a union would lose zeros)
            most = f" || {n} > {b.max_count}" if b.max_count is not None else ""
            checks.append(Check(
                f"SELECT ?this ?_s ({n} AS ?_n) WHERE {{ {focus} BIND({b.index} AS ?_s) "
                f"OPTIONAL {{ {values} }} }} GROUP BY ?this ?_s HAVING ({n} < {b.min_count}"
                f"{most})", str(shape), "", "", None, branches=(b,)))
        return [replace(c, root=str(shape)) for c in checks]

    def branch(self, shape: Node, k: int, focus: str) -> tuple[Branch, str, list[str],
                                                                 list[Check]]:
        """One shape's part of its top-level shape's queries: its branch (flag variables and
        counts), its value pattern, the flag expressions, and its checks of their own."""
        path_node = self.g.value(shape, SH.path)
        if path_node is not None and not isinstance(path_node, rdflib.URIRef):
            raise Unsupported("only predicate paths are compiled")
        path = None if path_node is None else str(path_node)
        unknown = {p for p in self.g.predicates(shape) if p not in _INERT
                   and p not in _VALUE_KEYS and p not in _FOCUS_KEYS}
        if unknown or (path is None and set(self.g.predicates(shape)) & {SH.minCount,
                                                                      SH.maxCount, SH.uniqueLang}):
            raise Unsupported(f"{shape}: {sorted(map(str, unknown))}")
        severity = str(self.g.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        values = f"?this <{path}> ?value ." if path else "BIND(?this AS ?value)"
        constraints = sorted(self.g.predicate_objects(shape), key=str)
        valued = [(pred, obj) for pred, obj in constraints if pred in _VALUE_KEYS]
        oks = [self.value_ok(pred, obj, "?value") for pred, obj in valued]
        counts = {pred: _int(obj) for pred, obj in constraints
                  if pred in (SH.minCount, SH.maxCount)}
        branch = Branch(k, str(shape), path, severity,
                        tuple((f"_f{k}_{i}", SHC + _component(pred))
                              for i, (pred, _) in enumerate(valued)),
                        counts.get(SH.minCount, 0), counts.get(SH.maxCount))
        others = []
        for pred, obj in constraints:
            if pred == SH.uniqueLang and obj == rdflib.Literal(True):
                # each side distinct first: a label repeated in many graphs (a concept every
                # case file names) would multiply the pairs (1 s for 12 concepts at 10^6)
                each = f"SELECT DISTINCT ?this ?value WHERE {{ {values} }}"
                other = f"SELECT DISTINCT ?this (?value AS ?_other) WHERE {{ {values} }}"
                others.append(Check(
                    f"SELECT DISTINCT ?this (LCASE(LANG(?value)) AS ?_lang) WHERE {{ {focus} "
                    f"{_join(f'{{ {each} }} {{ {other} }}')} FILTER(isLiteral(?value) && "
                    f"LANG(?value) != '' && !sameTerm(?value, ?_other) && "
                    f"LCASE(LANG(?value)) = LCASE(LANG(?_other))) }}",
                    str(shape), SHC + "UniqueLangConstraintComponent", severity, path))
            elif pred == SH.sparql:
                others.append(self.sparql_check(shape, obj, focus, path, severity))
        return branch, values, oks, others

    def sparql_check(self, shape: Node, constraint: Node, focus: str, path: str | None,
                     severity: str) -> Check:
        select = self.g.value(constraint, SH.select)
        if select is None:
            raise Unsupported("sh:sparql without sh:select")
        text = str(select)
        match = re.search(r"^\s*SELECT\s+(DISTINCT\s+)?(?P<vars>[^{]*?)\s*WHERE\s*\{(?P<body>.*)\}"
                          r"\s*$", text, re.S | re.I)
        if not match or re.search(r"\bSELECT\b", match["body"], re.I) or \
                re.search(r"\$(?!this\b|PATH\b)\w+", text):
            raise Unsupported("SPARQL constraint outside the compiled subset")
        projected = set(re.findall(r"[?$](\w+)", match["vars"]))
        body = match["body"].replace("$this", "?this")
        if path:
            body = body.replace("$PATH", f"<{path}>")
        elif "$PATH" in body:
            raise Unsupported("$PATH in a node shape")
        try:
            body = not_exists_rewrite(body)
        except ValueError as exc:
            raise Unsupported(str(exc)) from exc
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.declared(constraint))
        out = "?value" if "value" in projected else ""
        out += " ?path" if "path" in projected and path is None else ""
        sparql = f"{prefixes}SELECT DISTINCT ?this {out} WHERE {{ {focus} {_join(body)} }}"
        return Check(sparql, str(shape), SHC + "SPARQLConstraintComponent", severity,
                     path, constraint=str(constraint), fixed_value=path is None
                     and "value" not in projected)

    def declared(self, constraint: Node) -> Iterator[tuple[str, str]]:
        for holder in self.g.objects(constraint, SH.prefixes):
            for decl in self.g.objects(holder, SH.declare):
                prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
                if prefix is not None and ns is not None:
                    yield str(prefix), str(ns)

    # ------------------------------------------------------------ value constraints

    def value_ok(self, pred: Node, obj: Node, v: str) -> str:
        """A SPARQL expression true when the value ``v`` passes ``pred obj``."""
        if pred == SH["class"]:
            t = self.var("c")
            types = ", ".join(f"<{c}>" for c in self.subclasses(obj))
            return f"EXISTS {{ {v} a {t} . FILTER({t} IN ({types})) }}"
        if pred == SH.datatype:
            return self.datatype_ok(obj, v)
        if pred == SH.nodeKind:
            if obj not in _NODE_KINDS:
                raise Unsupported(f"node kind {obj}")
            return _NODE_KINDS[obj].format(v=v)  # type: ignore[index]
        if pred == SH["in"]:
            return "(" + (" || ".join(f"sameTerm({v}, {sparql_term(i)})"
                                      for i in self.items(obj)) or "false") + ")"
        if pred == SH.languageIn:
            tests = " || ".join(f"langMatches(LANG({v}), {sparql_term(rdflib.Literal(str(t)))})"
                                for t in self.items(obj))
            return f"(isLiteral({v}) && LANG({v}) != '' && ({tests or 'false'}))"
        if pred in _RANGES:
            return f"COALESCE({v} {_RANGES[pred]} {sparql_term(obj)}, false)"  # type: ignore[index]
        if pred in (SH["or"], SH["and"]):
            joined = (" || " if pred == SH["or"] else " && ").join(
                self.node_ok(m, v) for m in self.items(obj))
            return f"({joined or ('false' if pred == SH['or'] else 'true')})"
        if pred == SH["not"]:
            return f"!({self.node_ok(obj, v)})"
        raise Unsupported(str(pred))

    def node_ok(self, shape: Node, v: str) -> str:
        """``v`` conforms to a value-only node shape (no path, no property shapes)."""
        preds = set(self.g.predicates(shape)) - _INERT
        if self.g.value(shape, SH.path) is not None or list(self.g.objects(shape, SH.property)) \
                or preds - _VALUE_KEYS:
            raise Unsupported(f"nested shape {shape}")
        tests = [self.value_ok(p, o, v) for p, o in sorted(self.g.predicate_objects(shape), key=str)
                 if p in _VALUE_KEYS]
        return "(" + (" && ".join(tests) or "true") + ")"

    def datatype_ok(self, dt: Node, v: str) -> str:
        if dt == RDF.langString:
            return f"(isLiteral({v}) && LANG({v}) != '')"
        base = f"(isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) = <{dt}>)"
        bad = sorted(self.ill_typed_of(dt))
        if not bad:
            return base
        return f"({base} && !({v} IN ({', '.join(bad)})))"

    def ill_typed_of(self, dt: Node) -> set[str]:
        """Literals of datatype ``dt`` in the data that rdflib (so pyshacl) finds ill-typed;
        with focus nodes, among their values only (the only values their checks test)."""
        if self._ill_typed is None:  # one pass for every datatype the shapes name
            types = {str(t) for t in self.g.objects(None, SH.datatype)} - _ALWAYS_WELL_TYPED
            self._ill_typed = {t: set() for t in types}
            for lit in self._literals(types) if types else ():
                if rdflib.Literal(
                        lit.value, datatype=rdflib.URIRef(lit.datatype.value)).ill_typed:
                    self._ill_typed[lit.datatype.value].add(str(lit))
        return self._ill_typed.get(str(dt), set())

    def _literals(self, types: Collection[str]) -> set[ox.Literal]:
        """The literals of the data (with focus nodes: their values) typed one of ``types``."""
        if self.focus is not None:  # by index look-ups: a scan took 12 s on disk at 10^6
            values = (q.object for quads in about(self.store, self.focus).values()
                      for q in quads)
        else:
            listed = ", ".join(f"<{t}>" for t in sorted(types))
            values = (row["o"] for row in select(
                self.store, "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) "
                            f"&& DATATYPE(?o) IN ({listed})) }}"))
        return {v for v in values if isinstance(v, ox.Literal) and v.datatype.value in types}


#: Datatypes whose lexical space is every string: no literal of theirs is ill-typed.
_ALWAYS_WELL_TYPED = {str(RDF.langString), str(rdflib.XSD.string)}


def _number(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> int:
    assert isinstance(t, ox.Literal)
    return int(t.value)


def _int(node: Node) -> int:
    if not isinstance(node, rdflib.Literal) or not isinstance(node.value, int):
        raise Unsupported(f"not an integer: {node!r}")
    return node.value


def _component(pred: Node) -> str:
    local = str(pred).rsplit("#", 1)[-1]
    return local[0].upper() + local[1:] + "ConstraintComponent"


def top_level_shapes(g: rdflib.Graph) -> list[Node]:
    """Shapes with a target of their own (the ones whose results a report names)."""
    shapes = {s for t in TARGETS for s in g.subjects(t, None)}
    shapes |= {s for s in g.subjects(RDF.type, RDFS.Class)
               if (s, RDF.type, SH.NodeShape) in g or (s, RDF.type, SH.PropertyShape) in g}
    return sorted(shapes, key=str)


#: Comment lines (no-ops in a query over all focus nodes) that :func:`restrict` replaces: around
#: the targets of the focus sub-query, and around the patterns joined to the focus nodes.
_FOCUS, _TARGETS, _JOIN, _JOINED = "#FOCUS\n", "#TARGETS\n", "#JOIN\n", "#JOINED\n"


def _join(pattern: str) -> str:
    return f"{_JOIN} {pattern} {_JOINED}"


def restrict(sparql: str, focus: Collection[str] | None) -> str:
    """The query limited to the focus nodes ``focus`` (None: all).

    Written so that oxigraph starts from the focus nodes and looks up their statements by
    index: the nodes in a sub-query of their own, their targets tested with ``FILTER EXISTS``,
    the patterns joined to them with ``LATERAL`` (oxigraph's for-each join: the patterns are
    evaluated with ``?this`` bound). A ``VALUES`` block next to the patterns is joined row by
    row against all their matches (quadratic), and a plain join scans every instance."""
    if focus is None:
        return sparql
    values = " ".join(f"<{f}>" for f in sorted(focus)) or "<urn:govgraph:none>"
    nodes = f"{{ SELECT ?this WHERE {{ VALUES ?this {{ {values} }} }} }} FILTER EXISTS {{\n"
    return (sparql.replace(_FOCUS, nodes).replace(_TARGETS, "}\n")
            .replace(_JOIN, "LATERAL {\n").replace(_JOINED, "}\n")
            .replace(EACH, "LATERAL {\n").replace(EACHED, "}\n")
            .replace(PROBE, "SELECT * WHERE {\n").replace(PROBED, "} LIMIT 1\n"))


def run_check(store: OxigraphStore, check: Check, focus: Collection[str] | None = None
              ) -> list[Hit]:
    rows = select(store, restrict(check.sparql, focus))
    names = {v.value for v in rows.variables}
    branches = {b.index: b for b in check.branches}
    hits = []
    for row in rows:
        focus_term = term(row["this"])
        if focus_term is None:
            continue
        value = term(row["value"]) if "value" in names else None
        if "_s" in names:
            b = branches[_number(row["_s"])]
            if "_n" in names:  # a count query
                n = _number(row["_n"])
                failed = (["MinCountConstraintComponent"] if n < b.min_count else []) + (
                    ["MaxCountConstraintComponent"] if b.max_count is not None
                    and n > b.max_count else [])
                hits += [Hit(focus_term, b.shape, SHC + c, b.severity, b.path) for c in failed]
            else:
                hits += [Hit(focus_term, b.shape, c, b.severity, b.path, value)
                         for var, c in b.flags if row[var] == _TRUE]
            continue
        if check.fixed_value and value is None:
            value = focus_term
        path = check.path or (term(row["path"]) if "path" in names else None)
        hits.append(Hit(focus_term, check.shape, check.component, check.severity, path, value,
                        check.constraint))
    return hits


def run(store: OxigraphStore, plan: Plan, focus: Collection[str] | None = None) -> list[Hit]:
    """Run the plan's checks, on every core (:func:`govgraph.validation.parallel.map_forked`).

    With ``focus``, each shape's checks run on the focus nodes it targets (found by index
    look-ups), and not at all when it targets none of them."""
    checks: list[tuple[Check, Collection[str] | None]] = [(c, focus) for c in plan.checks]
    if focus is not None:
        mine = targeted(store, plan.targets, focus)
        checks = [(c, mine.get(c.root, focus)) for c in plan.checks]
        checks = [(c, nodes) for c, nodes in checks if nodes]
    batches = map_forked(lambda cn: run_check(store, cn[0], cn[1]), checks,
                         processes=1 if store.on_disk else None)
    return [hit for batch in batches for hit in batch]


def focus_count(store: OxigraphStore, shapes: rdflib.Graph) -> int:
    """How many distinct nodes the shapes target (the nodes a full run checks). One query, the
    target classes (with their subclasses) in one ``VALUES`` block: the union of the shapes' own
    focus sub-queries, or index look-ups node by node in Python, take 4-5 s at a million triples
    where this takes about one."""
    compiler = Compiler(shapes, store)
    for shape in top_level_shapes(shapes):
        compiler.focus_pattern(shape)  # fills compiler.targets
    targets = compiler.targets.values()

    def iris(field: str) -> list[str]:
        return sorted({f"<{i}>" for t in targets for i in getattr(t, field)})

    parts = [f"{{ VALUES ?this {{ {' '.join(iris('nodes'))} }} }}",
             f"{{ VALUES ?_c {{ {' '.join(iris('classes'))} }} ?this a ?_c }}"]
    parts += [f"{{ ?this {p} ?_o }}" for p in iris("subjects_of")]
    parts += [f"{{ ?_s {p} ?this }}" for p in iris("objects_of")]
    rows = select(store, "SELECT (COUNT(DISTINCT ?this) AS ?n) WHERE { "
                  + " UNION ".join(parts) + " }")
    return next((_number(r["n"]) for r in rows), 0)


def compile_shapes(shapes: rdflib.Graph, store: OxigraphStore, *,
                   focus: Collection[str] | None = None) -> Plan:
    """The checks of the shapes; ``focus``: the nodes :func:`run` will check (None: all)."""
    return Compiler(shapes, store, focus=focus).plan()
