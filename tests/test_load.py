"""Load, small: 32 concurrent clients for a few seconds, cheap named queries mixed with queries
that hit the time limit. Assertions on errors, not timings (bench/load.py measures those)."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from conftest import LiveServer
from govgraph.rdf.store import OxigraphStore

pytestmark = pytest.mark.slow


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "load.py"
    spec = importlib.util.spec_from_file_location("govgraph_bench_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    sys.path.insert(0, str(path.parent))  # its sibling procmem.py, as when run as a script
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def test_mixed_load_has_no_unintended_errors(make_server: Callable[..., LiveServer],
                                             shipped_store: OxigraphStore) -> None:
    bench = _bench()
    server = make_server(shipped_store, timeout=1.0, workers=2)
    phase = asyncio.run(bench.run_phase(server.url, "mixed", clients=32, expensive=2,
                                        seconds=8, budget=400, timeout=30))
    assert phase.dropped == []
    assert phase.unintended == []
    assert all(s.startswith(("200", "503")) for s in phase.statuses), phase.statuses
    assert phase.statuses["503 time limit (expensive)"] >= 2  # the expensive ones were stopped
    assert len(phase.cheap_ms) >= 20  # and cheap ones still got through
    after = asyncio.run(bench.run_phase(server.url, "after", clients=4, expensive=0, seconds=2,
                                        budget=20, timeout=30))
    assert after.dropped == [] and set(after.statuses) == {"200"}  # recovered
