"""The registry's named queries (municipalities, municipality-region, municipalities-by-region)
on their own fixture territory (tests/fixtures/registry/territory.ttl), and the counts by region
on the shipped registry against ISTAT's CSV."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from govgraph.querying import queries
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import OxigraphStore, load_store
from test_registry import rows

FIXTURE = Path(__file__).parent / "fixtures" / "registry" / "territory.ttl"


@pytest.fixture(scope="module")
def territory() -> OxigraphStore:
    return load_store([*sources.shipped(data=False), sources.SourceFile.of(FIXTURE)])


def run(store: OxigraphStore, name: str, **params: str) -> list[dict[str, str]]:
    result = queries.run_named_query(store, queries.get(name), params)
    names = [v.value for v in result.variables]
    return [{n: sol[n].value for n in names if sol[n] is not None} for sol in result]


def test_municipalities_of_a_unit_and_of_a_region(territory: OxigraphStore) -> None:
    of_unit = run(territory, "municipalities", unit="body/uts/901")
    assert [(r["istat"], r["municipalityLabel"]) for r in of_unit] == [
        ("901001", "Alfa"), ("901002", "Beta")]
    assert of_unit[0]["cadastral"] == "Z001" and "cadastral" not in of_unit[1]
    of_region = run(territory, "municipalities", unit="body/regione/91")
    assert [r["istat"] for r in of_region] == ["901001", "901002", "902001"]
    assert {r["utsLabel"] for r in of_region} == {"Provincia A", "Città B"}


def test_a_body_declared_the_same_stands_for_the_registry_node(territory: OxigraphStore) -> None:
    assert run(territory, "municipalities", unit="body/provincia-a") == run(
        territory, "municipalities", unit="body/uts/901")
    [row] = run(territory, "municipality-region", municipality="body/comune-alfa")
    assert row["municipality"] == GGID + "body/comune-alfa"
    assert (row["istat"], row["utsCode"], row["regionCode"]) == ("901001", "901", "91")


def test_region_of_each_municipality(territory: OxigraphStore) -> None:
    for code, region in (("902001", "91"), ("903002", "92")):
        [row] = run(territory, "municipality-region", municipality=f"body/comune/{code}")
        assert (row["istat"], row["regionCode"], row["regionLabel"]) == (
            code, region, "Regione Uno" if region == "91" else "Regione Due")
    assert run(territory, "municipality-region", municipality="body/uts/901") == []


def test_counts_by_region(territory: OxigraphStore) -> None:
    got = {r["regionCode"]: int(r["municipalities"])
           for r in run(territory, "municipalities-by-region")}
    assert got == {"91": 3, "92": 2}


def test_counts_by_region_on_the_shipped_registry_equal_istat() -> None:
    store = load_store(sources.shipped())
    got = {r["regionCode"]: int(r["municipalities"])
           for r in run(store, "municipalities-by-region")}
    assert got == dict(Counter(r["Codice Regione"] for r in rows()))
