"""Shared fixtures: the shipped dataset in a store, and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

from govgraph.rdf import sources
from govgraph.rdf.store import OxigraphStore, Store, load_store
from govgraph.web.app import create_app
from govgraph.web.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shipped_store() -> OxigraphStore:
    """The shipped ontology and data as ``govgraph serve --no-registry`` serves them (the
    registries only with the nodes the cases link to), loaded once for the test session."""
    return load_store(sources.shipped(registry=False))


@pytest.fixture(scope="session")
def full_store() -> OxigraphStore:
    """Everything shipped, the whole registry included (what ``make serve`` serves): for the
    tests of the registry itself."""
    return load_store(sources.shipped())


@pytest.fixture(scope="session")
def ontology_store() -> OxigraphStore:
    """The ontology alone: a store whose size does not grow with the data, for tests of the
    machinery (time limits, workers, formats) rather than of what the data says."""
    return load_store(sources.shipped(data=False))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server running the govgraph app in a background thread."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = replace(settings, port=_free_port())
        self.app = create_app(self.settings, store)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.settings.port,
                                log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server(shipped_store: OxigraphStore) -> Iterator[LiveServer]:
    """The service on the shipped data, default settings, one per session."""
    with LiveServer(Settings(), shipped_store) as server:
        yield server


@pytest.fixture
def make_server() -> Iterator[Callable[..., LiveServer]]:
    """Start extra servers with other settings or stores: ``make_server(store, timeout=1)``."""
    started: list[LiveServer] = []

    def start(store: Store, **overrides: object) -> LiveServer:
        server = LiveServer(replace(Settings(), **overrides), store)  # type: ignore[arg-type]
        started.append(server.__enter__())
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
