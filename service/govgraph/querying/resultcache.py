"""Answers already computed, kept for the next identical request (embedded store only).

The embedded store is not written while it is served (a reload builds a new store, executor and
cache), so an answer stays right for as long as its cache lives; a remote store's data can change
behind the service's back, so it gets no cache. Entries are whole serialized responses in
least-recently-used order within ``max_bytes``. Only the event loop's thread uses a cache
(:meth:`ProcessExecutor.run`), so it takes no lock. Figures: bench/RESULTS.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace

from govgraph.querying.jobs import QueryRequest, QueryResponse


def key(request: QueryRequest) -> Hashable:
    """Everything that decides a response's bytes (terms compared by their N-Triples text)."""
    return (request.sparql,
            request.tabular.media_type if request.tabular is not None else None,
            request.graph.media_type if request.graph is not None else None,
            tuple(sorted((name, str(term)) for name, term in request.substitutions.items())),
            request.default_graphs, request.named_graphs, request.max_rows)


class ResultCache:
    def __init__(self, *, max_bytes: int, max_entry: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 16 if max_entry is None else max_entry
        self._entries: OrderedDict[Hashable, tuple[QueryResponse, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, request: QueryRequest) -> QueryResponse | None:
        """The kept answer (marked ``cached``), or None."""
        wanted = key(request)
        found = self._entries.get(wanted)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(wanted)
        self.hits += 1
        return replace(found[0], cached=True)

    def put(self, request: QueryRequest, response: QueryResponse) -> None:
        size = len(response.body) + len(request.sparql)
        if size > self.max_entry or size > self.max_bytes:
            return
        wanted = key(request)
        old = self._entries.pop(wanted, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[wanted] = (response, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= evicted

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held (bodies and query texts)."""
        return self._bytes
