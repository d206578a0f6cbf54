"""Validation reports as SARIF 2.1.0 (code scanning in GitHub, GitLab, Azure DevOps, IDEs).

One rule per source shape (id: the shape IRI, name: its compact form, help: the shape's IRI);
one result per validation result, at the focus node's file and line, with the focus node, path,
value and constraint component in the result's properties.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govgraph import __version__
from govgraph.rdf.namespaces import compact

if TYPE_CHECKING:
    from govgraph.validation.validate import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}


def _uri(file: str) -> str:
    path = Path(file)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_uri()
    return path.as_posix()


def as_sarif(report: Report, *, lang: str = "en") -> str:
    shapes = sorted({r.shape for r in report.results})
    index = {s: i for i, s in enumerate(shapes)}
    rules = [{"id": s, "name": compact(s), "shortDescription": {"text": compact(s)},
              "helpUri": s if s.startswith("http") else None} for s in shapes]
    results: list[dict[str, Any]] = []
    uris: dict[str, str] = {}
    for r in report.results:
        result: dict[str, Any] = {
            "ruleId": r.shape, "ruleIndex": index[r.shape], "level": LEVELS[r.severity],
            "message": {"text": r.message(lang)},
            "properties": {"focusNode": r.focus, "focusLabel": r.focus_label, "path": r.path,
                           "value": r.value, "constraintComponent": r.constraint,
                           "severity": r.severity},
        }
        if r.file:
            if r.file not in uris:
                uris[r.file] = _uri(r.file)
            location: dict[str, Any] = {"artifactLocation": {"uri": uris[r.file]}}
            if r.line:
                location["region"] = {"startLine": r.line}
            result["locations"] = [{"physicalLocation": location,
                                    "logicalLocations": [{"fullyQualifiedName": r.focus}]}]
        results.append(result)
    doc = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govgraph validate", "version": __version__,
                                "informationUri": "https://w3id.org/govgraph/",
                                "rules": [{k: v for k, v in rule.items() if v is not None}
                                          for rule in rules]}},
            "results": results,
            "properties": {"conforms": report.conforms, "engine": report.engine},
        }],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
