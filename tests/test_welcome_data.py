"""Adding a valid case never breaks the suite: a synthetic case (its text and its case file,
tests/fixtures/synthetic/) added to a copy of the data passes validation, every named query and
the pages; warnings fail only with --strict, and the data may acknowledge a justified one."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import LiveServer
from govgraph.querying import queries
from govgraph.rdf import resources, sources
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.web.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic"
INVALID = ROOT / "tests" / "fixtures" / "invalid"


def copy_of_the_data(target: Path) -> Path:
    """A copy of the repository's resources with the synthetic case added."""
    for kind in resources.KINDS:
        shutil.copytree(resources.folder(kind), target / kind)
    for kind in ("data", "sources"):
        for path in (SYNTHETIC / kind).iterdir():
            shutil.copy(path, target / kind / path.name)
    return target


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = copy_of_the_data(tmp_path_factory.mktemp("grown"))
    before = os.environ.get(resources.ROOT_ENV)
    os.environ[resources.ROOT_ENV] = str(root)
    yield root
    if before is None:
        os.environ.pop(resources.ROOT_ENV, None)
    else:
        os.environ[resources.ROOT_ENV] = before


@pytest.fixture(scope="module")
def grown_store(grown: Path) -> OxigraphStore:
    return load_store(sources.shipped())


def govgraph(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", *args], capture_output=True,
                          text=True, timeout=300, cwd=root,
                          env={**os.environ, resources.ROOT_ENV: str(root)}, check=False)


def case_subjects() -> list[str]:
    found = set()
    for path in (SYNTHETIC / "data").glob("*.ttl"):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(quad.subject, ox.NamedNode):
                found.add(quad.subject.value)
    return sorted(found)


def test_the_grown_data_validates(grown: Path) -> None:
    # The fast engine: with the ISTAT registry the dataset is about 160 000 triples, which pyshacl
    # takes many minutes over; both engines' equality is tested on every fixture and on the
    # cases without the registry (test_validate_equivalence.py).
    result = govgraph("validate", "--engine", "fast", root=grown)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "esempio-tavolo-prova-2030-01.ttl" in govgraph(
        "validate", "--format", "json", root=grown).stdout


def test_every_named_query_runs_on_the_grown_data(grown_store: OxigraphStore) -> None:
    """Each query with each of its documented examples, and, for required IRI parameters, with
    each entity of the new case (a query may find nothing, it must not fail)."""
    library = queries.library()
    assert library
    entities = case_subjects()
    for query in library.values():
        runs: list[dict[str, str]] = []
        for example in query.examples:
            words = shlex.split(example)
            runs.append(dict(words[i + 1].split("=", 1) for i, w in enumerate(words)
                             if w == "--param"))
        required = [p for p in query.params if p.required]
        if not required:
            runs.append({})
        elif all(p.type == "iri" for p in required):
            runs += [{p.name: iri for p in required} for iri in entities]
        for values in runs:
            result = queries.run_named_query(grown_store, query, values)
            assert isinstance(result, ox.QuerySolutions), (query.name, values)
            list(result)


def test_the_new_case_is_found_by_the_queries(grown_store: OxigraphStore) -> None:
    rows = list(queries.run_named_query(grown_store, queries.get("representations"), {}))
    agents = {row["agent"].value for row in rows if row["agent"] is not None}
    assert "https://w3id.org/govgraph/id/person/ada-esempio" in agents


def test_the_pages_of_the_grown_data(grown: Path, grown_store: OxigraphStore) -> None:
    with LiveServer(Settings(validate=False), grown_store) as server:
        assert httpx.get(server.url + "/", headers={"Accept": "text/html"}).status_code == 200
        for iri in case_subjects():
            path = "/" + iri.removeprefix("https://w3id.org/govgraph/")
            for accept in ("text/html", "text/turtle"):
                page = httpx.get(server.url + path, headers={"Accept": accept})
                assert page.status_code == 200, (path, accept)
        text = httpx.get(server.url + "/sources/esempio-tavolo-prova-2030-01.txt")
        assert text.status_code == 200 and "Ada Esempio" in text.text
        source = httpx.get(server.url + "/id/source/esempio-tavolo-prova-2030-01",
                           headers={"Accept": "text/html"})
        assert source.text.count("<mark>") == 3 and "does not match" not in source.text


def test_warnings_do_not_fail_without_strict() -> None:
    warning = INVALID / "mandate-without-status.ttl"
    assert govgraph("validate", str(warning), root=ROOT).returncode == 0
    assert govgraph("validate", "--strict", str(warning), root=ROOT).returncode == 1


def test_an_acknowledged_warning_is_an_info(tmp_path: Path) -> None:
    """`?node gg:acknowledges <shape>` (with an editorial note saying why) turns that shape's
    warning on that node into an Info, which passes --strict."""
    case = tmp_path / "acknowledged.ttl"
    case.write_text((INVALID / "mandate-without-status.ttl").read_text(encoding="utf-8") + """
man:fixture-studio gg:acknowledges <https://w3id.org/govgraph/shapes#MandateShape-statusCount> ;
    skos:editorialNote "The source gives no status."@en .
""", encoding="utf-8")
    result = govgraph("validate", "--strict", str(case), root=ROOT)
    assert result.returncode == 0, result.stdout
    assert "Info" in result.stdout and "acknowledged in the data" in result.stdout
