"""The dataset behind every command and the service: a store that answers SPARQL.

:class:`Store` is the small protocol the CLI and the HTTP service program against; the
embedded :class:`OxigraphStore` (pyoxigraph, in memory or on disk) implements it. Loading is all or
nothing: a store is filled completely before anyone gets it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeAlias

import pyoxigraph as ox

from govgraph.querying.binding import Term, bind
from govgraph.rdf.namespaces import PREFIXES
from govgraph.rdf.sources import InputError, SourceFile, syntax_error

QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Subject: TypeAlias = ox.NamedNode | ox.BlankNode
Graph: TypeAlias = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Progress: TypeAlias = Callable[[SourceFile, int], None]


class Store(Protocol):
    """What govgraph needs from a SPARQL store."""

    @property
    def version(self) -> str:
        """A short string that changes whenever the data changes (for ETags and /health)."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless
        ``default_graphs`` names some. ``substitutions`` bind variables to RDF terms
        (:func:`govgraph.querying.binding.bind`). Raises ``SyntaxError`` on a malformed query."""

    @property
    def local(self) -> bool:
        """Whether the engine runs in this process: its queries then use this process's CPU and
        memory and cannot be cancelled, so the executor runs them in worker processes."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: Graph | None = None) -> Iterator[ox.Quad]:
        """The quads that match a pattern (None matches anything): index look-ups for
        validation, bulk reads for dumps."""

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""

    def __len__(self) -> int:
        """The number of quads."""


class OxigraphStore:
    """The embedded store: pyoxigraph, in memory or in a directory."""

    def __init__(self, inner: ox.Store, version: str, *, size: int | None = None,
                 on_disk: bool = False) -> None:
        self._inner = inner
        self._version = version
        #: in a directory (RocksDB, whose threads a fork would not copy), not in memory
        self.on_disk = on_disk
        # Counting scans the whole store (70 ms at 1e6 triples in memory, 0.5 s on disk): done
        # once, as the data is not written after it is wrapped (the service loads, then
        # serves), or not at all when the caller knows it (``size``).
        self._len: int | None = size
        self._graphs: list[str] | None = None

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], version: str) -> OxigraphStore:
        """A new in-memory store holding ``quads``."""
        inner = ox.Store()
        inner.extend(quads)
        return cls(inner, version)

    @classmethod
    def read_only(cls, path: Path, version: str) -> OxigraphStore:
        """An on-disk store opened read-only (a query worker's own handle)."""
        return cls(ox.Store.read_only(str(path)), version, on_disk=True)

    @property
    def inner(self) -> ox.Store:
        """The pyoxigraph store itself (tests; the rest of govgraph uses the protocol)."""
        return self._inner

    @property
    def version(self) -> str:
        return self._version

    @property
    def local(self) -> bool:
        return True

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: Graph | None = None) -> Iterator[ox.Quad]:
        return self._inner.quads_for_pattern(subject, predicate, obj, graph)

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        return self._inner.query(
            bind(sparql, substitutions or {}),
            prefixes=PREFIXES,
            use_default_graph_as_union=default_graphs is None,
            default_graph=[ox.NamedNode(g) for g in default_graphs] if default_graphs else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
        )

    def graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = sorted(g.value for g in self._inner.named_graphs()
                                  if isinstance(g, ox.NamedNode))
        return list(self._graphs)

    def __len__(self) -> int:
        if self._len is None:
            self._len = len(self._inner)
        return self._len


def load_store(
    sources: Sequence[SourceFile], *, path: Path | None = None, progress: Progress | None = None
) -> OxigraphStore:
    """Load files into a new store (in memory, or in the directory ``path``).

    Raises :class:`InputError` naming the file and line of the first unreadable input; the
    store is then discarded, so a caller that already serves a good store keeps serving it.
    """
    try:
        inner = ox.Store(str(path)) if path is not None else ox.Store()
    except OSError as exc:
        raise InputError(path or "store", f"cannot open the store: {exc}",
                         hint="is another govgraph process using this directory?") from exc
    digest = hashlib.sha256()
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc
        digest.update(source.graph.encode() + b"\0" + data)
        try:
            inner.load(data, source.format, to_graph=ox.NamedNode(source.graph))
        except SyntaxError as exc:
            raise syntax_error(source, exc) from exc
        if progress is not None:
            progress(source, len(data))
    inner.optimize() if path is not None else None
    return OxigraphStore(inner, digest.hexdigest()[:16], on_disk=path is not None)


async def version_of(store: Store) -> str:
    """The dataset version; read in a thread when that may mean I/O (a remote store), so that
    the event loop never waits on the network."""
    if store.local:
        return store.version
    return await asyncio.to_thread(lambda: store.version)
