"""The validation cache's data (``govgraph validate ... --cache DIR``): the files, parsed, in an
on-disk store, so an incremental run does not parse the files that did not change.

``DIR/store/`` is a pyoxigraph (RocksDB) store; ``DIR/store.json`` records per file the named
graph and the SHA-256 of what was loaded. A run re-loads only changed files; the record is
deleted before the store is written and rewritten atomically after, so a store without it (a
killed run, a full disk) is rebuilt from the files, as is one whose changed file shares a graph
or may declare graphs of its own (TriG, N-Quads, JSON-LD). A changed file is parsed before the
store is opened: a syntax error leaves the store as it was. Figures: bench/RESULTS-validation.md.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from govgraph.progress import Progress
from govgraph.rdf.sources import InputError, SourceFile, syntax_error
from govgraph.rdf.store import OxigraphStore
from govgraph.validation import cache

VERSION = 1
#: Formats whose every triple goes to the file's own graph, so that dropping that graph removes
#: exactly what the file put in the store.
TRIPLES = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML}
Say = Callable[[str], None]


@dataclass(frozen=True)
class Loaded:
    """Which graph of the store holds one file, and which version of the file."""

    graph: str
    digest: str


@dataclass
class Record:
    files: dict[str, Loaded]  # per absolute path
    triples: int


def _read_record(path: Path) -> Record | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("version") != VERSION:
            return None
        return Record({str(k): Loaded(**v) for k, v in doc["files"].items()},
                      int(doc["triples"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_record(path: Path, record: Record) -> None:
    doc = {"version": VERSION, "triples": record.triples,
           "files": {k: asdict(v) for k, v in sorted(record.files.items())}}
    cache.write_atomic(path, json.dumps(doc, indent=1).encode())


def _parsed(source: SourceFile) -> set[ox.Quad]:
    """A file's triples as quads in its graph (parsed before the store is touched)."""
    graph = ox.NamedNode(source.graph)
    try:
        return {ox.Quad(q.subject, q.predicate, q.object, graph)
                for q in ox.parse(path=str(source.path), format=source.format)}
    except SyntaxError as exc:
        raise syntax_error(source, exc) from exc
    except OSError as exc:
        raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc


def _why_rebuild(record: Record, wanted: dict[str, SourceFile], touched: set[str]) -> str:
    """Why the files ``touched`` cannot be re-loaded one graph each ('' if they can)."""
    users: dict[str, set[str]] = {}
    for key, loaded in record.files.items():
        users.setdefault(loaded.graph, set()).add(key)
    for key, source in wanted.items():
        users.setdefault(source.graph, set()).add(key)
    for key in sorted(touched):
        graph = wanted[key].graph if key in wanted else record.files[key].graph
        if key in wanted and wanted[key].format not in TRIPLES:
            return f"{key} may declare graphs of its own"
        if len(users[graph]) > 1:
            return f"{key} shares its graph <{graph}> with another file"
    return ""


@contextlib.contextmanager
def kept(root: Path, sources: Sequence[SourceFile], digest: Callable[[SourceFile], str], *,
         changed: bool, say: Say, progress: Progress | None = None, background: bool = True
         ) -> Iterator[OxigraphStore | None]:
    """The data of a run with a cache in ``root``: the on-disk store, brought up to date, for an
    incremental (``changed``) run; None for a full run, which reads the files into memory.

    When the store must be built first (said with ``say``), it is built by another process
    while the run goes on with the files in memory (None), and this waits for it on leaving:
    at 10^6 triples the bulk load takes ~10 s, on the other core. Not ``background`` (or if no
    other process starts), it is built first. ``progress`` shows the files built, or the wait
    for the other process. ``digest``: a file's SHA-256."""
    progress = progress or Progress("", enabled=False)
    wanted = {str(s.path.resolve()): s for s in sources}
    now = {key: Loaded(s.graph, digest(s)) for key, s in wanted.items()}
    store, reason = _up_to_date(root, wanted, now)
    if store is not None:
        if not changed:  # a full run reads the files: the handle goes before it forks its checks
            store = None
        yield store
        return
    say(f"cache {root}: building its store of the data ({reason}); later runs re-load only "
        "the files that changed")
    builder = _start_builder(root, wanted, now) if background else None
    if builder is None:
        built = _build(root, wanted, now, progress.step)
        yield built if changed else None
        return
    try:
        yield None
    except BaseException:
        builder.kill()  # the run failed (a file it could not read): so would the build
        raise
    finally:
        if builder.poll() is None:
            progress.step("the cache's store is still being built")
        code = builder.wait()
        progress.done()
    if code != 0:
        say(f"cache {root}: its store could not be built; the next run tries again")


def _start_builder(root: Path, wanted: dict[str, SourceFile], now: dict[str, Loaded]
                   ) -> subprocess.Popen[bytes] | None:
    """Another interpreter building the store (:func:`_main`), or None if it cannot start.

    Not a fork: RocksDB's threads (of a store opened before in this process) would not be in a
    forked child, and opening a store there can wait for them forever."""
    job = json.dumps({"root": str(root), "files": [
        [str(s.path), s.graph, now[key].digest] for key, s in wanted.items()]}).encode()
    try:
        builder = subprocess.Popen([sys.executable, "-m", "govgraph.validation.cachestore"],
                                   stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        return None
    try:
        assert builder.stdin is not None
        with builder.stdin as pipe:
            pipe.write(job)
    except OSError:  # it died at once
        builder.kill()
        builder.wait()
        return None
    return builder


def _quiet(_text: str) -> None:
    pass


def _up_to_date(root: Path, wanted: dict[str, SourceFile], now: dict[str, Loaded]
                ) -> tuple[OxigraphStore | None, str]:
    """The store brought up to date with the files, or (None, why it must be built)."""
    record_path, store_path = root / "store.json", root / "store"
    record = _read_record(record_path) if store_path.is_dir() else None
    if record is None:
        return None, "it was not completed" if store_path.exists() else "it does not exist yet"
    stale = {k for k, v in record.files.items() if now.get(k) != v}
    fresh = {k for k in now if record.files.get(k) != now[k]}
    if reason := _why_rebuild(record, wanted, stale | fresh):
        return None, reason
    parsed = {k: _parsed(wanted[k]) for k in sorted(fresh)}  # before opening it
    try:
        inner = _open(store_path)
    except OSError as exc:
        return None, f"it cannot be opened: {exc}"
    record_path.unlink()
    _update(inner, record, stale, parsed, now)
    _write_record(record_path, record)
    return _wrap(inner, record), ""


def _update(inner: ox.Store, record: Record, stale: set[str], parsed: dict[str, set[ox.Quad]],
            now: dict[str, Loaded]) -> None:
    """Write what changed: the statements a re-loaded file no longer has or newly has, and
    the graphs of files no longer validated."""
    old: dict[str, set[ox.Quad]] = {}  # per graph, what the stale files put there
    for k in sorted(stale):
        graph = ox.NamedNode(record.files.pop(k).graph)
        old[graph.value] = set(inner.quads_for_pattern(None, None, None, graph))
    for k, quads in parsed.items():
        before = old.pop(now[k].graph, set())
        for quad in before - quads:
            inner.remove(quad)
        inner.extend(quads - before)
        record.files[k], record.triples = now[k], record.triples + len(quads) - len(before)
    for gone, quads in old.items():
        inner.remove_graph(ox.NamedNode(gone))
        record.triples -= len(quads)
    inner.flush()


def _open(path: Path) -> ox.Store:
    """The store in ``path``. RocksDB refuses a second handle in one process: the handle of an
    earlier run in this process (a library, a test) can still wait in a reference cycle (pyshacl
    leaves frames in cycles), so a refusal is retried once after collecting them."""
    try:
        return ox.Store(str(path))
    except OSError:
        gc.collect()
        return ox.Store(str(path))


def _build(root: Path, wanted: dict[str, SourceFile], now: dict[str, Loaded], step: Say
           ) -> OxigraphStore:
    record_path, store_path = root / "store.json", root / "store"
    try:
        record_path.unlink(missing_ok=True)
        shutil.rmtree(store_path, ignore_errors=True)
        store_path.mkdir(parents=True)
        inner = _open(store_path)
    except OSError as exc:
        raise InputError(store_path, f"cannot build the cache's store: {exc}",
                         hint="free some space, or give --cache another directory") from exc
    for n, source in enumerate(wanted.values(), 1):
        step(f"building the cache's store: {source.path.name} ({n}/{len(wanted)})")
        try:
            inner.bulk_load(path=str(source.path), format=source.format,
                            to_graph=ox.NamedNode(source.graph))
        except SyntaxError as exc:
            raise syntax_error(source, exc) from exc
        except OSError as exc:
            raise InputError(source.path, f"cannot read the file: {exc.strerror}") from exc
    inner.optimize()
    record = Record(dict(now), len(inner))
    _write_record(record_path, record)
    return _wrap(inner, record)


def _wrap(inner: ox.Store, record: Record) -> OxigraphStore:
    version = hashlib.sha256("".join(f"{k}\0{v.graph}\0{v.digest}\n" for k, v in
                                     sorted(record.files.items())).encode()).hexdigest()[:16]
    return OxigraphStore(inner, version, size=record.triples, on_disk=True)


def _main() -> int:
    """The builder :func:`kept` starts: the job (root, files with graphs and digests) on stdin."""
    job = json.load(sys.stdin)
    wanted, now = {}, {}
    for path, graph, digest in job["files"]:
        source = SourceFile.of(path, graph=graph)
        key = str(source.path.resolve())
        wanted[key], now[key] = source, Loaded(graph, digest)
    try:
        _build(Path(job["root"]), wanted, now, _quiet)
    except (InputError, OSError):
        return 1  # the run reads the same files and reports what is wrong with them
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
