"""The validation cache (``govgraph validate --cache DIR``): the version of each file last seen.

Incremental validation (``--changed``) needs the *previous* version of a changed file to see the
statements the change removed (a node that lost a required property must be checked again). The
cache keeps, for every file a validation read, a copy of its content named by its SHA-256
(``DIR/files/<sha256>``) and an index from the file's absolute path to that digest
(``DIR/index.json``). A file whose digest differs from the index changed since the last run.

Safety: these copies only ever add focus nodes; they never stand in for the data (the parsed
data the cache also keeps is :mod:`govgraph.validation.cachestore`'s, checked against each file's
digest). An index that cannot be read, or a copy whose content does not match its name, is reported
on stderr and ignored (the index is rewritten at the end of the run); a cache locked by another
govgraph process is not used at all (said on stderr). Writes are atomic (a temporary file
renamed into place).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from govgraph.rdf.sources import SourceFile

VERSION = 1
Warn = Callable[[str], None]


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


class Cache:
    """An open cache directory (use :func:`opened`)."""

    def __init__(self, root: Path, warn: Warn, lock: IO[bytes]) -> None:
        self.root = root
        self.warn = warn
        self._lock = lock
        self.index: dict[str, str] = self._read_index()
        self._bad: set[str] = set()  # copies found corrupt, written again by remember()
        self._digests: dict[Path, str] = {}  # the data files' digests, read once per run

    def digest_of(self, source: SourceFile) -> str:
        """The SHA-256 of a data file's content (read once per run)."""
        path = source.path.resolve()
        if path not in self._digests:
            self._digests[path] = digest(path)
        return self._digests[path]

    def _read_index(self) -> dict[str, str]:
        path = self.root / "index.json"
        if not path.exists():
            return {}
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("version") != VERSION or not isinstance(doc.get("files"), dict):
                raise ValueError("unknown layout")
            return {str(k): str(v) for k, v in doc["files"].items()}
        except (OSError, ValueError, AttributeError) as exc:
            self.warn(f"cache {self.root}: unreadable index ({exc}); starting it again")
            return {}

    def changed(self, sources: Sequence[SourceFile]) -> list[SourceFile]:
        """The files whose content differs from the version the cache last saw."""
        out = []
        for source in sources:
            known = self.index.get(str(source.path.resolve()))
            if known is not None and known != self.digest_of(source):
                out.append(source)
        return out

    def previous(self, source: SourceFile) -> Path | None:
        """The copy of the version of ``source`` the cache last saw, if it has a sound one."""
        known = self.index.get(str(source.path.resolve()))
        if known is None:
            self.warn(f"cache {self.root}: no earlier version of {source.path}; statements "
                      "removed from it are not looked for in this run")
            return None
        copy = self.root / "files" / known
        try:
            sound = digest(copy) == known
        except OSError:
            sound = False
        if not sound:
            self._bad.add(known)
            self.warn(f"cache {self.root}: the earlier version of {source.path} is missing or "
                      "corrupt; statements removed from it are not looked for in this run")
            return None
        return copy

    def remember(self, sources: Sequence[SourceFile]) -> None:
        """Record the current version of every file."""
        files = self.root / "files"
        files.mkdir(parents=True, exist_ok=True)
        for source in sources:
            known = self.digest_of(source)
            target = files / known
            if known in self._bad or not target.exists() \
                    or target.stat().st_size != source.path.stat().st_size:
                data = source.path.read_bytes()
                known = hashlib.sha256(data).hexdigest()  # the copy is named by what it holds
                write_atomic(files / known, data)
            self.index[str(source.path.resolve())] = known
        write_atomic(self.root / "index.json",
                     json.dumps({"version": VERSION, "files": self.index}, indent=1).encode())

    def close(self) -> None:
        self._lock.close()


def write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def opened(root: Path, warn: Warn) -> Iterator[Cache | None]:
    """The cache in ``root`` (created if missing), or None when it cannot be used (locked by
    another process, not a directory we can write): said with ``warn``."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = (root / "lock").open("ab")
    except OSError as exc:
        warn(f"cache {root}: cannot use it ({exc.strerror or exc}); validating without it")
        yield None
        return
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        warn(f"cache {root}: in use by another govgraph process; validating without it")
        yield None
        return
    cache = Cache(root, warn, lock)
    try:
        yield cache
    finally:
        cache.close()
