"""A case file written only when the data with it passes validation: to a temporary file beside
it, validated with the rest of the dataset, then renamed; nothing is written otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGG
from govgraph.validation import report
from govgraph.validation.validate import Report, validate


class NotValid(Exception):
    """The data with the new file does not conform; ``text`` is the report."""

    def __init__(self, rep: Report, text: str) -> None:
        super().__init__(text)
        self.report = rep


def validated_write(target: Path, content: str) -> Report:
    """Validate the shipped data with ``target`` holding ``content``; write it if it conforms,
    else raise :class:`NotValid` (``target`` untouched)."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(content, encoding="utf-8")
    try:
        files = [f for f in sources.shipped() if f.path.resolve() != target.resolve()]
        files.append(sources.SourceFile(tmp, GGG + target.stem, ox.RdfFormat.TURTLE))
        rep = validate(files)
        if not rep.conforms:
            raise NotValid(rep, report.as_text(rep).replace(str(tmp), str(target)))
        os.replace(tmp, target)
        return rep
    finally:
        tmp.unlink(missing_ok=True)
