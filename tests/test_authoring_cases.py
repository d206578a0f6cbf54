"""`govgraph new-case` (a source registered, a skeleton that validates) and `govgraph
import-sheet` (statements from CSV, .xlsx and .ods; names resolved; quotes located; validated
before writing; nothing written on error), in copies of the data (GOVGRAPH_ROOT)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from govgraph.authoring import kinds, sheets
from govgraph.rdf import resources

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "docs" / "templates"
EXAMPLE = TEMPLATES / "example-ctssm-bologna-membership.csv"
SEED_CASE = ROOT / "tests" / "fixtures" / "seed-cases" / "ctssm-bologna-2022-06.ttl"
SYNTHETIC_TEXT = ROOT / "tests" / "fixtures" / "synthetic" / "sources" / \
    "esempio-tavolo-prova-2030-01.txt"
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
GG = rdflib.Namespace("https://w3id.org/govgraph/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for kind in resources.KINDS:
        shutil.copytree(resources.folder(kind), tmp_path / kind)
    return tmp_path


def govgraph(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", *args], capture_output=True,
                          text=True, timeout=300, cwd=root,
                          env={**os.environ, resources.ROOT_ENV: str(root)}, check=False)


def seats(graph: rdflib.Graph, forum: rdflib.URIRef) -> set[tuple[object, ...]]:
    """(member, role, start date, quoted text) of the memberships in a forum."""
    out = set()
    for m in graph.subjects(ORG.organization, forum):
        if (m, rdflib.RDF.type, ORG.Membership) not in graph:
            continue
        texts = frozenset(str(graph.value(q, PROV.value)) for q in graph.objects(m, GG.evidence))
        out.add((graph.value(m, ORG.member), graph.value(m, ORG.role),
                 graph.value(m, GG.startDate), texts))
    return out


def test_the_worked_example_reproduces_the_seats_of_the_case(root: Path) -> None:
    out = root / "data" / "ctssm-from-sheet.ttl"
    result = govgraph(root, "import-sheet", str(EXAMPLE), "--source", "ctssm-bologna-2022-06",
                      "--out", str(out))
    assert result.returncode == 0, result.stderr
    forum = rdflib.URIRef("https://w3id.org/govgraph/id/forum/gruppo-di-lavoro-ctssm-bologna")
    expected = seats(rdflib.Graph().parse(SEED_CASE), forum)
    assert len(expected) == 9
    assert seats(rdflib.Graph().parse(out), forum) == expected
    assert govgraph(root, "validate").returncode == 0


def _rows() -> list[list[str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as f:
        return [list(r) for r in csv.reader(f)]


def test_xlsx_and_ods_read_like_csv(root: Path, tmp_path: Path) -> None:
    import openpyxl
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "membership"
    for row in _rows():
        sheet.append(row)
    book.create_sheet("notes").append(["ignored"])
    book.save(tmp_path / "case.xlsx")
    doc = OpenDocumentSpreadsheet()
    table = Table(name="membership")
    for row in _rows():
        tr = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "case.ods"))
    printed = []
    for sheet_file in (EXAMPLE, tmp_path / "case.xlsx", tmp_path / "case.ods"):
        result = govgraph(root, "import-sheet", str(sheet_file), "--source",
                          "ctssm-bologna-2022-06", "--dry-run")
        assert result.returncode == 0, result.stderr
        printed.append(rdflib.Graph().parse(data=result.stdout, format="turtle"))
    assert isomorphic(printed[0], printed[1]) and isomorphic(printed[0], printed[2])


def _sheet(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def new_source(root: Path) -> str:
    result = govgraph(root, "new-case", str(SYNTHETIC_TEXT), "--url",
                      "https://www.example.org/comunicato", "--title", "Comunicato di prova",
                      "--publisher", "Comune di Bologna", "--date", "2030-01", "--retrieved",
                      "2030-01-15", "--slug", "prova-2030")
    assert result.returncode == 0, result.stderr
    return "prova-2030"


def test_new_case_registers_a_source_whose_skeleton_validates(root: Path,
                                                              new_source: str) -> None:
    text = root / "sources" / f"{new_source}.txt"
    case = root / "data" / f"{new_source}.ttl"
    assert text.read_bytes() == SYNTHETIC_TEXT.read_bytes()
    content = case.read_text(encoding="utf-8")
    for kind in kinds.KINDS.values():
        assert kind.template in content
    assert "gg:retrievedOn \"2030-01-15\"^^xsd:date" in content
    assert "dct:source <https://www.example.org/comunicato>" in content
    assert govgraph(root, "validate").returncode == 0
    again = govgraph(root, "new-case", str(SYNTHETIC_TEXT), "--url", "https://x.org",
                     "--title", "x", "--publisher", "Comune di Bologna", "--date", "2030",
                     "--slug", new_source)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_case_refuses_an_unknown_publisher_and_writes_nothing(root: Path) -> None:
    result = govgraph(root, "new-case", str(SYNTHETIC_TEXT), "--url", "https://x.org",
                      "--title", "x", "--publisher", "Ente inesistente", "--date", "2030",
                      "--slug", "nothing")
    assert result.returncode == 2 and "not in the data" in result.stderr
    assert not (root / "sources" / "nothing.txt").exists()
    assert not (root / "data" / "nothing.ttl").exists()


def test_sheet_with_new_entities_and_a_new_person(root: Path, new_source: str,
                                                  tmp_path: Path) -> None:
    entities = _sheet(tmp_path, "prova-entities.csv", [
        ["name", "type", "kind", "label_en", "part_of"],
        ["Tavolo di prova per la salute", "forum", "working-group", "Test health table", ""],
        ["Comune di Esempio", "body", "municipality", "Municipality of Esempio", ""]])
    reps = _sheet(tmp_path, "prova-representation.csv", [
        ["forum", "agent", "role", "on_behalf_of", "start", "end", "quote"],
        ["Tavolo di prova per la salute", "Ada Esempio", "coordinator", "Comune di Esempio",
         "", "", "Il tavolo sarà coordinato da Ada Esempio, in rappresentanza del Comune di "
         "Esempio."]])
    result = govgraph(root, "import-sheet", str(entities), str(reps), "--source", new_source)
    assert result.returncode == 0, result.stderr
    assert "new entity person/ada-esempio for 'Ada Esempio'" in result.stderr
    assert "new entity forum/tavolo-di-prova-per-la-salute" in result.stderr
    case = rdflib.Graph().parse(root / "data" / f"{new_source}.ttl")
    rep = rdflib.URIRef("https://w3id.org/govgraph/id/representation/"
                        "ada-esempio-tavolo-di-prova-per-la-salute")
    assert case.value(rep, GG.onBehalfOf) == rdflib.URIRef(
        "https://w3id.org/govgraph/id/body/comune-di-esempio")
    assert govgraph(root, "validate").returncode == 0


@pytest.mark.parametrize(("row", "says"), [
    (["Gruppo di lavoro della CTSSM", "Bologna", "member", "", "", "nato a fine aprile"],
     "ambiguous"),
    (["Gruppo di lavoro della CTSSM", "Ente inesistente", "member", "", "", "nato"],
     "entities sheet"),
    (["Gruppo di lavoro della CTSSM", "Comune di Bologna", "member", "", "",
      "una frase che non c'è"], "not in"),
    (["Gruppo di lavoro della CTSSM", "Comune di Bologna", "member", "aprile", "",
      "è nato a fine aprile 2022"], "not a date"),
])
def test_bad_rows_are_refused_naming_the_row(root: Path, tmp_path: Path, row: list[str],
                                             says: str) -> None:
    sheet = _sheet(tmp_path, "bad-membership.csv",
                   [["forum", "member", "role", "start", "end", "quote"], row])
    out = root / "data" / "bad.ttl"
    result = govgraph(root, "import-sheet", str(sheet), "--source", "ctssm-bologna-2022-06",
                      "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert f"{sheet}:2" in result.stderr and says in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_shipped_templates_match_the_kinds(tmp_path: Path) -> None:
    for name, header in sheets.template_rows().items():
        with (TEMPLATES / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == header, name
    sheets.write_template(tmp_path / "template.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert set(sheets.template_rows()) <= set(book.sheetnames)
