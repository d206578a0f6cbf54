"""The worker processes that run the embedded store's queries, and the slow lane.

Design (embedded store)
    The store is loaded once, in the parent. The constructor forks one *zygote* process
    (multiprocessing ``fork`` context); the zygote starts no thread, so it can fork the query
    workers safely at any later time, each worker inheriting the loaded store copy-on-write (no
    reload, no copy until a page is written; ``gc.freeze()`` in the zygote keeps Python's
    collector from touching the inherited objects). The parent talks to the zygote over one
    socket (``spawn``/``retire``/``stop``) and gets each worker's end of a socket pair back by
    fd passing, so requests and replies go straight between parent and worker. The zygote is
    the workers' parent: it reaps them, so a pid the parent was told is gone cannot be reused
    behind its back. Requests cross as plain tuples (formats as media types), replies as a
    :class:`QueryResponse` (bytes) or a picklable exception (``SyntaxError`` and
    :class:`NotAcceptable` keep their type and message).

Two lanes: cheap queries are not slowed down by expensive ones
    A query still running after ``demote_after`` seconds (default 0.25 s; the named queries
    answer in milliseconds) is *demoted*: its worker's CPU priority is lowered to nice 19
    (``setpriority``, allowed on one's own processes), so the kernel runs every normal-priority
    query first and gives the long one the cores' idle time; and the pool starts another worker
    in its place, so ``workers`` processes stay free for the next cheap queries. At most
    ``slow`` queries (default: ``workers``) run demoted beside the ``workers`` regular ones; a
    query demoted beyond that keeps its place in the pool. A process may not raise its priority
    again, so a demoted worker is retired once its query is over and a fresh one (a fork of the
    zygote: milliseconds) takes its place. This is a two-level feedback queue: no query is
    classified in advance; the ones that show they are long give way.

Trade-offs
    * The zygote is forked from the parent in the constructor, which may already run threads
      (tests; an app built inside a server). fork() copies only the calling thread, so a lock
      another thread held at that moment stays held in the zygote. The zygote and the workers
      only read the store and run Python code, so this is safe unless another thread is inside
      the store at fork time: build the executor before serving (the CLI does).
    * The zygote inherits the parent's file descriptors (a listening socket, other executors'
      sockets); it holds them until it exits. It exits on ``close()``, on SIGTERM, at
      interpreter exit (daemon process) and when the parent's end of its socket closes; workers
      get SIGKILL when the zygote dies (``PR_SET_PDEATHSIG``, Linux).
    * On-disk store (``store_path``): RocksDB runs background threads and holds internal locks,
      so workers do not use the inherited handle; each opens the directory read-only
      (``pyoxigraph.Store.read_only``, ~15 ms per worker start) and sees the data as of that
      moment, which is fine for a store that is loaded before serving and not written after.
    * Memory: a worker starts as a copy-on-write image of the zygote; a long query's memory
      belongs to its worker and is released when the worker is killed.
    * Each query pays a process hop (pickling the request and the reply's bytes, socket
      round trip) on top of the thread hop a thread pool costs anyway: measured on the shipped
      data, ASK 111 µs vs 49 µs in a thread, a 50-row SELECT 427 µs vs 346 µs — about 60-80 µs.
    * A request waits at most ``timeout`` for a worker, then runs at most ``timeout``; the
      time-out then costs ``grace`` (SIGTERM to reap) and a fork to replace the worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import socket
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import Any, TypeAlias

import pyoxigraph as ox

from govgraph.querying.binding import Term
from govgraph.querying.jobs import (
    Overloaded,
    QueryRequest,
    QueryResponse,
    QueryTimeout,
    WorkerCrashed,
    execute,
)
from govgraph.rdf.store import OxigraphStore, Store

#: A query request as it crosses to a worker: formats travel as media types.
_Wire: TypeAlias = tuple[str, str | None, str | None, dict[str, Term],
                         tuple[str, ...] | None, tuple[str, ...] | None, int]
#: A worker's reply: ("ok", QueryResponse) or ("error", exception), and whether the worker
#: should be retired (it holds too much memory of its own).
_Reply: TypeAlias = tuple[str, Any, bool]
_POLL = 0.05  # seconds between checks for a cancelled request while a query runs


def _to_wire(request: QueryRequest) -> _Wire:
    return (request.sparql,
            request.tabular.media_type if request.tabular is not None else None,
            request.graph.media_type if request.graph is not None else None,
            dict(request.substitutions), request.default_graphs, request.named_graphs,
            request.max_rows)


def _from_wire(wire: _Wire) -> QueryRequest:
    sparql, tabular, graph, substitutions, default_graphs, named_graphs, max_rows = wire
    return QueryRequest(
        sparql,
        ox.QueryResultsFormat.from_media_type(tabular) if tabular is not None else None,
        ox.RdfFormat.from_media_type(graph) if graph is not None else None,
        substitutions, default_graphs, named_graphs, max_rows)


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    demoted: bool = False  # running at nice 19: retired after its query
    extra: bool = False  # demoted, and replaced in the pool meanwhile (a slow-lane place)


#: The CPU priority of a demoted query (the lowest).
_NICE = 19


class ProcessPool:
    """The parent's side: a zygote, ``size`` workers, a queue of requests waiting for one."""

    def __init__(self, store: Store, size: int, grace: float,
                 store_path: Path | None, *, demote_after: float, slow: int,
                 recycle_mib: int) -> None:
        self._grace = grace
        self._size = size
        self._demote_after = demote_after
        self._slow = slow
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._live: dict[int, _Worker] = {}
        self._missing = 0  # workers that could not be replaced yet
        self._starting = 0  # workers being forked by _top_up
        self._extra = 0  # live workers in the slow lane (not counted in ``size``)
        self._closed = False
        self._zlock = threading.Lock()  # one conversation with the zygote at a time
        context = get_context("fork")
        self._zconn, theirs = context.Pipe(duplex=True)
        self._zygote = context.Process(
            target=_zygote_main,
            args=(store, store_path, theirs, self._zconn, grace, recycle_mib * 1024),
            name="govgraph-zygote", daemon=True)
        with warnings.catch_warnings():
            # Python >= 3.12 warns about fork() in a threaded process; see "Trade-offs".
            warnings.simplefilter("ignore", DeprecationWarning)
            self._zygote.start()
        theirs.close()
        try:
            for _ in range(size):
                self._add(self._spawn())
        except BaseException:
            self.close()
            raise

    @property
    def zygote_pid(self) -> int:
        assert self._zygote.pid is not None
        return self._zygote.pid

    def pids(self) -> list[int]:
        with self._cond:
            return sorted(self._live)

    def call(self, request: QueryRequest, timeout: float,
             cancelled: threading.Event) -> QueryResponse:
        worker = self._checkout(timeout)
        try:
            status, value, spent = self._exchange(worker, _to_wire(request), timeout, cancelled)
        except BaseException:
            self._replace(worker)
            raise
        if worker.demoted or spent:
            self._replace(worker)
        else:
            self._checkin(worker)
        if status == "ok":
            assert isinstance(value, QueryResponse)
            return value
        assert isinstance(value, BaseException)
        raise value

    def _exchange(self, worker: _Worker, wire: _Wire, timeout: float,
                  cancelled: threading.Event) -> _Reply:
        started = time.monotonic()
        deadline = started + timeout
        try:
            worker.conn.send(wire)
            while True:
                now = time.monotonic()
                remaining = deadline - now
                if remaining <= 0:
                    raise QueryTimeout(f"the query ran longer than {timeout:g} s")
                if cancelled.is_set():
                    raise QueryTimeout("the request was cancelled")
                if not worker.demoted and now - started >= self._demote_after:
                    self._demote(worker)
                if worker.conn.poll(min(remaining, _POLL)):
                    reply: _Reply = worker.conn.recv()
                    return reply
        except (EOFError, OSError) as exc:
            if self._closed:
                raise Overloaded("the query service is shutting down") from exc
            status = self._retire(worker)
            how = (f"signal {signal.Signals(-status).name}" if status is not None and status < 0
                   else f"exit status {status}")
            raise WorkerCrashed(f"the query worker (pid {worker.pid}) died ({how}); "
                                "it has been replaced") from exc

    def _checkout(self, timeout: float) -> _Worker:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self._closed:
                    raise Overloaded("the query service is shutting down")
                worker: _Worker | None
                if self._idle:
                    worker = self._idle.pop()
                    break
                if self._missing:
                    self._missing -= 1
                    worker = None
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Overloaded(f"no query worker became free within {timeout:g} s")
                self._cond.wait(remaining)
        if worker is None or worker.conn.poll(0):  # no worker, or an idle worker that died
            if worker is not None:
                self._retire(worker)
            try:
                worker = self._spawn()
            except WorkerCrashed:
                with self._cond:
                    self._missing += 1
                raise
            with self._cond:
                self._live[worker.pid] = worker
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def _add(self, worker: _Worker) -> None:
        with self._cond:
            self._live[worker.pid] = worker
            self._idle.append(worker)
            self._cond.notify()

    def _demote(self, worker: _Worker) -> None:
        """Move a long query to the slow lane: lowest CPU priority, another worker in its place."""
        worker.demoted = True
        with contextlib.suppress(OSError):  # gone already: the reply or EOF will tell
            os.setpriority(os.PRIO_PROCESS, worker.pid, _NICE)
        with self._cond:
            if worker.pid in self._live and self._extra < self._slow:
                worker.extra = True
                self._extra += 1
        if worker.extra:
            self._top_up()

    def _replace(self, worker: _Worker) -> None:
        """Kill (if need be) and reap ``worker``; start workers until ``size`` are regular."""
        if worker.pid in self._live:
            self._retire(worker)
        self._top_up()

    def _top_up(self) -> None:
        while True:
            with self._cond:
                regular = len(self._live) - self._extra + self._starting + self._missing
                if self._closed or regular >= self._size:
                    return
                self._starting += 1
            try:
                worker = self._spawn()
            except WorkerCrashed:
                with self._cond:
                    self._starting -= 1
                    self._missing += 1
                    self._cond.notify()
                return
            with self._cond:  # an RLock: _add takes it again
                self._starting -= 1
                self._add(worker)

    def _retire(self, worker: _Worker) -> int | None:
        """SIGTERM, SIGKILL after the grace, reap: returns the exit code (-signal)."""
        with self._cond:
            if self._live.pop(worker.pid, None) is not None and worker.extra:
                self._extra -= 1
        worker.conn.close()
        if self._closed:
            return None
        try:
            with self._zlock:
                self._zconn.send(("retire", worker.pid))
                code: int | None = self._zconn.recv()
        except (EOFError, OSError):
            return None
        return code

    def _spawn(self) -> _Worker:
        try:
            with self._zlock:
                self._zconn.send(("spawn", 0))
                pid: int = self._zconn.recv()
                fd = recv_handle(self._zconn)
        except (EOFError, OSError) as exc:
            raise WorkerCrashed("the process that starts query workers is gone") from exc
        return _Worker(pid, Connection(fd))

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        with contextlib.suppress(OSError), self._zlock:
            self._zconn.send(("stop", 0))
        self._zygote.join(self._grace + 2)
        if self._zygote.is_alive():  # its workers die with it (PR_SET_PDEATHSIG)
            self._zygote.kill()
            self._zygote.join(1)
        for worker in idle:
            worker.conn.close()
        self._zconn.close()
        if not self._zygote.is_alive():
            self._zygote.close()


# -- the zygote and the workers (child side) ---------------------------------------------------

def _zygote_main(store: Store, store_path: Path | None, conn: Connection,
                 parents: Connection, grace: float, recycle_kib: int) -> None:
    """Fork workers on request; never start a thread (fork must stay safe here)."""
    parents.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    signal.signal(signal.SIGTERM, _exit_on_signal)
    gc.freeze()  # keep the collector off the inherited objects: fewer copied pages
    workers: set[int] = set()
    try:
        while True:
            try:
                command, pid = conn.recv()
            except EOFError:  # the parent is gone
                return
            if command == "spawn":
                ours, theirs = socket.socketpair()
                zygote = os.getpid()
                pid = os.fork()
                if pid == 0:  # the worker
                    status = 1
                    try:
                        ours.close()
                        conn.close()
                        _worker_main(store, store_path, zygote, Connection(theirs.detach()),
                                     recycle_kib)
                        status = 0
                    except BaseException:
                        traceback.print_exc()
                    finally:
                        os._exit(status)
                theirs.close()
                workers.add(pid)
                conn.send(pid)
                send_handle(conn, ours.fileno(), os.getppid())
                ours.close()
            elif command == "retire":
                workers.discard(pid)
                conn.send(_reap(pid, grace))
            else:  # "stop"
                return
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _reap(pid: int, grace: float) -> int:
    """Stop the child ``pid`` (SIGTERM, then SIGKILL after ``grace`` s) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)  # harmless if it is already dead (a zombie until reaped)
    deadline = time.monotonic() + grace
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)


def _worker_main(store: Store, store_path: Path | None, zygote: int,
                 conn: Connection, recycle_kib: int) -> None:
    """Answer requests until the parent closes its end of the socket; a reply says whether
    the worker should be retired, having more than ``recycle_kib`` of its own memory."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":  # die with the zygote, whatever kills it
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != zygote:  # it died before prctl took effect
        return
    if store_path is not None:  # never touch the inherited RocksDB handle (see "Trade-offs")
        store = OxigraphStore.read_only(store_path, store.version)
    while True:
        try:
            wire: _Wire = conn.recv()
        except EOFError:
            return
        started = time.monotonic()
        try:
            answer: tuple[str, Any] = ("ok", execute(store, _from_wire(wire)))
        except Exception as exc:
            answer = ("error", _portable(exc))
        # Only a long query can have made the worker big; reading the figure costs ~0.1 ms.
        spent = time.monotonic() - started >= _CHECK_AFTER and _private_kib() > recycle_kib
        conn.send((*answer, spent))


#: A query that ran this long (seconds) is followed by a look at the worker's own memory; one
#: holding more than ``recycle_mib`` (ProcessExecutor) is retired after its reply.
_CHECK_AFTER = 0.05


def _private_kib() -> int:
    """Memory this process holds alone (KiB): pages it wrote, the inherited store's included.

    Reading the in-memory store writes to some of its pages, which the kernel then copies for
    the worker (copy-on-write), and the C allocator keeps what a big query freed: four workers
    after a GROUP BY over 10^6 triples held ~450 MB of their own this way. A fresh fork of the
    zygote shares all of it again, so such a worker is retired and replaced (milliseconds).
    """
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:  # not Linux: never recycle on memory
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines()
               if line.startswith(("Private_Clean:", "Private_Dirty:")))


def _portable(exc: Exception) -> BaseException:
    """``exc`` if it survives pickling with its type and message, else a RuntimeError."""
    try:
        copy = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
    except Exception:
        copy = None
    if type(copy) is type(exc) and str(copy) == str(exc):
        return exc
    return RuntimeError(f"{type(exc).__name__}: {exc}")
