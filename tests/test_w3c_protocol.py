"""The W3C SPARQL 1.1 Protocol tests against a real server (runner: ``tests/w3c_protocol.py``).

Every query test must pass; every update test must be refused with a 4xx (read-only endpoint).
The last test reports the pass count.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from govgraph.rdf.sources import SourceFile
from govgraph.rdf.store import OxigraphStore, load_store
from w3c_protocol import Case, graph_labels, read_manifest, run

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c" / "sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
CASES: list[Case] = read_manifest(MANIFEST) if MANIFEST.is_file() else []
PASSED: list[str] = []

pytestmark = pytest.mark.skipif(not MANIFEST.is_file(),
                                reason=f"the W3C SPARQL 1.1 Protocol tests are not at {SUITE}")


@pytest.fixture(scope="module")
def w3c_store() -> OxigraphStore:
    """data1.nt-data3.nt in the named graphs the manifest's rdfs:labels give."""
    return load_store([SourceFile.of(SUITE / name, graph=iri)
                       for name, iri in sorted(graph_labels(CASES).items())])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol(case: Case, w3c_store: OxigraphStore,
                      make_server: Callable[..., object]) -> None:
    server = make_server(w3c_store)
    with httpx.Client(base_url=server.url, timeout=30) as client:  # type: ignore[attr-defined]
        failures = run(case, client)
    assert not failures, f"{case.name} ({case.title}):\n" + "\n".join(failures)
    PASSED.append(case.name)


def test_w3c_protocol_pass_count() -> None:
    print(f"\nW3C SPARQL 1.1 Protocol: {len(PASSED)}/{len(CASES)} passed "
          f"({sum(c.is_update for c in CASES)} update tests refused with 4xx, as a read-only "
          "endpoint must)")
    assert len(CASES) == 34
    assert len(PASSED) == len(CASES), f"only {len(PASSED)}/{len(CASES)} W3C protocol tests passed"
