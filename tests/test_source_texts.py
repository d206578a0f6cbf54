"""`govgraph validate` checks every quote against its source's text and every text against its
digest, with the same report from both engines (fixtures in tests/fixtures/texts/, one per
failure); the shipped texts are in sources/ and every shipped quote passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from govgraph.authoring import quotes, texts
from govgraph.rdf import resources, sources
from govgraph.rdf.store import OxigraphStore, load_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "texts" / "data"
ENGINES = ("fast", "pyshacl")


def validate(*args: str) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run([sys.executable, "-m", "govgraph", "validate", *args],
                          capture_output=True, text=True, timeout=240, cwd=ROOT, check=False)
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    return proc.returncode, report, proc.stderr


def text_results(name: str, engine: str) -> tuple[int, list[dict[str, Any]]]:
    code, report, stderr = validate("--data-only", str(FIXTURES / name), "--engine", engine,
                                    "--format", "json")
    assert report, stderr
    found = [r for r in report["results"] if r["shape"] == quotes.SHAPE]
    return code, found


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_quote_passes(engine: str) -> None:
    code, found = text_results("valid.ttl", engine)
    assert code == 0 and found == []


@pytest.mark.parametrize(("name", "focus", "says"), [
    ("wrong-offset.ttl", "quote/mini/01", ["«oordinato da Maria Rossi,»", "found at 46–71",
                                           "fix oa:start/oa:end"]),
    ("wrong-offset-ambiguous.ttl", "quote/mini/01", ["«Comunicato»", "2 times, at 21–43, 114–136"]),
    ("not-verbatim.ttl", "quote/mini/01", ["not in the file as written", "46–71"]),
    ("wrong-digest.ttl", "source/mini/text", ["e7f9af8074c65c43", "gg:sha256"]),
    ("no-text.ttl", "quote/mini/01", ["quote/mini/01 is taken from", "source/mini, which "
                                      "declares no text file", "govgraph new-case"]),
])
def test_each_failure_is_reported_alike_by_both_engines(name: str, focus: str,
                                                        says: list[str]) -> None:
    reports = {}
    for engine in ENGINES:
        code, found = text_results(name, engine)
        assert code == 1, engine
        assert [r["focus"] for r in found] == ["https://w3id.org/govgraph/id/" + focus]
        message = found[0]["message"]
        for part in says:
            assert part in message, (engine, message)
        assert "mini.txt" in message or "mini" in found[0]["focus"]
        assert found[0]["file"].endswith(name) and found[0]["line"]
        reports[engine] = found
    assert reports["fast"] == reports["pyshacl"]


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_text_file_is_exit_2_with_a_clear_message(engine: str) -> None:
    code, report, stderr = validate("--data-only", str(FIXTURES / "missing-text.ttl"),
                                    "--engine", engine)
    assert code == 2
    assert "missing-text.ttl:" in stderr and "../sources/absent.txt" in stderr
    assert "Traceback" not in stderr and report == {}


@pytest.mark.parametrize("engine", ENGINES)
def test_corrupted_copy_of_the_shipped_data(tmp_path: Path, engine: str) -> None:
    """One changed character of a shipped text: the digest and the quotes over it fail. Only the
    case file that declares the text is validated (--data-only): pyshacl over the whole data,
    registry included, takes minutes."""
    for kind in ("ontology", "shapes", "data", "queries", "sources"):
        shutil.copytree(resources.folder(kind), tmp_path / kind,
                        ignore=shutil.ignore_patterns(sources.REGISTRY))
    text = sorted((tmp_path / "sources").glob("*.txt"))[0]
    case = next(p for p in sorted((tmp_path / "data").glob("*.ttl"))
                if f'"../sources/{text.name}"' in p.read_text(encoding="utf-8"))
    content = text.read_text(encoding="utf-8")
    middle = len(content) // 2
    text.write_text(content[:middle] + ("X" if content[middle] != "X" else "Y")
                    + content[middle + 1:], encoding="utf-8")
    command = [sys.executable, "-m", "govgraph", "validate", "--engine", engine, "--data-only",
               str(case)]
    env = {**_env(), resources.ROOT_ENV: str(tmp_path)}
    proc = subprocess.run([*command, "--format", "json"], capture_output=True, text=True,
                          timeout=240, cwd=tmp_path, env=env, check=False)
    assert proc.returncode == 1, proc.stderr
    found = [r for r in json.loads(proc.stdout)["results"] if r["shape"] == quotes.SHAPE]
    assert any(r["path"].endswith("#sha256") for r in found)
    text.unlink()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path,
                          env=env, check=False)
    assert proc.returncode == 2 and text.name in proc.stderr


def _env() -> dict[str, str]:
    return dict(os.environ)


def test_every_shipped_quote_has_a_text_and_matches(shipped_store: OxigraphStore) -> None:
    files = sources.shipped()
    declared = texts.from_store(shipped_store, files)
    assert declared, "no source texts declared"
    for t in declared.values():
        assert t.path.is_file() and t.path.parent == resources.folder("sources"), t
        assert t.sha256 == texts.digest(t.path.read_bytes()), t
    assert quotes.check(shipped_store, files) == []
    quoted = shipped_store.query("SELECT DISTINCT ?s WHERE { ?q a gg:Quote ; "
                                 "prov:wasQuotedFrom ?s }")
    assert isinstance(quoted, ox.QuerySolutions)
    for row in quoted:
        assert row["s"].value in declared, f"{row['s']}: quoted, but its text is not in sources/"


def test_locate_refuses_absent_and_ambiguous_text() -> None:
    text = "alpha beta alpha gamma’s"
    assert quotes.locate(text, "beta") == quotes.Span(6, 10)
    with pytest.raises(quotes.QuoteError, match="2 times in the source text, at 0–5, 11–16"
                       ) as ambiguous:
        quotes.locate(text, "alpha")
    assert len(ambiguous.value.spans) == 2
    with pytest.raises(quotes.QuoteError, match="17–24") as close:
        quotes.locate(text, "gamma's")
    assert close.value.spans == [quotes.Span(17, 24)]
    with pytest.raises(quotes.QuoteError, match="not in"):
        quotes.locate(text, "delta")


def test_source_page_links_the_text_and_places_the_quotes(live_server: Any) -> None:
    import httpx

    store_texts = sorted(resources.files("sources", ".txt"))
    assert store_texts
    slug = store_texts[0].stem
    page = httpx.get(f"{live_server.url}/id/source/{slug}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'href="/sources/{slug}.txt"' in page.text and "<mark>" in page.text
    assert "does not match" not in page.text
    text = httpx.get(f"{live_server.url}/sources/{slug}.txt")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert text.content == store_texts[0].read_bytes()
    assert httpx.get(f"{live_server.url}/sources/..%2Fdata%2Fsources.ttl").status_code == 404


def test_other_data_is_served_with_its_own_texts(make_server: Any) -> None:
    """`serve --data`: /sources/ serves the texts that data declares (tests/fixtures/texts/),
    not the shipped sources/ folder."""
    import httpx

    data = FIXTURES / "valid.ttl"
    store = load_store([sources.SourceFile.of(data)])
    server = make_server(store, data=(data,), validate=False, workers=1)
    text = httpx.get(f"{server.url}/sources/mini.txt")
    assert text.status_code == 200
    assert text.content == (FIXTURES.parent / "sources" / "mini.txt").read_bytes()
    shipped = sorted(resources.files("sources", ".txt"))[0].name
    assert httpx.get(f"{server.url}/sources/{shipped}").status_code == 404
    assert httpx.get(f"{server.url}/sources/..%2Fdata%2Fvalid.ttl").status_code == 404
