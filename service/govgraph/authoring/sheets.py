"""``govgraph import-sheet``: statements from a spreadsheet, one sheet (or CSV file) per kind of
statement (:mod:`govgraph.authoring.kinds`), one row per statement, plus an ``entities`` sheet
for names not yet in the data.

Readers: the csv module (a CSV file holds the kind its name ends with: ``…-membership.csv``),
openpyxl (.xlsx) and odfpy (.ods). Names resolve against the data (:mod:`lookup`); quotes are
located in the source's text; the statements get readable IRIs.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import FOAF, RDF, RDFS, XSD

from govgraph.authoring import kinds, lookup, names, quotes
from govgraph.authoring.newcase import date_literal
from govgraph.authoring.texts import SourceText
from govgraph.rdf.namespaces import GG, GGID, PREFIXES
from govgraph.rdf.sources import InputError
from govgraph.rdf.store import Store

ENTITIES = "entities"
TIME = PREFIXES["time"]


class SheetError(InputError):
    """A row that cannot become a statement: names the file, sheet and row."""


@dataclass(frozen=True)
class Row:
    where: str  # file[:sheet]:row
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


def _rows(where: str, table: Iterable[Sequence[object]]) -> list[Row]:
    """Rows as dicts by header (the first non-empty row); empty rows skipped."""
    out: list[Row] = []
    header: list[str] | None = None
    for number, cells in enumerate(table, start=1):
        texts = ["" if c is None else str(c).strip() for c in cells]
        if not any(texts):
            continue
        if header is None:
            header = [re.sub(r"\W+", "_", t.casefold()).strip("_") for t in texts]
            continue
        out.append(Row(f"{where}:{number}", {h: t for h, t in zip(header, texts, strict=False)
                                             if h}))
    return out


def _kind_of(name: str) -> str | None:
    folded = name.casefold()
    for kind in [*kinds.KINDS, ENTITIES]:
        if folded == kind or re.search(rf"(^|[-_. ]){kind}s?$", folded):
            return kind
    return None


def read(path: Path) -> dict[str, list[Row]]:
    """The tables of a .csv, .xlsx or .ods file, by kind."""
    suffix = path.suffix.lower()
    tables: list[tuple[str, str, list[list[object]]]] = []  # (sheet name, where, rows)
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                tables.append((path.stem, str(path), [list(r) for r in csv.reader(f)]))
        elif suffix == ".xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for sheet in book.worksheets:
                tables.append((sheet.title, f"{path}:{sheet.title}",
                               [list(r) for r in sheet.iter_rows(values_only=True)]))
            book.close()
        elif suffix == ".ods":
            tables += _ods(path)
        else:
            raise InputError(path, f"unknown spreadsheet type {suffix or '(none)'!r}",
                             hint="use .csv, .xlsx or .ods")
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise InputError(path, f"cannot read the spreadsheet: {exc}") from exc
    out: dict[str, list[Row]] = {}
    for name, where, rows in tables:
        kind = _kind_of(name)
        if kind is None:
            if suffix == ".csv":
                known = ", ".join([*kinds.KINDS, ENTITIES])
                raise InputError(path, "the file name does not say which kind of statement "
                                 "it holds", hint=f"end it with one of: {known}")
            continue  # other sheets (notes, instructions) are ignored
        out.setdefault(kind, []).extend(_rows(where, rows))
    return out


def _ods(path: Path) -> list[tuple[str, str, list[list[object]]]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    doc = load(str(path))
    out = []
    for table in doc.spreadsheet.getElementsByType(Table):
        name = str(table.getAttribute("name"))
        rows: list[list[object]] = []
        for tr in table.getElementsByType(TableRow):
            cells: list[object] = []
            for tc in tr.getElementsByType(TableCell):
                repeat = int(tc.getAttribute("numbercolumnsrepeated") or 1)
                cells += [teletype.extractText(tc)] * min(repeat, 64)
            rows.append(cells)
        out.append((name, f"{path}:{name}", rows))
    return out


def _u(iri: str) -> rdflib.URIRef:
    return rdflib.URIRef(iri)


def _p(curie: str) -> rdflib.URIRef:
    prefix, _, local = curie.partition(":")
    return rdflib.URIRef(PREFIXES[prefix] + local)


@dataclass
class Import:
    """What a spreadsheet adds: the triples, the new entities (to report), the quotes."""

    store: Store
    source: str
    text: SourceText
    graph: rdflib.Graph = field(default_factory=lambda: rdflib.Graph(bind_namespaces="none"))
    created: list[tuple[str, str]] = field(default_factory=list)  # (IRI, name)
    local: dict[str, str] = field(default_factory=dict)  # folded name -> IRI
    quote_of: dict[str, str] = field(default_factory=dict)  # text -> quote IRI
    content: str = ""

    def __post_init__(self) -> None:
        self.content = self.text.read()
        self._next = int(quotes.next_quote_iri(self.store, self.source).rsplit("/", 1)[-1])

    # --- names ---------------------------------------------------------------------------

    def entity(self, row: Row, column: str, value: str, *, person_ok: bool = False) -> str:
        folded = lookup.fold(value)
        if folded in self.local:
            return self.local[folded]
        try:
            return names.resolve(self.store, value)
        except names.UnknownName as exc:
            if exc.candidates:
                raise SheetError(row.where, f"{column}: {exc}") from exc
            if person_ok:
                return self.new_entity(row, value, "person")
            raise SheetError(row.where, f"{column}: {value!r} is not in the data",
                             hint="check the spelling with govgraph find, or add a row for it "
                             "in the entities sheet (name, type, kind)") from exc

    def new_entity(self, row: Row, name: str, type_: str, kind: str = "",
                   label_en: str = "", part_of: str = "") -> str:
        if type_ not in kinds.ENTITY_TYPES:
            raise SheetError(row.where, f"type {type_!r} is not one of "
                             f"{', '.join(kinds.ENTITY_TYPES)}")
        folder = "body" if type_ == "group" else type_
        iri = f"{GGID}{folder}/{names.slugify(name)}"
        if self.known(iri):
            raise SheetError(row.where, f"{name!r} would be {iri.removeprefix(GGID)}, which is "
                             "already in the data", hint="name that entity in the rows "
                             "instead of adding it to the entities sheet")
        s = _u(iri)
        g = self.graph
        g.add((s, RDF.type, _u(kinds.ENTITY_TYPES[type_])))
        if type_ == "person":
            g.add((s, FOAF.name, rdflib.Literal(name)))
            g.add((s, RDFS.label, rdflib.Literal(name)))
        else:
            g.add((s, RDFS.label, rdflib.Literal(name, lang="it")))
            if label_en:
                g.add((s, RDFS.label, rdflib.Literal(label_en, lang="en")))
        if kind:
            scheme = "forum-kind" if type_ == "forum" else "body-kind"
            g.add((s, _p("org:classification"),
                   _u(f"{GGID}concept/{scheme}/{names.slugify(kind)}")))
        if part_of:
            g.add((s, _u(GG + "partOfForum"), _u(self.entity(row, "part_of", part_of))))
        g.add((s, _u(GG + "mentionedIn"), _u(self.source)))
        self.local[lookup.fold(name)] = iri
        self.created.append((iri, name))
        return iri

    def known(self, iri: str) -> bool:
        result = self.store.query("ASK { ?s ?p ?o }", substitutions={"s": ox.NamedNode(iri)})
        return bool(result) or (_u(iri), None, None) in self.graph

    # --- quotes --------------------------------------------------------------------------

    def quote(self, row: Row, value: str) -> str:
        if value in self.quote_of:
            return self.quote_of[value]
        try:
            span = quotes.locate(self.content, value, name=str(self.text.path))
        except quotes.QuoteError as exc:
            raise SheetError(row.where, f"quote: {exc}") from exc
        iri = f"{GGID}quote/{self.source.rsplit('/', 1)[-1]}/{self._next:02d}"
        self._next += 1
        q, g, nni = _u(iri), self.graph, XSD.nonNegativeInteger
        g.add((q, RDF.type, _u(GG + "Quote")))
        g.add((q, RDF.type, _p("prov:Entity")))
        g.add((q, _p("prov:value"), rdflib.Literal(value, lang="it")))
        g.add((q, _p("prov:wasQuotedFrom"), _u(self.source)))
        g.add((q, _p("oa:start"), rdflib.Literal(str(span.start), datatype=nni)))
        g.add((q, _p("oa:end"), rdflib.Literal(str(span.end), datatype=nni)))
        self.quote_of[value] = iri
        return iri

    # --- statements ----------------------------------------------------------------------

    def interval(self, forum: str, start: rdflib.Literal | None,
                 end: rdflib.Literal | None) -> str:
        """The OWL-Time interval of the forum's seats from ``start`` and/or to ``end``
        (``ggid:interval/<forum>-dal-<start>-al-<end>``), described unless already in the data."""
        name = "-".join(p for p in (forum.rsplit("/", 1)[-1],
                                    f"dal-{start}" if start is not None else "",
                                    f"al-{end}" if end is not None else "") if p)
        iri = f"{GGID}interval/{name}"
        if self.known(iri):
            return iri
        g = self.graph
        g.add((_u(iri), RDF.type, _p("time:Interval")))
        g.add((_u(iri), RDF.type, _p("time:ProperInterval")))
        for word, word_en, pred, date in (("dal", "from", "hasBeginning", start),
                                          ("al", "to", "hasEnd", end)):
            if date is None:
                continue
            instant = _u(f"{GGID}instant/{date}")
            g.add((_u(iri), _u(TIME + pred), instant))
            if self.known(str(instant)):
                continue
            local = str(date.datatype).rsplit("#", 1)[-1]
            prop = {"date": "inXSDDate", "gYearMonth": "inXSDgYearMonth",
                    "gYear": "inXSDgYear"}[local]
            g.add((instant, RDF.type, _p("time:Instant")))
            g.add((instant, RDFS.label, rdflib.Literal(str(date), lang="it")))
            g.add((instant, _u(TIME + prop), date))
            g.add((_u(iri), RDFS.label, rdflib.Literal(f"{word} {date}", lang="it")))
            g.add((_u(iri), RDFS.label, rdflib.Literal(f"{word_en} {date}", lang="en")))
        return iri

    def statement(self, kind: kinds.StatementKind, row: Row) -> str:
        for c in kind.columns:
            if c.required and not row.get(c.name):
                raise SheetError(row.where, f"the column {c.name!r} is empty",
                                 hint=f"{c.name}: {c.help}")
        agent = self.entity(row, kind.agent, row.get(kind.agent), person_ok=kind.new_person)
        forum = self.entity(row, kind.forum, row.get(kind.forum))
        resolved = {kind.agent: agent, kind.forum: forum}
        parts = [resolved[n].rsplit("/", 1)[-1] if n in resolved else names.slugify(
                 row.get(n) or getattr(kind.column(n), "default", None) or "")
                 for n in kind.naming or (kind.agent, kind.forum)]
        base = f"{GGID}{kind.folder}/{'-'.join(p for p in parts if p)}"
        iri, n = base, 1
        while (_u(iri), RDF.type, None) in self.graph:
            n += 1
            iri = f"{base}-{n}"
        s, g = _u(iri), self.graph
        for t in kind.types:
            g.add((s, RDF.type, _u(t)))
        dates: dict[str, rdflib.Literal] = {}
        for c in kind.columns:
            raw = row.get(c.name) or (c.default or "")
            if c.value == "seat":
                g.add((s, _u(GG + "appointedTo"), _u(self.seat(row, agent, forum, raw))))
                continue
            if not raw or (c.predicate is None and c.value != "quote"):
                continue
            values = [v.strip() for v in raw.split(";") if v.strip()] if c.many else [raw]
            for value in values:
                if c.value == "quote":
                    g.add((s, _u(GG + "evidence"), _u(self.quote(row, value))))
                    continue
                if c.value == "entity":
                    term: rdflib.term.Node = _u(resolved.get(c.name)
                                                or self.entity(row, c.name, value))
                elif c.value == "role" or c.value.startswith("concept/"):
                    scheme = "role" if c.value == "role" else c.value.removeprefix("concept/")
                    term = _u(f"{GGID}concept/{scheme}/{names.slugify(value)}")
                else:
                    try:
                        term = date_literal(value)
                    except ValueError as exc:
                        raise SheetError(row.where, f"{c.name}: {exc}") from exc
                    dates[c.name] = term
                assert c.predicate is not None
                g.add((s, _u(c.predicate), term))
        if dates and kind.dated is None:
            g.add((s, _p("org:memberDuring"),
                   _u(self.interval(forum, dates.get("start"), dates.get("end")))))
        g.add((s, _p("prov:wasDerivedFrom"), _u(self.source)))
        return iri

    def seat(self, row: Row, member: str, organization: str, role: str) -> str:
        """The one seat (membership, representation, office-holding) ``member`` holds in
        ``organization`` with ``role``: in these sheets, or else in the data."""
        role_iri = _u(f"{GGID}concept/role/{names.slugify(role)}")
        found = {str(m) for m in self.graph.subjects(_p("org:member"), _u(member))
                 if (m, _p("org:organization"), _u(organization)) in self.graph
                 and (m, _p("org:role"), role_iri) in self.graph}
        if not found:
            rows = self.store.query(
                "SELECT ?m WHERE { ?m <http://www.w3.org/ns/org#member> ?who ; "
                "<http://www.w3.org/ns/org#organization> ?org ; "
                "<http://www.w3.org/ns/org#role> ?role }",
                substitutions={"who": ox.NamedNode(member), "org": ox.NamedNode(organization),
                               "role": ox.NamedNode(str(role_iri))})
            found = {r["m"].value for r in rows}  # type: ignore[union-attr]
        short = f"{member.removeprefix(GGID)} as {names.slugify(role)} in " \
            f"{organization.removeprefix(GGID)}"
        if not found:
            raise SheetError(row.where, f"no seat of {short} in the sheets or the data",
                             hint="add the seat as a row of the office, membership or "
                             "representation sheet")
        if len(found) > 1:
            listed = ", ".join(sorted(f.removeprefix(GGID) for f in found))
            raise SheetError(row.where, f"several seats of {short}: {listed}",
                             hint="write the appointment in Turtle, pointing gg:appointedTo "
                             "to the right one")
        return found.pop()

    def run(self, tables: dict[str, list[Row]]) -> list[str]:
        """Add every row; the statements' IRIs."""
        for row in tables.get(ENTITIES, []):
            for c in kinds.ENTITY_COLUMNS:
                if c.required and not row.get(c.name):
                    raise SheetError(row.where, f"the column {c.name!r} is empty",
                                     hint=f"{c.name}: {c.help}")
            self.new_entity(row, row.get("name"), row.get("type").casefold(), row.get("kind"),
                            row.get("label_en"), row.get("part_of"))
        made = [self.statement(kinds.KINDS[k], row) for k in kinds.KINDS
                for row in tables.get(k, [])]
        if not made:
            raise InputError("(spreadsheet)", "no statement rows found",
                             hint=f"name the sheets (or CSV files) {', '.join(kinds.KINDS)}")
        return made


def template_rows() -> dict[str, list[str]]:
    """The header of each sheet of the template."""
    out = {k.name: [c.name for c in k.columns] for k in kinds.KINDS.values()}
    out[ENTITIES] = [c.name for c in kinds.ENTITY_COLUMNS]
    return out


def write_template(path: Path) -> None:
    """The empty template: a workbook (.xlsx) with one sheet per kind and a help sheet, or, for
    a folder, one CSV file per kind."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        help_sheet = book.active
        assert help_sheet is not None
        help_sheet.title = "help"
        help_sheet.append(["sheet", "column", "what it holds"])
        for name, header in template_rows().items():
            sheet = book.create_sheet(name)
            sheet.append(header)
            columns = (kinds.ENTITY_COLUMNS if name == ENTITIES
                       else kinds.KINDS[name].columns)
            for c in columns:
                help_sheet.append([name, c.name, c.help + (" (required)" if c.required else "")])
        book.save(path)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, header in template_rows().items():
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(header)
