"""The worker processes that run the embedded store's queries, so that a query past its time
limit can be stopped for real (pyoxigraph cannot cancel a query; a process can be killed).

A *zygote* process, forked once from the loaded store, forks the workers (copy-on-write, no
reload); requests and replies go straight between the parent and a worker over a socket. A query
still running after ``demote_after`` seconds is *demoted* (nice 19) and a new worker takes its
place, so cheap queries never wait behind long ones (the "slow lane"); a worker that died or
grew beyond ``recycle_mib`` is replaced. The design and its trade-offs: docs/reliability.md,
"The worker processes"; the figures: bench/RESULTS.md.
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
    CallRequest,
    Job,
    Overloaded,
    QueryRequest,
    QueryTimeout,
    WorkerCrashed,
    run_job,
)
from govgraph.rdf.store import OxigraphStore, Store

#: A query request as it crosses to a worker: formats travel as media types (a call crosses
#: as it is).
_Wire: TypeAlias = tuple[str, str | None, str | None, dict[str, Term],
                         tuple[str, ...] | None, tuple[str, ...] | None, int] | CallRequest
#: A worker's reply: ("ok", QueryResponse) or ("error", exception), and whether the worker
#: should be retired (it holds too much memory of its own).
_Reply: TypeAlias = tuple[str, Any, bool]
_POLL = 0.05  # seconds between checks for a cancelled request while a query runs


def _to_wire(request: Job) -> _Wire:
    if isinstance(request, CallRequest):
        return request
    return (request.sparql,
            request.tabular.media_type if request.tabular is not None else None,
            request.graph.media_type if request.graph is not None else None,
            dict(request.substitutions), request.default_graphs, request.named_graphs,
            request.max_rows)


def _from_wire(wire: _Wire) -> Job:
    if isinstance(wire, CallRequest):
        return wire
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

    def call(self, request: Job, timeout: float, cancelled: threading.Event) -> object:
        """The job's value (:func:`govgraph.querying.jobs.run_job`), run in a worker."""
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
            answer: tuple[str, Any] = ("ok", run_job(store, _from_wire(wire)))
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
