"""Where a node is written: the line of a file on which an IRI first stands as a subject.

Turtle and TriG (``@prefix``/``PREFIX`` declarations, prefixed names, ``<IRI>``s, subjects
indented inside TriG graph blocks), N-Triples and N-Quads (one statement per line) are read line by
line once per file; when the node never starts a statement, the first line that mentions it is
used; JSON-LD is searched for the IRI as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.I)
_SUBJECT = re.compile(r"^\s*(<[^>\s]*>|[\w.-]*:[\w.%/-]*[\w%/-]|[\w.-]*:)\s")


class LineIndex:
    """The subject index of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prefixes: dict[str, str] = {}
        self.subjects: dict[str, int] = {}
        self._lines: list[str] | None = None
        if path.suffix.lower() in (".nt", ".nq"):
            self._statements()
        else:
            self._turtle()

    @property
    def lines(self) -> list[str]:
        """The file's lines, read when a node is searched beyond the subjects."""
        if self._lines is None:
            try:
                self._lines = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []
        return self._lines

    def _statements(self) -> None:
        """N-Triples, N-Quads: the subject is the first term of its line."""
        try:
            with self.path.open(encoding="utf-8") as lines:
                subjects = self.subjects
                for number, line in enumerate(lines, start=1):
                    if line[:1] in " \t":
                        line = line.lstrip()
                    if line.startswith("<"):
                        iri = line[1:line.find(">")]
                        if iri not in subjects:
                            subjects[iri] = number
        except (OSError, UnicodeDecodeError):
            self.subjects = {}

    def _turtle(self) -> None:
        starts = True  # the previous statement ended: this line may begin with a subject
        for number, line in enumerate(self.lines, start=1):
            code = line.split(" #", 1)[0].rstrip()
            if not code or code.lstrip().startswith("#"):
                continue
            declared = _PREFIX.match(line)
            if declared:
                self.prefixes[declared[1]] = declared[2]
            elif starts and not code.endswith("{"):  # a TriG graph name is no subject
                found = _SUBJECT.match(line)
                iri = self.expand(found[1]) if found else None
                if iri is not None:
                    self.subjects.setdefault(iri, number)
            starts = code.endswith((".", "{", "}"))

    def expand(self, token: str) -> str | None:
        if token.startswith("<"):
            return token[1:-1]
        prefix, _, local = token.partition(":")
        ns = self.prefixes.get(prefix)
        return None if ns is None else ns + re.sub(r"\\(.)", r"\1", local)

    def line(self, iri: str) -> int | None:
        if iri in self.subjects:
            return self.subjects[iri]
        forms = [f"<{iri}>", f'"{iri}"']
        forms += [f"{p}:{iri[len(ns):]}" for p, ns in self.prefixes.items()
                  if ns and iri.startswith(ns) and re.fullmatch(r"[\w.-]+", iri[len(ns):])]
        for number, text in enumerate(self.lines, start=1):
            for form in forms:
                at = text.find(form)
                if at >= 0 and not text[at + len(form):at + len(form) + 1].isalnum():
                    return number
        return None


@lru_cache(maxsize=64)
def _index(path: Path, stamp: float) -> LineIndex:
    return LineIndex(path)


def locate(path: Path, iri: str) -> int | None:
    """The line where ``iri`` first stands as a subject in ``path`` (or is first mentioned)."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return _index(path, stamp).line(iri)
