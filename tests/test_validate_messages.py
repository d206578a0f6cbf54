"""What `govgraph validate` says (issue 17): how many nodes it checked and how many have
results; each message once per node and path; the kinds to choose from named; a file checked in
the context of the whole shipped dataset unless --data-only. Through the command (a subprocess)
and through the Python API (govgraph.validation)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from govgraph.rdf import sources
from govgraph.validation import report
from govgraph.validation.validate import validate

ROOT = Path(__file__).resolve().parents[1]
LINKS = ROOT / "tests" / "fixtures" / "cli" / "links-another-case.ttl"
FORUM_KINDS = ("conference", "working-group", "technical-working-group", "concertation-table",
               "thematic-table", "steering-committee", "plenary")
BAD_KIND = """\
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/govgraph/id/forum/demo-tavolo> a gg:Forum ;
    rdfs:label "Tavolo"@it , "Table"@en ;
    org:classification "tavolo" .
<https://w3id.org/govgraph/id/body/demo-comune> a gg:Body ;
    rdfs:label "Comune"@it , "Municipality"@en ;
    org:classification "comune" .
"""
BODY_KINDS = ("municipality", "region", "health-trust", "health-consortium")


def cli(*args: str | Path) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "govgraph", "validate", *map(str, args)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _json(out: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_summary_says_how_many_nodes_were_checked() -> None:
    code, out, _ = cli()
    assert code == 0
    last = out.splitlines()[-1]
    # infos (e.g. ones the data acknowledges) do not stop the data conforming
    match = re.fullmatch(r"conforms: 0 violations, 0 warnings, (\d+) infos?; (\d+) nodes "
                         r"checked, (\d+) with results \((\d+) files\)", last)
    assert match, last
    infos, checked, with_results = int(match[1]), int(match[2]), int(match[3])
    assert checked > 100  # every entity, statement and quote of the shipped data
    assert with_results <= infos
    code, out, _ = cli("--format", "json")
    assert _json(out)["nodes"] == {"checked": checked, "withResults": with_results}
    # the API says the same
    rep = validate(sources.shipped())
    assert rep.checked == checked
    assert report.summary(rep) == last


def test_one_message_per_node_path_and_value(tmp_path: Path) -> None:
    bad = tmp_path / "bad-kind.ttl"
    bad.write_text(BAD_KIND, encoding="utf-8")
    code, out, _ = cli(bad, "--format", "json")
    assert code == 1
    # sh:nodeKind speaks for a literal kind; the open schemes' membership checks are on IRIs
    for node, kinds in (("/demo-tavolo", FORUM_KINDS), ("/demo-comune", BODY_KINDS)):
        results = [r for r in _json(out)["results"] if r["focus"].endswith(node)]
        assert len(results) == 1, results
        message = results[0]["message"]
        assert all(kind in message for kind in kinds), message
        assert "listed" not in message
    for engine in ("pyshacl", "fast"):
        rep = validate(sources.with_context([bad]), engine=engine)
        assert [r.path for r in rep.results].count(
            "http://www.w3.org/ns/org#classification") == 2, engine
        for r in rep.results:
            kinds = FORUM_KINDS if r.focus.endswith("/demo-tavolo") else BODY_KINDS
            assert all(kind in r.message("it") for kind in kinds), engine


def test_a_file_is_checked_with_the_other_cases() -> None:
    code, out, err = cli(LINKS, "--format", "json")
    doc = _json(out)
    # its links resolve against the other cases; the one finding is that its invented source
    # declares no text (the fixture has none by design)
    assert [r["shape"].rsplit("#")[-1] for r in doc["results"]] == ["QuoteTextShape"], err + out
    files = {Path(f).name for f in doc["files"]}
    assert {"ctssm-bologna-2022-06.ttl", "provincia-cremona-tavolo-socio-sanitario.ttl",
            LINKS.name} <= files
    # --data-only: the ontology alone, so the forum, the body and the source are unknown
    code, out, _ = cli(LINKS, "--data-only", "--format", "json")
    doc = _json(out)
    assert code == 1
    assert "ctssm-bologna-2022-06.ttl" not in {Path(f).name for f in doc["files"]}
    assert any(r["value"] == "https://w3id.org/govgraph/id/forum/gruppo-tecnico-ctssm-bologna"
               for r in doc["results"])


def test_help_says_the_whole_dataset_is_the_context() -> None:
    _code, out, _ = cli("--help")
    text = " ".join(out.split())
    assert "in the context of the whole shipped dataset" in text
    assert "--data-only" in text
