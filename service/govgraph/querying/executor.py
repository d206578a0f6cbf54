"""Running SPARQL queries for the service and the CLI, off the event loop, with limits that really
stop them.

The caller negotiates the format first and hands a :class:`QueryRequest` to
:class:`ProcessExecutor`; it admits the request (``workers`` at a time, ``queue`` waiting, else
:class:`Overloaded`), runs it within ``timeout`` seconds (:class:`QueryTimeout`) in a worker
process for the embedded store (:mod:`govgraph.querying.pool`) or a thread for a remote one, and
returns a :class:`QueryResponse`: bytes, complete before any HTTP status is sent, so a client
never gets a 200 with a truncated body. Repeated requests may be answered from the
:mod:`govgraph.querying.resultcache`.

:meth:`ProcessExecutor.call` runs a Python function of the store (``/api/network``,
``/api/diff``) the same way: admitted, in a worker process that the time limit kills (the
embedded store), or in a thread whose answer the time limit drops (a remote store, whose own
requests time out).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from govgraph.querying.jobs import (
    CallRequest,
    Job,
    NotAcceptable,
    Overloaded,
    QueryRequest,
    QueryResponse,
    QueryTimeout,
    WorkerCrashed,
    execute,
    run_job,
)
from govgraph.querying.pool import ProcessPool
from govgraph.querying.resultcache import ResultCache
from govgraph.rdf.store import Store

#: Re-exported: the HTTP layer and the tests take everything about running queries from here.
__all__ = ["CallRequest", "NotAcceptable", "Overloaded", "ProcessExecutor", "QueryRequest",
           "QueryResponse", "QueryTimeout", "WorkerCrashed", "execute"]


class ProcessExecutor:
    """Runs queries with a time limit that stops them, ``workers`` at a time (see the module).

    ``queue`` requests may wait for a worker; ``grace`` is how long a timed-out worker gets
    between SIGTERM and SIGKILL; a query running longer than ``demote_after`` seconds is
    demoted to the slow lane, where ``slow`` of them may run (see the module).
    ``store_path`` is the directory of an on-disk store, which workers then open read-only.
    ``cache_bytes`` > 0 keeps answers of the embedded store for repeated requests
    (:mod:`govgraph.querying.resultcache`). A worker left holding more than ``recycle_mib`` MiB of
    its own memory after a query is replaced by a fresh fork
    (:func:`govgraph.querying.pool._private_kib`).
    """

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0,
                 queue: int = 64, grace: float = 0.2, demote_after: float = 0.25,
                 slow: int | None = None, store_path: Path | None = None,
                 cache_bytes: int = 0, recycle_mib: int = 64) -> None:
        if workers < 1:
            raise ValueError("an executor needs at least one worker")
        self.timeout = timeout
        self._store = store
        slow = workers if slow is None else slow
        self._capacity = workers + slow + queue
        self._admitted = 0
        self._lock = threading.Lock()
        self._closed = False
        self._pool = (ProcessPool(store, workers, grace, store_path, demote_after=demote_after,
                                  slow=slow, recycle_mib=recycle_mib)
                      if store.local else None)
        self.cache = (ResultCache(max_bytes=cache_bytes)
                      if cache_bytes > 0 and self._pool is not None else None)
        self._threads = ThreadPoolExecutor(
            max_workers=self._capacity if self._pool is not None else workers,
            thread_name_prefix="govgraph-query")

    @property
    def zygote_pid(self) -> int | None:
        """The pid of the process that forks the workers (None: queries run in threads)."""
        return self._pool.zygote_pid if self._pool is not None else None

    def worker_pids(self) -> list[int]:
        """The pids of the live worker processes, idle or busy (empty: queries run in threads)."""
        return self._pool.pids() if self._pool is not None else []

    async def run(self, request: QueryRequest) -> QueryResponse:
        if self.cache is not None and (kept := self.cache.get(request)) is not None:
            return kept
        response = await self._run(request)
        assert isinstance(response, QueryResponse)
        if self.cache is not None:
            self.cache.put(request, response)
        return response

    async def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(store, *args)`` within the time limit (:class:`CallRequest`: module-level
        function, picklable arguments and value); never cached."""
        return await self._run(CallRequest(function, args))

    async def _run(self, request: Job) -> object:
        with self._lock:
            if self._closed:
                raise Overloaded("the query service is shutting down")
            if self._admitted >= self._capacity:
                raise Overloaded("too many queries are running or waiting; try again later")
            self._admitted += 1
            cancelled = threading.Event()
            future: Future[object]
            if self._pool is not None:
                future = self._threads.submit(self._pool.call, request, self.timeout, cancelled)
            else:
                future = self._threads.submit(run_job, self._store, request)
        future.add_done_callback(self._release)  # outside the lock: it may run at once
        try:
            if self._pool is not None:  # the pool enforces the time limit itself
                return await asyncio.wrap_future(future)
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError as exc:
            raise QueryTimeout(f"the {'query' if isinstance(request, QueryRequest) else 'work'} "
                               f"ran longer than {self.timeout:g} s") from exc
        except asyncio.CancelledError:
            cancelled.set()  # the client went away: stop its query too
            raise

    def _release(self, _future: Future[object]) -> None:
        with self._lock:
            self._admitted -= 1

    def close(self) -> None:
        """Stop the workers and the zygote (within about ``grace`` + 3 s) and the threads."""
        with self._lock:
            self._closed = True
        if self._pool is not None:
            self._pool.close()
        self._threads.shutdown(wait=False, cancel_futures=True)
