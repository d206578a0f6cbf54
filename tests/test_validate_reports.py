"""`govgraph validate` reports: lines in Turtle and TriG, the formats, exit codes, options.

Run in-process through `govgraph.cli.main` (stdout/stderr captured), as a maintainer's CI would
call the command.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from govgraph import cli
from govgraph.rdf import sources
from govgraph.validation.validate import AUTO_THRESHOLD, choose, validate

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
EXTERNAL = ROOT / "tests" / "fixtures" / "external" / "asl-esempio.ttl"
PREFIXES = """\
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix q: <https://w3id.org/govgraph/id/quote/demo/> .
@prefix src: <https://w3id.org/govgraph/id/source/> .
"""
QUOTES = """\
q:good a gg:Quote ;
    prov:value "Innovare"@it ;
    prov:wasQuotedFrom src:ctssm-bologna-2022-06 ;
    oa:start 14 ;
    oa:end 22 .

q:bad a gg:Quote ;
    prov:value "testo"@it ;
    prov:wasQuotedFrom src:ctssm-bologna-2022-06 ;
    oa:start 10 ;
    oa:end 5 .
"""


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def turtle(tmp_path: Path) -> Path:
    path = tmp_path / "quotes.ttl"
    path.write_text(PREFIXES + "\n" + QUOTES, encoding="utf-8")
    return path


@pytest.fixture()
def trig(tmp_path: Path) -> Path:
    path = tmp_path / "quotes.trig"
    body = textwrap.indent(QUOTES, "    ")
    path.write_text(PREFIXES + "\n<https://example.org/graph/quotes> {\n" + body + "}\n",
                    encoding="utf-8")
    return path


def bad_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("q:bad"))


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("kind", ["turtle", "trig"])
def test_line_of_the_focus_node(kind: str, engine: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(kind)
    report = validate(sources.with_context([path]), engine=engine)
    bad = [r for r in report.results if r.focus.endswith("/quote/demo/bad")]
    assert [r.shape.rsplit("#")[-1] for r in bad] == ["QuoteShape-endAfterStart"]
    assert bad[0].file == str(path)
    assert bad[0].line == bad_line(path) == (13 if kind == "turtle" else 14)
    assert not [r for r in report.results if r.focus.endswith("/good")]


def test_text_report_groups_by_file_then_node(capsys: pytest.CaptureFixture[str],
                                              turtle: Path) -> None:
    person = INVALID / "person-with-two-names.ttl"
    code, out, _ = run(capsys, "validate", turtle, person)
    assert code == 1
    lines = out.splitlines()
    files = [line for line in lines if line and not line.startswith(" ")]
    assert files[:2] == sorted([str(turtle), str(person)])
    assert f"  {turtle}:{bad_line(turtle)}: https://w3id.org/govgraph/id/quote/demo/bad" in lines
    assert any(line.startswith("    Violation  oa:end  value: ") for line in lines)
    assert lines[-1].startswith("does not conform: 2 violations, 0 warnings, 0 infos; ")
    assert lines[-1].endswith(f" nodes checked, 2 with results ({len(sources.shipped()) + 2} "
                              "files)")


JSON_FIELDS = {"focus", "focusLabel", "path", "value", "severity", "shape", "constraint",
               "message", "messages", "file", "line"}


def test_json_report_schema(capsys: pytest.CaptureFixture[str], turtle: Path) -> None:
    code, out, err = run(capsys, "validate", turtle, "--format", "json", "--lang", "it")
    doc = json.loads(out)
    assert code == 1 and doc["conforms"] is False
    assert set(doc) == {"conforms", "counts", "files", "engine", "nodes", "results"}
    assert doc["nodes"]["withResults"] == 1 and doc["nodes"]["checked"] > 1
    assert doc["counts"] == {"Violation": 1, "Warning": 0, "Info": 0}
    assert str(turtle) in doc["files"] and doc["engine"] in ("pyshacl", "fast")
    (result,) = doc["results"]
    assert set(result) == JSON_FIELDS
    assert result["line"] == bad_line(turtle) and result["file"] == str(turtle)
    assert result["message"] == result["messages"]["it"] and "finisce" in result["message"]
    assert "does not conform" in err  # the summary goes to stderr for machine formats


def test_github_workflow_commands(capsys: pytest.CaptureFixture[str], turtle: Path) -> None:
    warning = INVALID / "source-without-language.ttl"
    code, out, _ = run(capsys, "validate", turtle, warning, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    error = [line for line in lines if line.startswith("::error ")]
    assert error == [
        f"::error file={turtle},line={bad_line(turtle)},title=ggs%3AQuoteShape-endAfterStart on "
        "oa%3Aend::https://w3id.org/govgraph/id/quote/demo/bad: https://w3id.org/govgraph/id/"
        "quote/demo/bad ends at offset 5, before its start (oa:start): correct the offsets."]
    assert any(line.startswith(f"::warning file={warning},line=") for line in lines)
    assert lines[-1].startswith("::notice title=govgraph validate::does not conform")


def test_sarif_report(capsys: pytest.CaptureFixture[str], turtle: Path) -> None:
    code, out, _ = run(capsys, "validate", turtle, "--format", "sarif")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    (run_,) = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["https://w3id.org/govgraph/shapes#QuoteShape-endAfterStart"]
    (result,) = run_["results"]
    assert result["level"] == "error" and result["ruleId"] == rules[result["ruleIndex"]]["id"]
    location = result["locations"][0]["physicalLocation"]
    assert Path(location["artifactLocation"]["uri"]).name == "quotes.ttl"
    assert location["region"] == {"startLine": bad_line(turtle)}


def test_junit_report(capsys: pytest.CaptureFixture[str], turtle: Path, tmp_path: Path) -> None:
    from junitparser import JUnitXml

    code, out, _ = run(capsys, "validate", turtle, "--format", "junit")
    (tmp_path / "junit.xml").write_text(out, encoding="utf-8")
    suite = next(iter(JUnitXml.fromfile(str(tmp_path / "junit.xml"))))
    assert code == 1 and suite.failures == 1


def test_exit_codes(capsys: pytest.CaptureFixture[str], turtle: Path, tmp_path: Path) -> None:
    warning = INVALID / "source-without-language.ttl"
    assert run(capsys, "validate", warning)[0] == 0  # warnings do not fail
    assert run(capsys, "validate", warning, "--strict")[0] == 1
    assert run(capsys, "validate", turtle)[0] == 1
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", broken)
    assert code == 2 and out == "" and f"{broken}:1" in err
    assert run(capsys, "validate", tmp_path / "missing.ttl")[0] == 2


EXTRA = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <https://example.org/shapes#> .
ex:PersonHomepage a sh:NodeShape ;
    sh:targetClass foaf:Person ;
    sh:property ex:PersonHomepage-homepage .
ex:PersonHomepage-homepage a sh:PropertyShape ;
    sh:path foaf:homepage ;
    sh:minCount 1 ;
    sh:severity sh:Warning ;
    sh:message "Our persons have a homepage."@en .
"""


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_extra_shapes_apply_on_top(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   engine: str) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    person = INVALID / "person-with-two-names.ttl"
    code, out, _ = run(capsys, "validate", person, "--shapes", extra, "--format", "json",
                       "--engine", engine, "--data-only")  # pyshacl: not over the registry
    shapes = {(r["shape"], r["focus"].rsplit("/")[-1]) for r in json.loads(out)["results"]}
    assert code == 1  # govgraph's Violation is still there
    assert ("https://w3id.org/govgraph/shapes#PersonShape-name", "fixture-rossi") in shapes
    assert ("https://example.org/shapes#PersonHomepage-homepage", "fixture-rossi") in shapes


def test_data_only_leaves_out_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--data-only", EXTERNAL, "--format", "json")
    doc = json.loads(out)
    names = sorted(Path(f).name for f in doc["files"])
    assert names == ["alignments.ttl", "asl-esempio.ttl", "govgraph.ttl", "vocabularies.ttl"]
    # the file's own faults only: its bad offsets, and its document without a text
    assert code == 1 and sorted(r["shape"].rsplit("#")[-1] for r in doc["results"]) == [
        "QuoteShape-endAfterStart", "QuoteTextShape"]
    # without --data-only the whole shipped dataset is loaded around the file
    _code, out, _ = run(capsys, "validate", EXTERNAL, "--format", "json")
    around = {Path(f).name for f in json.loads(out)["files"]}
    assert {"reference.ttl", "sources.ttl"} <= around
    assert {Path(f.path).name for f in sources.shipped()} <= around


def test_engine_auto_threshold_and_same_text(capsys: pytest.CaptureFixture[str],
                                             turtle: Path) -> None:
    assert choose("auto", AUTO_THRESHOLD - 1) == "pyshacl"
    assert choose("auto", AUTO_THRESHOLD) == "fast"
    assert choose("pyshacl", 10**9) == "pyshacl"
    outputs = {engine: run(capsys, "validate", turtle, "--engine", engine, "--data-only")[1]
               for engine in ("pyshacl", "fast")}
    assert outputs["pyshacl"] == outputs["fast"]


def test_uncompiled_shape_is_announced(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    extra = tmp_path / "pattern.ttl"
    extra.write_text(EXTRA.replace("sh:minCount 1 ;", 'sh:pattern "^https:" ;'),
                     encoding="utf-8")
    person = INVALID / "person-with-two-names.ttl"
    code, _out, err = run(capsys, "validate", person, "--shapes", extra, "--engine", "fast")
    assert code == 1
    assert "checked by pyshacl: https://example.org/shapes#PersonHomepage" in err
