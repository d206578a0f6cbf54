"""`govgraph query` as a user runs it: a real subprocess, stdout parsed, stderr and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from govgraph.querying import queries

ID = "https://w3id.org/govgraph/id/"
TECNICO = "forum/gruppo-tecnico-ctssm-bologna"


def govgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", "query", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def listing() -> str:
    proc = govgraph("--list")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_list_shows_query_and_its_params(listing, name):
    q = queries.get(name)
    lines = listing.splitlines()
    head = next((i for i, line in enumerate(lines) if line.split("\t")[0] == name), None)
    assert head is not None, f"{name} not listed"
    assert q.title in lines[head]
    block = []
    for line in lines[head + 1:]:
        if not line.startswith(" "):
            break
        block.append(line)
    assert block[0].strip() == q.description, "the one-line description follows the name"
    params = [line for line in block if "--param " in line]
    assert len(params) == len(q.params)
    for p in q.params:
        line = next(line for line in params if f"--param {p.name}=<{p.type}>" in line)
        assert p.description in line
        assert ("required" in line) == p.required
        if p.default:
            assert f"default {p.default}" in line


def test_list_names_all_nine(listing):
    names = {line.split("\t")[0] for line in listing.splitlines() if not line.startswith(" ")}
    assert {"representations", "forum-members", "coordination", "mandates", "body-forums",
            "multi-principal-agents", "forum-tree", "statement-sources", "timeline"} <= names


def test_table_output():
    proc = govgraph("representations", "--param", f"forum={TECNICO}")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["seat", "seatType", "agent"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(6 rows)"
    valenti = [line for line in lines if "person/danila-valenti" in line]
    assert len(valenti) == 3 and all("Danila Valenti" in line for line in valenti)
    assert any("Luca Baldino" in line and "Regione Emilia-Romagna" in line for line in lines)


def test_csv_output():
    proc = govgraph("representations", "--param", f"forum={TECNICO}", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 6
    pairs = {(r["agentLabel"], r["principalLabel"]) for r in rows}
    assert ("Danila Valenti", "Comune di Bologna") in pairs
    assert ("Gianluca Fiorentini", "Università di Bologna") in pairs
    assert {r["forum"] for r in rows} == {ID + TECNICO}
    assert all(r["quote"] for r in rows)


def test_json_output():
    proc = govgraph("forum-members", "--param", "forum=forum/gruppo-di-lavoro-ctssm-bologna",
                    "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"body", "bodyLabel", "via", "forum", "role", "source"} <= set(doc["head"]["vars"])
    bindings = doc["results"]["bindings"]
    assert len(bindings) == 9
    assert {b["bodyLabel"]["value"] for b in bindings} >= {"Comune di Bologna", "Ausl di Imola"}
    assert all(b["body"]["type"] == "uri" for b in bindings)


@pytest.mark.parametrize("args, param", [
    (["representations", "--param", "as_of=yesterday"], "as_of"),
    (["representations", "--param", "colour=red"], "colour"),
    (["forum-members"], "forum"),
    (["representations", "--param", "forum=forum/x> } UNION { ?s ?p ?o"], "forum"),
])
def test_bad_param_exit_2(args, param):
    proc = govgraph(*args)
    assert proc.returncode == 2
    assert param in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unknown_query_exit_2():
    proc = govgraph("no-such-query")
    assert proc.returncode == 2
    assert "no-such-query" in proc.stderr and "Traceback" not in proc.stderr
