"""The competency questions of every case (questions/*.toml), answered by the named queries.

Each file is data next to its case: the questions a researcher asks of it and the rows the case
must contribute, asked of everything shipped (the registry too). A row matches when each of its
columns equals the answer's value; other columns and rows are free, so cases added later never
break another case's questions.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from govgraph.querying import queries
from govgraph.rdf.namespaces import expand_id
from govgraph.rdf.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "questions").glob("*.toml"))


def _questions() -> list[Any]:
    out = []
    for path in FILES:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        for number, question in enumerate(spec.get("question", []), 1):
            out.append(pytest.param(path, spec, question, id=f"{path.stem}-{number}"))
    return out


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _wanted(value: str) -> set[str]:
    """A value as written in a question: a literal's text, or an IRI (full or short id)."""
    return {value, expand_id(value)}


@pytest.mark.parametrize(("path", "spec", "question"), _questions())
def test_question_is_answered(full_store: OxigraphStore, path: Path, spec: dict[str, Any],
                              question: dict[str, Any]) -> None:
    assert (ROOT / "data" / f"{spec['case']}.ttl").is_file(), \
        f"{path.name}: case = {spec['case']!r} names no file in data/"
    query = queries.get(question["query"])
    params = {k: str(v) for k, v in question.get("params", {}).items()}
    result = queries.run_named_query(full_store, query, params)
    variables = [v.value for v in result.variables]
    answer = [{name: _text(row[name]) for name in variables if row[name] is not None}
              for row in result]
    for wanted in question["rows"]:
        unknown = set(wanted) - set(variables)
        assert not unknown, f"{path.name}: {question['query']} has no column {sorted(unknown)}"
        assert any(all(row.get(k) in _wanted(str(v)) for k, v in wanted.items())
                   for row in answer), \
            f"{path.name}: {question['ask']!r}: no row of {question['query']} has {wanted}"


def test_every_question_file_names_a_case() -> None:
    for path in FILES:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        assert spec.get("question"), f"{path.name} asks no question"
