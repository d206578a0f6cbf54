"""Incremental validation (`govgraph validate FILES --changed FILE`).

The two shipped case files are copied, one fault planted in each; validating with one of them
changed must report exactly the full report's results on the focus nodes of that file (its
subjects and the nodes pointing at them), so the fault of the changed file, not the other's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govgraph import cli, incremental, sources
from govgraph.store import load_store
from govgraph.validate import Result, validate

ROOT = Path(__file__).resolve().parents[1]
BOLOGNA, CREMONA = "ctssm-bologna-2022-06.ttl", "provincia-cremona-tavolo-socio-sanitario.ttl"


def plant(text: str, pattern: str, replacement: str) -> str:
    changed, n = re.subn(pattern, replacement, text, count=1)
    assert n == 1, pattern
    return changed


@pytest.fixture()
def cases(tmp_path: Path) -> tuple[Path, Path]:
    bologna, cremona = tmp_path / BOLOGNA, tmp_path / CREMONA
    # a quote ending before its start; a membership role that is no role
    bologna.write_text(plant((ROOT / "data" / BOLOGNA).read_text(encoding="utf-8"),
                             r'oa:end "\d+"\^\^xsd:nonNegativeInteger', 'oa:end "1"^^xsd:'
                             'nonNegativeInteger'), encoding="utf-8")
    cremona.write_text(plant((ROOT / "data" / CREMONA).read_text(encoding="utf-8"),
                             r"org:role role:member", "org:role role:nonsense"),
                       encoding="utf-8")
    return bologna, cremona


def keys(results: list[Result]) -> set[tuple[str, str | None, str, str, str | None]]:
    return {(r.focus, r.path, r.shape, r.constraint, r.value) for r in results}


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_changed_file_gives_the_full_results_on_its_nodes(cases: tuple[Path, Path],
                                                          engine: str) -> None:
    bologna, cremona = cases
    files = sources.with_context([bologna, cremona])
    changed = [f for f in files if f.path == bologna]
    full = validate(files, engine=engine)
    part = validate(files, engine=engine, changed=changed)
    focus = incremental.focus_nodes(load_store(files), changed)
    assert part.checked == len(focus) and len(focus) < 200
    assert keys(part.results) == keys([r for r in full.results if r.focus in focus])
    shapes = {r.shape.rsplit("#")[-1] for r in part.results}
    assert "QuoteShape-endAfterStart" in shapes  # the changed file's fault
    assert "MembershipShape-role" in {r.shape.rsplit("#")[-1] for r in full.results}
    assert "MembershipShape-role" not in shapes  # the other file's fault is not re-checked


def test_focus_nodes_are_subjects_and_their_referrers(cases: tuple[Path, Path]) -> None:
    bologna, cremona = cases
    files = sources.with_context([bologna, cremona])
    store = load_store(files)
    focus = incremental.focus_nodes(store, [f for f in files if f.path == bologna])
    assert "https://w3id.org/govgraph/id/forum/gruppo-di-lavoro-ctssm-bologna" in focus
    assert not any("cremona" in f for f in focus)
    # a node the file only points at (a shared source document) is not re-checked
    assert "https://w3id.org/govgraph/id/source/ctssm-bologna-2022-06" not in focus


def test_cli_changed(cases: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    bologna, cremona = cases
    code = cli.main(["validate", str(bologna), str(cremona), "--format", "json", "--changed",
                     str(bologna)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {r["file"] for r in doc["results"]} == {str(bologna)}
    code = cli.main(["validate", str(bologna), str(cremona), "--changed", str(cremona)])
    out = capsys.readouterr().out
    assert code == 1 and str(bologna) not in out and f"{cremona}:" in out
