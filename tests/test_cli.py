"""The govgraph command as a user runs it: exit codes, streams, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from junitparser import JUnitXml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPRESENTATION = "https://w3id.org/govgraph/id/representation/broken-seat"


def govgraph(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def invalid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A representation with no principal and a bad date: violations in two constraints."""
    path = tmp_path_factory.mktemp("data") / "broken.ttl"
    path.write_text(f"""
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{REPRESENTATION}> a gg:Representation ;
    rdfs:label "Seggio <rotto> \\"di prova\\""@it ;
    gg:startDate "not a date" .
""", encoding="utf-8")
    return path


def test_shipped_data_is_valid() -> None:
    run = govgraph("validate")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "conforms" in run.stdout
    assert "Traceback" not in run.stderr


def test_violations_exit_1_and_group_by_focus_node(invalid_file: Path) -> None:
    run = govgraph("validate", invalid_file)
    assert run.returncode == 1
    assert run.stdout.count(REPRESENTATION) == 1, "results are grouped under one node heading"
    heading = next(line for line in run.stdout.splitlines() if REPRESENTATION in line)
    assert 'Seggio <rotto> "di prova"' in heading
    assert f"{invalid_file}:5" in heading, "names the file and the line of the node"
    assert "gg:startDate" in run.stdout and "not a date" in run.stdout
    assert "does not conform" in run.stdout


def test_json_report_in_both_languages(invalid_file: Path) -> None:
    reports = {}
    for lang in ("en", "it"):
        run = govgraph("validate", invalid_file, "--format", "json", "--lang", lang)
        assert run.returncode == 1
        reports[lang] = json.loads(run.stdout)
        assert "does not conform" in run.stderr, "the summary goes to stderr, data to stdout"
    en, it = reports["en"], reports["it"]
    assert en["conforms"] is False and en["counts"]["Violation"] >= 2
    focus = {r["focus"] for r in en["results"] if r["severity"] == "Violation"}
    assert REPRESENTATION in focus
    for r_en, r_it in zip(en["results"], it["results"], strict=True):
        assert r_en["shape"] == r_it["shape"]
        assert r_en["message"] and r_it["message"]
        if "en" in r_en["messages"] and "it" in r_en["messages"]:
            assert r_en["message"] != r_it["message"]
    assert any(r["line"] == 5 and r["file"] == str(invalid_file) for r in en["results"])


def test_junit_report_is_read_by_a_junit_parser(invalid_file: Path, tmp_path: Path) -> None:
    run = govgraph("validate", invalid_file, "--format", "junit")
    assert run.returncode == 1
    xml = tmp_path / "report.xml"
    xml.write_text(run.stdout, encoding="utf-8")
    suites = JUnitXml.fromfile(str(xml))
    cases = [case for suite in suites for case in suite]
    failed = [case for case in cases if not case.is_passed]
    assert any(case.name == REPRESENTATION for case in failed)


def test_junit_report_of_valid_data_passes(tmp_path: Path) -> None:
    run = govgraph("validate", "--format", "junit")
    assert run.returncode == 0
    xml = tmp_path / "ok.xml"
    xml.write_text(run.stdout, encoding="utf-8")
    cases = [case for suite in JUnitXml.fromfile(str(xml)) for case in suite]
    assert cases and all(case.is_passed for case in cases)


def test_syntax_error_names_file_and_line_exit_2() -> None:
    path = FIXTURES / "cli" / "syntax-error.ttl"
    run = govgraph("validate", path)
    assert run.returncode == 2
    assert f"{path}:6" in run.stderr
    assert "syntax error" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_missing_file_exit_2(tmp_path: Path) -> None:
    run = govgraph("validate", tmp_path / "nope.ttl")
    assert run.returncode == 2
    assert "nope.ttl" in run.stderr and "no such file" in run.stderr


@pytest.mark.parametrize("suffix,content", [
    (".nt", "<https://w3id.org/govgraph/id/x> <http://p> \"unterminated .\n"),
    (".jsonld", '{"@id": "https://w3id.org/govgraph/id/x", \n "http://p": [\n'),
])
def test_syntax_errors_in_other_formats(tmp_path: Path, suffix: str, content: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    run = govgraph("validate", path)
    assert run.returncode == 2
    assert str(path) in run.stderr and "Traceback" not in run.stderr


def test_warnings_fail_only_when_strict() -> None:
    """A forum without an English label is a Warning: exit 0, unless --strict."""
    path = FIXTURES / "invalid" / "forum-without-english-label.ttl"
    run = govgraph("validate", path, "--format", "json")
    report = json.loads(run.stdout)
    assert report["counts"]["Warning"] >= 1 and report["counts"]["Violation"] == 0
    assert run.returncode == 0
    assert govgraph("validate", path, "--strict").returncode == 1


@pytest.mark.filterwarnings("ignore:(Dataset|ConjunctiveGraph).*deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt,rdflib_format", [
    ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("trig", "trig"),
])
def test_export_round_trips(shipped_store: object, tmp_path: Path, fmt: str,
                            rdflib_format: str) -> None:
    out = tmp_path / f"dump.{fmt}"
    run = govgraph("export", "--format", fmt, "-o", out)
    assert run.returncode == 0, run.stderr
    dataset = rdflib.Dataset()
    dataset.parse(data=out.read_bytes(), format=rdflib_format)
    triples = {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}
    assert (rdflib.URIRef("https://w3id.org/govgraph/ontology"), rdflib.RDF.type,
            rdflib.OWL.Ontology) in triples
    if fmt == "trig":
        names = {str(g.identifier) for g in dataset.graphs()}
        assert "https://w3id.org/govgraph/graph/ctssm-bologna-2022-06" in names
        assert "https://w3id.org/govgraph/graph/reference" in names


def test_export_is_deterministic() -> None:
    first, second = govgraph("export", "--format", "ttl"), govgraph("export", "--format", "ttl")
    assert first.returncode == 0 and first.stdout == second.stdout


def test_export_matches_the_store(shipped_store: object) -> None:
    run = subprocess.run([sys.executable, "-m", "govgraph", "export", "--format", "nt"],
                         capture_output=True, timeout=300, check=True)
    exported = {str(t) for t in ox.parse(run.stdout, ox.RdfFormat.N_TRIPLES)}
    assert len(exported) > 500
