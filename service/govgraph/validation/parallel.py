"""Independent pieces of CPU-bound work on every core, by fork.

pyoxigraph holds the GIL while it evaluates a query, so threads never run two of the validator's
checks at once (measured: 100 % of one core at 10^7 triples with a thread pool). A forked child
shares the loaded store copy-on-write, runs its share of the work and sends the results back
pickled; the parent runs its own share meanwhile. fork() copies only the calling thread, so a lock
another thread held at that moment would stay locked in the child: with more than one thread
running (a server reloading its data, a test session), or where fork does not exist, the work
runs here, in order. Results always come back in the order of the items.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_forked(work: Callable[[T], R], items: Sequence[T], *,
               processes: int | None = None) -> list[R]:
    """``[work(item) for item in items]``, spread over ``processes`` (default: the cores)."""
    count = min(processes or os.cpu_count() or 1, len(items))
    if count < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [work(item) for item in items]
    results: list[R | None] = [None] * len(items)
    children: list[tuple[int, int, int]] = []  # (pid, read end, share)
    try:
        for share in range(1, count):
            children.append(_fork(work, items[share::count], share))
        for index in range(0, len(items), count):
            results[index] = work(items[index])
        for pid, read, share in children:
            answer: list[Any] | None = _collect(pid, read)
            mine = range(share, len(items), count)
            if answer is None:  # the child failed: do its share here
                answer = [work(items[i]) for i in mine]
            for index, result in zip(mine, answer, strict=True):
                results[index] = result
        children.clear()
    finally:
        for pid, read, _ in children:  # only after an error here: stop the others
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.close(read)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return results  # type: ignore[return-value]


def _fork(work: Callable[[T], R], share: Sequence[T], number: int) -> tuple[int, int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read)
            payload = pickle.dumps([work(item) for item in share])
        except BaseException:
            payload, status = b"", 1
        try:
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)
    os.close(write)
    return pid, read, number


def _collect(pid: int, read: int) -> list[Any] | None:
    """The child's results, or None when it failed (the caller then does its share)."""
    with os.fdopen(read, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    answer: list[Any] = pickle.loads(data)  # noqa: S301 - our own child's bytes
    return answer
