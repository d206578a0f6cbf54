"""The validation cache's on-disk store (`govgraph validate --changed F --cache DIR`).

The store must always hold exactly what the files hold now: after edits, new files, files
dropped from the run, graphs renamed, interrupted runs and syntax errors. Each case compares
the store with a fresh in-memory load of the same files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from govgraph import cli
from govgraph.rdf import sources
from govgraph.rdf.sources import InputError, SourceFile
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.validation import cache, cachestore

ROOT = Path(__file__).resolve().parents[1]
BOLOGNA, CREMONA = "ctssm-bologna-2022-06.ttl", "provincia-cremona-tavolo-socio-sanitario.ttl"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in (BOLOGNA, CREMONA):
        (folder / name).write_bytes((ROOT / "data" / name).read_bytes())
    return folder


def _sync(root: Path, files: list[SourceFile], said: list[str]) -> OxigraphStore:
    with cachestore.kept(root, files, lambda s: cache.digest(s.path), changed=True,
                         say=said.append, background=False) as store:
        assert store is not None
        return store


def _canonical(quads: object) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)  # blank nodes named alike
    return set(dataset)


def _same_as_files(store: OxigraphStore, files: list[SourceFile]) -> None:
    expected = _canonical(load_store(files).inner)
    assert _canonical(store.inner) == expected
    assert len(store) == len(expected)  # the count kept in store.json, not recounted


def test_store_follows_the_files(data: Path, tmp_path: Path) -> None:
    root, said = tmp_path / "cache", []
    bologna, cremona = data / BOLOGNA, data / CREMONA
    files = sources.with_context([bologna, cremona])
    store = _sync(root, files, said)
    assert len(said) == 1 and "does not exist yet" in said[0]
    _same_as_files(store, files)
    del store
    # an edit: one statement changed, the rest of the store untouched
    text = bologna.read_text(encoding="utf-8")
    bologna.write_text(re.sub(r"org:role role:member", "org:role role:nonsense", text, count=1),
                       encoding="utf-8")
    store = _sync(root, files, said)
    assert len(said) == 1  # nothing rebuilt
    _same_as_files(store, files)
    del store
    # a file dropped from the run, another added, a graph renamed
    extra = data / "extra.ttl"
    extra.write_text("<https://w3id.org/govgraph/id/x> a "
                     "<https://w3id.org/govgraph/ontology#Forum> .\n", encoding="utf-8")
    files = sources.with_context([bologna, f"{extra}=https://example.org/graph/extra"])
    store = _sync(root, files, said)
    assert len(said) == 1
    _same_as_files(store, files)
    assert "https://example.org/graph/extra" in store.graphs()
    assert not any(g.endswith("provincia-cremona-tavolo-socio-sanitario")
                   for g in store.graphs())


def test_syntax_error_leaves_the_store_as_it_was(data: Path, tmp_path: Path) -> None:
    root, said = tmp_path / "cache", []
    bologna = data / BOLOGNA
    files = sources.with_context([bologna])
    _sync(root, files, said)  # dropped at once: RocksDB allows one handle per directory
    record = (root / "store.json").read_bytes()
    good = bologna.read_bytes()
    bologna.write_bytes(good + b"\n<broken\n")
    with pytest.raises(InputError) as err:
        _sync(root, files, said)
    assert err.value.path == str(bologna) and err.value.line is not None
    assert (root / "store.json").read_bytes() == record
    bologna.write_bytes(good)
    _same_as_files(_sync(root, files, said), files)
    assert len(said) == 1


def test_interrupted_or_unusual_stores_are_built_again(data: Path, tmp_path: Path) -> None:
    root, said = tmp_path / "cache", []
    files = sources.with_context([data / BOLOGNA, data / CREMONA])
    _sync(root, files, said)  # dropped at once: RocksDB allows one handle per directory
    (root / "store.json").unlink()  # a run killed while writing the store
    _same_as_files(_sync(root, files, said), files)
    assert "it was not completed" in said[-1]
    (root / "store.json").write_text("{", encoding="utf-8")
    _same_as_files(_sync(root, files, said), files)
    assert "it was not completed" in said[-1]
    # a changed file that shares its graph with another: built again, not patched
    twin = data / "other"
    twin.mkdir()
    (twin / CREMONA).write_bytes((data / CREMONA).read_bytes().replace(b"role:member",
                                                                        b"role:chair", 1))
    files = sources.with_context([data / BOLOGNA, data / CREMONA, twin / CREMONA])
    _same_as_files(_sync(root, files, said), files)
    assert "shares its graph" in said[-1]
    count = len(said)
    _same_as_files(_sync(root, files, said), files)  # unchanged: nothing to do
    assert len(said) == count
    # a TriG file may declare graphs: built again
    trig = data / "more.trig"
    trig.write_text("<https://example.org/g> { <https://example.org/a> "
                    "<https://example.org/b> <https://example.org/c> }\n", encoding="utf-8")
    files = [*files, SourceFile.of(trig)]
    _same_as_files(_sync(root, files, said), files)
    assert "declare graphs" in said[-1]
    record = json.loads((root / "store.json").read_text(encoding="utf-8"))
    assert record["version"] == cachestore.VERSION and len(record["files"]) == len(files)


def test_cli_changed_with_cache_gives_the_in_memory_report(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bologna, cremona = data / BOLOGNA, data / CREMONA
    root = tmp_path / "cache"
    bologna.write_text(bologna.read_text(encoding="utf-8").replace(
        "org:role role:member", "org:role role:nonsense", 1), encoding="utf-8")

    def run(*extra: str | Path) -> tuple[int, dict[str, object], str]:
        code = cli.main(["validate", str(bologna), str(cremona), "--changed", str(bologna),
                         "--format", "json", *map(str, extra)])
        out = capsys.readouterr()
        return code, json.loads(out.out), out.err

    code, memory, _ = run()
    assert code == 1 and memory["results"]
    first = run("--cache", root)
    assert first[:2] == (code, memory) and "building its store" in first[2]
    again = run("--cache", root)
    assert again[:2] == (code, memory) and "building" not in again[2]
    assert (root / "store").is_dir()


def test_a_full_run_with_cache_prepares_the_next_changed_run(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bologna, cremona = data / BOLOGNA, data / CREMONA
    root = tmp_path / "cache"
    assert cli.main(["validate", str(bologna), str(cremona), "--cache", str(root)]) == 0
    assert "building its store" in capsys.readouterr().err
    assert (root / "store.json").is_file()
    bologna.write_text(bologna.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cli.main(["validate", str(bologna), str(cremona), "--changed", str(bologna),
                     "--cache", str(root)]) == 0
    out = capsys.readouterr()
    assert "building" not in out.err and "conforms" in out.out


def test_unreadable_file_with_a_new_cache(data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bologna = data / BOLOGNA
    bologna.write_bytes(bologna.read_bytes() + b"\n<broken\n")
    root = tmp_path / "cache"
    assert cli.main(["validate", str(bologna), "--changed", str(bologna), "--cache",
                     str(root)]) == 2
    err = capsys.readouterr().err
    assert f"{bologna}:" in err and "syntax error" in err and "Traceback" not in err
    assert not (root / "store.json").exists()  # the builder was stopped: built next time
