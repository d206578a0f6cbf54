"""Incremental validation (`govgraph validate FILES --changed FILE`).

The two shipped case files are copied, one fault planted in each; validating with one of them
changed must report exactly the full report's results on the focus nodes of that file (its
subjects and the nodes pointing at them), so the fault of the changed file, not the other's.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from govgraph import cli
from govgraph.rdf import sources
from govgraph.rdf.store import load_store
from govgraph.validation import fastshacl, incremental
from govgraph.validation.validate import Result, shapes_graph, validate

ROOT = Path(__file__).resolve().parents[1]
BOLOGNA, CREMONA = "ctssm-bologna-2022-06.ttl", "provincia-cremona-tavolo-socio-sanitario.ttl"
GG = "https://w3id.org/govgraph/ontology#"
DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


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
    assert "MembershipShape-roleInScheme" in {r.shape.rsplit("#")[-1] for r in full.results}
    assert "MembershipShape-roleInScheme" not in shapes  # the other file's fault is not re-checked


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


# ---- the fast engine restricted to focus nodes; the cache (--cache DIR)

FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("invalid/*.ttl"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fast_engine_on_focus_nodes_gives_their_full_results(path: Path) -> None:
    store = load_store(sources.with_context([path]))
    shapes = shapes_graph()
    plan = fastshacl.compile_shapes(shapes, store)
    full = fastshacl.run(store, plan)
    named = sorted({h.focus for h in full if not h.focus.startswith("_:")})
    subjects = sorted({q.subject.value for q in store.inner
                       if isinstance(q.subject, ox.NamedNode)})
    # every other node with a result, and every third subject of the data
    focus = set(named[::2]) | set(subjects[::3])
    part = fastshacl.run(store, plan, focus)
    assert set(part) == {h for h in full if h.focus in focus}
    assert fastshacl.run(store, plan, set()) == []
    # compiled for the focus nodes (ill-typed literals looked for among their values only)
    about = fastshacl.about(store, focus)
    focused = fastshacl.compile_shapes(shapes, store, focus=about)
    assert set(fastshacl.run(store, focused, about)) == set(part)


SEAT = """\
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ggid: <https://w3id.org/govgraph/id/> .
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any],
                                                                         str]:
    code = cli.main(["validate", *map(str, args), "--format", "json"])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_cache_sees_removed_statements(cases: tuple[Path, Path], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    bologna, cremona = cases
    # a representation's sources stand in a file of their own, which then loses them: only the
    # earlier version of that file says which node lost a required property
    quads = list(ox.parse(path=str(bologna)))
    rep = next(q.subject for q in quads if q.object == ox.NamedNode(GG + "Representation"))
    moved = [q for q in quads if q.subject == rep and q.predicate == DERIVED]
    assert moved
    # rest: named like the shipped case, so that it stands for it (not checked next to it)
    rest, extra = tmp_path / (Path(BOLOGNA).stem + ".nt"), tmp_path / "extra.nt"
    rest.write_text("".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in quads
                            if q not in moved), encoding="utf-8")
    moved_text = "".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in moved)
    extra.write_text(moved_text, encoding="utf-8")
    store = tmp_path / "cache"
    _code, before, _err = _run(capsys, rest, cremona, extra, "--cache", store)
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))["files"]
    assert str(extra.resolve()) in index and len(list((store / "files").iterdir())) == \
        len(set(index.values()))
    assert not [r for r in before["results"] if r["focus"] == rep.value]
    extra.write_text("", encoding="utf-8")
    _code, full, _ = _run(capsys, rest, cremona, extra)
    lost = {_key(r) for r in full["results"] if r["focus"] == rep.value}
    assert any("ProvenanceShape-wasDerivedFrom" in k[2] for k in lost)
    # without the earlier version the loss is not seen
    _code, blind, err = _run(capsys, rest, cremona, extra, "--changed", extra, "--cache",
                             tmp_path / "empty")
    assert "no earlier version of" in err and not lost & {_key(r) for r in blind["results"]}
    # with it, it is; and the report is the full one on the nodes checked
    code, part, err = _run(capsys, rest, cremona, extra, "--changed", extra, "--cache", store)
    assert code == 1 and "no earlier version" not in err
    assert lost <= {_key(r) for r in part["results"]}
    earlier = store / "files" / hashlib.sha256(moved_text.encode()).hexdigest()
    focus = incremental.focus_nodes(load_store(sources.with_context([rest, cremona, extra])),
                                    [sources.SourceFile.of(extra)], {extra: earlier})
    assert rep.value in focus
    assert {_key(r) for r in part["results"]} == {_key(r) for r in full["results"]
                                                  if r["focus"] in focus}


def _key(r: dict[str, Any]) -> tuple[str, ...]:
    return (r["focus"], r["path"] or "", r["shape"], r["constraint"], r["value"] or "")


def test_removed_statement_subject_is_a_focus_node(tmp_path: Path) -> None:
    old, new = tmp_path / "old.ttl", tmp_path / "seat.ttl"
    old.write_text(SEAT + "ggid:mx a org:Membership ; org:member ggid:ba ;\n"
                   "  prov:wasDerivedFrom ggid:ss .\n", encoding="utf-8")
    new.write_text(SEAT + "ggid:oy a org:Membership .\n", encoding="utf-8")
    source = sources.SourceFile.of(new)
    store = load_store([source])
    without = incremental.focus_nodes(store, [source])
    with_old = incremental.focus_nodes(store, [source], {new: old})
    gg = "https://w3id.org/govgraph/id/"
    assert f"{gg}mx" not in without and f"{gg}oy" in without
    assert {f"{gg}mx", f"{gg}ba", f"{gg}ss", f"{gg}oy"} <= with_old


def test_cache_miss_corruption_and_lock(cases: tuple[Path, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bologna, cremona = cases
    store = tmp_path / "cache"
    reference = _run(capsys, bologna, cremona, "--changed", bologna)[1]["results"]
    # miss: no earlier version, said on stderr; the report is the one without a cache
    _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert "no earlier version of" in err and doc["results"] == reference
    # a corrupt copy: said, ignored
    for copy in (store / "files").iterdir():
        copy.write_bytes(b"garbage")
    _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert "missing or corrupt" in err and doc["results"] == reference
    # a corrupt index: said, started again
    (store / "index.json").write_text("{not json", encoding="utf-8")
    _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert "unreadable index" in err and doc["results"] == reference
    assert json.loads((store / "index.json").read_text(encoding="utf-8"))["version"] == 1
    # a hit: nothing said
    _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert err.strip().splitlines()[-1].startswith("does not conform") and \
        "cache" not in err and doc["results"] == reference
    # another file changed behind our back: noticed, checked too
    cremona.write_text(cremona.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert f"also changed since the cache last saw them: {cremona}" in err
    assert "MembershipShape-roleInScheme" in {r["shape"].rsplit("#")[-1] for r in doc["results"]}
    # locked by another process: said, not used
    with (store / "lock").open("ab") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        _code, doc, err = _run(capsys, bologna, cremona, "--changed", bologna, "--cache", store)
    assert "in use by another govgraph process" in err and doc["results"] == reference
