"""Validation reports for people (text) and for machines (JSON, JUnit XML, GitHub workflow
commands, SARIF 2.1.0). The JSON schema is documented in docs/validation.md."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from itertools import groupby

from govgraph.rdf.namespaces import compact
from govgraph.validation import sarif
from govgraph.validation.validate import SEVERITIES, Report, Result

FORMATS = ("text", "json", "junit", "github", "sarif")


def render(report: Report, fmt: str, *, lang: str = "en") -> str:
    renderers = {"json": as_json, "junit": as_junit, "github": as_github,
                 "sarif": sarif.as_sarif, "text": as_text}
    return renderers[fmt](report, lang=lang)


def summary(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s.lower()}{'s' if report.count(s) != 1 else ''}" for s in SEVERITIES
    )
    verdict = "conforms" if report.conforms else "does not conform"
    return (f"{verdict}: {counts}; {_nodes(report.checked)} checked, "
            f"{_with_results(report)} with results ({_files(len(report.files))})")


def _nodes(n: int) -> str:
    return f"{n} node{'s' if n != 1 else ''}"


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


def _with_results(report: Report) -> int:
    return len({r.focus for r in report.results})


def _by_node(report: Report) -> list[tuple[str, list[Result]]]:
    return [(focus, list(group)) for focus, group in
            groupby(report.results, key=lambda r: r.focus)]


def as_text(report: Report, *, lang: str = "en") -> str:
    """Grouped by file, then by focus node (label, line); one entry per result."""
    out: list[str] = []
    for file, in_file in groupby(report.results, key=lambda r: r.file):
        out.append(f"{file or '(no file: the node is not written in any checked file)'}")
        for focus, group in groupby(in_file, key=lambda r: r.focus):
            results = list(group)
            first = results[0]
            label = f'  "{first.focus_label}"' if first.focus_label else ""
            # file:line, which terminals and editors open at the line
            where = f"{file}:{first.line}: " if file and first.line else ""
            out.append(f"  {where}{focus}{label}")
            for r in results:
                path = compact(r.path) if r.path else "(node)"
                value = f"  value: {_short(r.value)}" if r.value is not None else ""
                out.append(f"    {r.severity}  {path}{value}")
                out.append(f"      {r.message(lang)}  [{compact(r.shape)}]")
        out.append("")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def _short(value: str) -> str:
    """A literal's datatype as a prefixed name: "68"^^xsd:integer."""
    return re.sub(r"\^\^<([^>]*)>$", lambda m: "^^" + compact(m[1]), value)


def as_json(report: Report, *, lang: str = "en") -> str:
    doc = {
        "conforms": report.conforms,
        "counts": {s: report.count(s) for s in SEVERITIES},
        "files": report.files,
        "engine": report.engine,
        "nodes": {"checked": report.checked, "withResults": _with_results(report)},
        "results": [
            {"focus": r.focus, "focusLabel": r.focus_label, "path": r.path, "value": r.value,
             "severity": r.severity, "shape": r.shape, "constraint": r.constraint,
             "message": r.message(lang), "messages": r.messages, "file": r.file,
             "line": r.line}
            for r in report.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def as_junit(report: Report, *, lang: str = "en") -> str:
    """One test case per focus node; a node with a Violation is a failure."""
    nodes = _by_node(report)
    failing = sum(1 for _, rs in nodes if any(r.severity == "Violation" for r in rs))
    suites = ET.Element("testsuites", name="govgraph validate")
    suite = ET.SubElement(suites, "testsuite", name="govgraph validate",
                          tests=str(max(1, len(nodes))), failures=str(failing), errors="0")
    if not nodes:
        ET.SubElement(suite, "testcase", classname="govgraph", name="data conforms to shapes")
    for focus, results in nodes:
        first = results[0]
        case = ET.SubElement(suite, "testcase", classname=first.file or "dataset", name=focus)
        if first.file:
            case.set("file", first.file)
        if first.line:
            case.set("line", str(first.line))
        lines = [f"{r.severity} {compact(r.path) if r.path else '(node)'}"
                 f"{' value ' + r.value if r.value else ''}: {r.message(lang)}" for r in results]
        violations = [r for r in results if r.severity == "Violation"]
        if violations:
            failure = ET.SubElement(case, "failure", type="sh:Violation",
                                    message=violations[0].message(lang))
            failure.text = "\n".join(lines)
        else:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") \
        + "\n"


_COMMAND = {"Violation": "error", "Warning": "warning", "Info": "notice"}


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def as_github(report: Report, *, lang: str = "en") -> str:
    """GitHub Actions workflow commands: one annotation per result, on the focus node's line."""
    out = []
    for r in report.results:
        props = [f"file={_escape(r.file, prop=True)}"] if r.file else []
        props += [f"line={r.line}"] if r.line else []
        label = f" ({r.focus_label})" if r.focus_label else ""
        path = compact(r.path) if r.path else "node"
        props.append(f"title={_escape(f'{compact(r.shape)} on {path}', prop=True)}")
        out.append(f"::{_COMMAND[r.severity]} {','.join(props)}::"
                   f"{_escape(f'{r.focus}{label}: {r.message(lang)}')}")
    out.append(f"::notice title=govgraph validate::{_escape(summary(report))}")
    return "\n".join(out) + "\n"
