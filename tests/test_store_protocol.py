"""The store protocol holds: validation, export and the pages read the engine only through
:class:`govgraph.rdf.store.Store`, so a remote store dumps the same bytes as the embedded one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT, LiveServer
from govgraph import formats
from govgraph.rdf import export
from govgraph.rdf.remote import RemoteStore
from govgraph.rdf.store import OxigraphStore, Store

PACKAGE = ROOT / "service" / "govgraph"


@pytest.fixture(scope="module")
def remote(shipped_store: OxigraphStore) -> RemoteStore:
    """The shipped data behind a real SPARQL endpoint (govgraph's own, without a row cap)."""
    from conftest import LiveServer as Server
    from govgraph.web.config import Settings

    server = Server(Settings(max_rows=10 * len(shipped_store) + 10), shipped_store)
    server.__enter__()
    yield RemoteStore(server.url + "/sparql", timeout=60)
    server.__exit__(None, None, None)


def _quads(store: Store, *pattern: object) -> set[str]:
    return {str(q) for q in store.quads(*pattern)}  # type: ignore[arg-type]


def test_quad_patterns_agree(shipped_store: OxigraphStore, remote: RemoteStore) -> None:
    every = list(shipped_store.quads())
    assert len(every) == len(shipped_store) == len(list(remote.quads()))
    for quad in every[:: max(1, len(every) // 25)]:  # a spread of patterns over the data
        for pattern in ((quad.subject,), (None, quad.predicate, quad.object),
                        (quad.subject, quad.predicate, None, quad.graph_name)):
            assert _quads(remote, *pattern) == _quads(shipped_store, *pattern)


@pytest.mark.parametrize("fmt", formats.dumps(), ids=lambda f: f.name)
def test_a_remote_store_dumps_the_same_bytes(shipped_store: OxigraphStore, remote: RemoteStore,
                                             fmt: formats.Format) -> None:
    assert export.dump(remote, fmt.name) == export.dump(shipped_store, fmt.name)


def test_dumps_are_served_in_front_of_a_remote_store(
        make_server: Callable[..., LiveServer], shipped_store: OxigraphStore,
        remote: RemoteStore) -> None:
    server = make_server(remote)
    answer = httpx.get(f"{server.url}/dumps/govgraph.nq", timeout=60)
    assert answer.status_code == 200
    assert answer.content == export.dump(shipped_store, "nq")
    assert {q for q in ox.parse(answer.content, format=ox.RdfFormat.N_QUADS)}


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_embedded_store_reaches_pyoxigraph_store() -> None:
    store_module = PACKAGE / "rdf" / "store.py"
    for path in _python_files():
        text = path.read_text()
        if path != store_module:
            assert not re.search(r"\.inner\b", text), f"{path}: .inner outside the store"
        assert not re.search(r"isinstance\([^)]*(OxigraphStore|RemoteStore)\)", text), \
            f"{path}: isinstance on a store class"
