"""Settings of the HTTP service: one immutable object, built by the CLI or by tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govgraph.querying.executor import ProcessExecutor
from govgraph.rdf.namespaces import BASE
from govgraph.rdf.store import Store


@dataclass(frozen=True, kw_only=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Files to serve; empty means the shipped ontology and data.
    data: tuple[Path, ...] = ()
    #: With the shipped data, also the registries of data/registry/ (ISTAT's territorial bodies).
    registry: bool = True
    #: On-disk store directory (survives restarts); None keeps the store in memory.
    store_path: Path | None = None
    #: Validate the data with the shapes before serving it.
    validate: bool = True
    #: Seconds a query may run before it is stopped (503).
    timeout: float = 30.0
    #: Most result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a response carries.
    max_rows: int = 10_000
    #: Largest request body accepted, in bytes.
    max_body: int = 1_000_000
    #: Queries running at once (worker processes); more wait in a short queue. More workers
    #: than cores keeps cheap queries answered while expensive ones run to their time limit.
    workers: int = 4
    #: Megabytes of answers kept for repeated identical queries (embedded store; 0: none).
    cache_mb: int = 64
    #: Public base IRI of the data, mapped to this server's address for linked-data pages.
    base_iri: str = BASE
    #: Origins allowed by CORS ("*" allows any, without credentials).
    cors_origins: tuple[str, ...] = ("*",)
    #: Remote SPARQL endpoint to front instead of the embedded store.
    endpoint: str | None = None

    def executor(self, store: Store) -> ProcessExecutor:
        """The query executor these settings ask for: the one place they become its options."""
        return ProcessExecutor(store, workers=self.workers, timeout=self.timeout,
                               store_path=self.store_path, cache_bytes=self.cache_mb * 2**20)
