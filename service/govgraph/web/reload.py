"""Loading the served dataset, and reloading it while serving: the whole dataset or nothing.

:func:`load_dataset` validates the data files (unless ``settings.validate`` is false) and loads
them into a new store; it raises :class:`Refused` (unreadable file, syntax error, SHACL
violation, store directory locked or corrupt) without touching anything that is being served.

:class:`Reloader` reloads a running app: it builds a complete new store and a new query
executor off the event loop, then swaps ``app.state.store`` and ``app.state.executor`` in one
step (two attribute assignments on the event loop, between two requests). A request already
running keeps the executor it started with; that executor is closed once every request it
admitted must have ended (twice the time limit: waiting for a worker, then running). A new
dataset that is refused leaves the last good one in service, and the log says why.

:func:`serve` runs uvicorn with the two triggers: ``SIGHUP``, and with ``watch`` a poll of the
data files' modification times (a file that changed is reloaded once it has stopped changing for
one poll). It also makes ``SIGTERM`` a clean exit (status 0) after uvicorn's graceful shutdown.

An on-disk store (``--store``) is not reloaded: its directory is locked by the running store, so
a new one cannot be built beside it atomically; restart the service instead.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from govgraph.progress import Progress
from govgraph.querying.executor import ProcessExecutor
from govgraph.rdf import sources
from govgraph.rdf.sources import InputError, SourceFile
from govgraph.rdf.store import OxigraphStore, load_store
from govgraph.validation import report
from govgraph.validation.validate import validate
from govgraph.web.config import Settings

#: Seconds between two looks at the data files' modification times (``--watch``).
POLL = 1.0
EXIT_INVALID, EXIT_INPUT = 1, 2

Log = Callable[[str], None]


def stderr(message: str) -> None:
    print(f"govgraph: {message}", file=sys.stderr, flush=True)


class Refused(Exception):
    """A dataset that will not be served; ``exit_code`` 1 (does not conform) or 2 (unreadable)."""

    def __init__(self, message: str, *, exit_code: int = EXIT_INPUT, details: str = "") -> None:
        self.exit_code = exit_code
        self.details = details
        super().__init__(message)


def dataset_files(settings: Settings) -> list[SourceFile]:
    """The files to serve: ``settings.data``, or the shipped ontology and data; with
    ``settings.registry`` false, of the registries only the nodes the other data links to."""
    if settings.data:
        return [SourceFile.of(d) for d in settings.data]
    return sources.shipped(registry=settings.registry)


def load_dataset(settings: Settings, *, log: Log = stderr, label: str = "govgraph serve"
                 ) -> OxigraphStore:
    """Validate (unless disabled) and load the dataset into a new store, or raise Refused."""
    progress = Progress(label)
    try:
        files = dataset_files(settings)

        def load() -> OxigraphStore:
            return load_store(files, path=settings.store_path,
                              progress=lambda s, _n: progress.step(f"loading {s.path.name}"))

        # An in-memory store is loaded once and validated as it is; an on-disk one only
        # after validation, so that refused data never reaches the store directory.
        store = load() if settings.store_path is None else None
        if settings.validate:
            rep = validate(files, progress=progress, store=store)
            if not rep.conforms:
                raise Refused("the data does not conform to the shapes "
                              f"({report.summary(rep)}); not serving it (fix it, or pass "
                              "--no-validate to go on anyway)", exit_code=EXIT_INVALID,
                              details=report.as_text(rep))
            log(f"data valid ({report.summary(rep)})")
        else:
            log("--no-validate: serving the data without checking it")
        store = store if store is not None else load()
    except InputError as exc:
        raise Refused(str(exc)) from exc
    except (OSError, RuntimeError) as exc:
        if settings.store_path is None:
            raise
        # pyoxigraph reports a corrupt RocksDB directory as a RuntimeError ("Corruption: ...")
        raise Refused(f"{settings.store_path}: cannot use the store directory: {exc}\n"
                      "  hint: is it a govgraph store? Move it away (or delete it) and start "
                      "again to rebuild it from the data files") from exc
    finally:
        progress.done()
    log(f"loaded {len(store)} triples in {len(store.graphs())} graphs from {len(files)} files "
        f"(dataset {store.version})")
    return store


class Reloader:
    """Swaps a freshly loaded store and executor into ``app.state``, or keeps the old ones."""

    def __init__(self, app: FastAPI, settings: Settings, *, log: Log = stderr,
                 drain: float | None = None) -> None:
        self.app = app
        self.settings = settings
        self.log = log
        #: Seconds a replaced executor keeps running for the requests it admitted.
        self.drain = 2 * settings.timeout + 1 if drain is None else drain
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()

    async def reload(self, why: str) -> bool:
        """Load the dataset again; True when the new one is now served."""
        async with self._lock:
            old_version = self.app.state.store.version
            self.log(f"reloading the dataset ({why})")
            if self.settings.store_path is not None or self.settings.endpoint:
                self.log("reload refused: only an in-memory store is reloaded while serving "
                         "(restart the service); still serving dataset " + old_version)
                return False
            try:
                store = await asyncio.to_thread(load_dataset, self.settings, log=self.log,
                                                label="govgraph reload")
            except Refused as exc:
                if exc.details:
                    sys.stderr.write(exc.details)
                self.log(f"reload refused: {exc}; still serving dataset {old_version}")
                return False
            executor = await asyncio.to_thread(self.settings.executor, store)
            old = self.app.state.executor
            self.app.state.store, self.app.state.executor = store, executor
            self.log(f"now serving dataset {store.version} (was {old_version})")
            task = asyncio.create_task(self._retire(old))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
            return True

    async def _retire(self, executor: ProcessExecutor) -> None:
        try:
            await asyncio.sleep(self.drain)
        finally:  # on shutdown too
            await asyncio.to_thread(executor.close)

    async def close(self) -> None:
        """Close the executors being drained now (the service is stopping)."""
        for task in list(self._retiring):
            task.cancel()
        await asyncio.gather(*self._retiring, return_exceptions=True)


def snapshot(paths: Sequence[Path]) -> dict[Path, tuple[int, int] | None]:
    """Modification time and size of each file (None: missing)."""
    seen: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            seen[path] = None
        else:
            seen[path] = (st.st_mtime_ns, st.st_size)
    return seen


async def watch(reloader: Reloader, paths: Sequence[Path], *, interval: float = POLL) -> None:
    """Reload when a file changed and then stayed the same for one poll."""
    served = snapshot(paths)
    previous = served
    while True:
        await asyncio.sleep(interval)
        now = snapshot(paths)
        if now != served and now == previous:
            changed = sorted(p.name for p in paths if now[p] != served[p])
            await reloader.reload("changed: " + ", ".join(changed))
            served = now  # a refused file is tried again only when it changes again
        previous = now


async def serve(app: FastAPI, settings: Settings, config: uvicorn.Config, *,
                watch_files: bool = False) -> None:
    """Run uvicorn; reload on SIGHUP (and file changes with ``watch_files``)."""
    server = uvicorn.Server(config)
    reloader = Reloader(app, settings)
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[bool]] = set()

    def hangup() -> None:
        task = loop.create_task(reloader.reload("SIGHUP"))
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGHUP, hangup)
    # uvicorn re-raises the SIGTERM it shut down for under the previous handler: make that
    # handler a no-op, so that a graceful shutdown ends with exit status 0.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    # the files themselves (dataset_files may give a registry's linked part, a temporary file)
    paths = [f.path for f in ([SourceFile.of(d) for d in settings.data] or sources.shipped())]
    watcher = loop.create_task(watch(reloader, paths)) if watch_files else None
    try:
        await server.serve()
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
        signal.signal(signal.SIGTERM, previous)
        for task in [*pending, *([watcher] if watcher else [])]:
            task.cancel()
        await asyncio.gather(*pending, *([watcher] if watcher else []), return_exceptions=True)
        await reloader.close()
