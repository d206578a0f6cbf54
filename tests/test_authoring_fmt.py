"""`govgraph fmt` (house-style Turtle: same graph, idempotent, quote offsets completed) and
`govgraph quote` (the quote node of a text, refused when absent or ambiguous)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from govgraph.authoring import fmt
from govgraph.rdf import resources

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests" / "fixtures" / "texts"


def govgraph(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", *args], capture_output=True,
                          text=True, timeout=240, cwd=cwd, check=False)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the fixture source and its text, to edit."""
    shutil.copytree(TEXTS, tmp_path / "texts")
    return tmp_path / "texts"


def graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def test_formatting_the_shipped_data_keeps_the_graph_and_is_idempotent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(resources.folder("data"), data)
    shutil.copytree(resources.folder("sources"), tmp_path / "sources")
    first = govgraph("fmt", str(data))
    assert first.returncode == 0, first.stderr
    # a folder stands for the .ttl files directly in it: not data/registry/ (generated)
    for original in sorted(resources.folder("data").glob("*.ttl")):
        formatted = data / original.name
        assert isomorphic(graph(original), graph(formatted)), original.name
        head = fmt.leading_comments(original.read_text(encoding="utf-8"))
        assert formatted.read_text(encoding="utf-8").splitlines()[:len(head)] == head
    again = govgraph("fmt", "--check", str(data))
    assert again.returncode == 0, again.stderr


def test_shipped_data_is_in_house_style() -> None:
    """The shipped data is in house style: run `govgraph fmt data/` before committing."""
    result = govgraph("fmt", "--check", str(resources.folder("data")))
    assert result.returncode == 0, result.stderr


def test_check_reports_and_changes_nothing(copy: Path) -> None:
    case = copy / "data" / "valid.ttl"
    before = case.read_bytes()
    result = govgraph("fmt", "--check", str(case))
    assert result.returncode == 1 and "valid.ttl: not in house style" in result.stderr
    assert case.read_bytes() == before
    assert govgraph("fmt", str(case)).returncode == 0
    assert isomorphic(graph(case), rdflib.Graph().parse(data=before, format="turtle"))
    assert govgraph("fmt", "--check", str(case)).returncode == 0


def test_house_style_layout(copy: Path) -> None:
    case = copy / "data" / "valid.ttl"
    assert govgraph("fmt", str(case)).returncode == 0
    lines = case.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# A source with its text")
    prefixes = [line for line in lines if line.startswith("@prefix")]
    assert prefixes[0].startswith("@prefix gg:")
    assert "q:01 a gg:Quote , prov:Entity ;" in lines
    quote = lines.index("q:01 a gg:Quote , prov:Entity ;")
    assert [line.split()[0] for line in lines[quote + 1:quote + 5]] == [
        "prov:value", "prov:wasQuotedFrom", "oa:start", "oa:end"]
    # subjects: the source before its text before the quote
    order = [line.split()[0] for line in lines if line and line[0] not in " #@"]
    assert order == ["src:mini", "<https://w3id.org/govgraph/id/source/mini/text>", "q:01"]


def test_missing_offsets_are_completed(copy: Path) -> None:
    case = copy / "data" / "valid.ttl"
    text = case.read_text(encoding="utf-8")
    without = [line for line in text.splitlines() if "oa:start" not in line
               and "oa:end" not in line]
    case.write_text("\n".join(without).replace("prov:wasQuotedFrom src:mini ;",
                                               "prov:wasQuotedFrom src:mini ."), encoding="utf-8")
    assert (None, rdflib.URIRef("http://www.w3.org/ns/oa#start"), None) not in graph(case)
    result = govgraph("fmt", str(case))
    assert result.returncode == 0, result.stderr
    assert isomorphic(graph(case), graph(TEXTS / "data" / "valid.ttl"))
    assert govgraph("validate", "--data-only", str(case)).returncode == 0


def test_ambiguous_quote_is_refused_and_the_file_left_alone(copy: Path) -> None:
    case = copy / "data" / "valid.ttl"
    text = case.read_text(encoding="utf-8")
    ambiguous = text.replace('"coordinato da Maria Rossi"@it', '"Il Comitato di esempio"@it')
    ambiguous = "\n".join(line for line in ambiguous.splitlines()
                          if "oa:start" not in line and "oa:end" not in line)
    ambiguous = ambiguous.replace("prov:wasQuotedFrom src:mini ;", "prov:wasQuotedFrom src:mini .")
    case.write_text(ambiguous, encoding="utf-8")
    result = govgraph("fmt", str(case))
    assert result.returncode == 2
    assert "valid.ttl" in result.stderr and "2 times" in result.stderr and "21–43" in result.stderr
    assert case.read_text(encoding="utf-8") == ambiguous


def test_blank_nodes_and_bad_syntax_are_clear_errors(tmp_path: Path) -> None:
    blank = tmp_path / "blank.ttl"
    blank.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b [ ex:c ex:d ] .\n",
                     encoding="utf-8")
    result = govgraph("fmt", str(blank))
    assert result.returncode == 2 and "blank node" in result.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("ex:a ex:b .\n", encoding="utf-8")
    result = govgraph("fmt", str(broken))
    assert result.returncode == 2 and "broken.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def test_quote_prints_a_node_that_validates(copy: Path) -> None:
    source = copy / "sources" / "mini.txt"
    case = copy / "data" / "valid.ttl"
    result = govgraph("quote", str(source), "si riunisce ogni mese", "--file", str(case))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("q:02 a gg:Quote , prov:Entity ;")
    assert "\"137\"^^xsd:nonNegativeInteger" in result.stdout
    case.write_text(case.read_text(encoding="utf-8") + "\n" + result.stdout, encoding="utf-8")
    assert govgraph("validate", "--data-only", str(case)).returncode == 0


def test_quote_refuses_absent_and_ambiguous_text(copy: Path) -> None:
    case = copy / "data" / "valid.ttl"
    twice = govgraph("quote", "mini", "Il Comitato di esempio", "--file", str(case))
    assert twice.returncode == 2 and twice.stdout == ""
    assert "21–43" in twice.stderr and "114–136" in twice.stderr and "--at" in twice.stderr
    picked = govgraph("quote", "mini", "Il Comitato di esempio", "--at", "114", "--file",
                      str(case))
    assert picked.returncode == 0 and '"114"^^xsd:nonNegativeInteger' in picked.stdout
    absent = govgraph("quote", "mini", "Il Comitato di prova", "--file", str(case))
    assert absent.returncode == 2 and "not in" in absent.stderr
    unknown = govgraph("quote", "no-such-source", "x")
    assert unknown.returncode == 2 and "ctssm-bologna-2022-06" in unknown.stderr
