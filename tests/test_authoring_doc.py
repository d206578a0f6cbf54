"""Every command of docs/authoring.md runs, in the order written, on a copy of the repository
(GOVGRAPH_ROOT), and ends with a case that validates."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from govgraph.rdf import resources

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "authoring.md"


def commands() -> list[str]:
    """The ``$ govgraph …`` lines of the guide's ``console`` blocks, in order."""
    blocks = re.findall(r"```console\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [line[2:] for block in blocks for line in block.splitlines()
            if line.startswith("$ govgraph ")]


def test_the_guide_has_the_commands_of_both_routes() -> None:
    names = [shlex.split(c)[1] for c in commands()]
    for command in ("find", "new-case", "import-sheet", "quote", "fmt", "validate"):
        assert command in names, command


@pytest.mark.timeout(1800)  # each write validates the whole dataset first
def test_every_command_of_the_guide_runs(tmp_path: Path) -> None:
    for kind in resources.KINDS:
        shutil.copytree(resources.folder(kind), tmp_path / kind)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    env = {**os.environ, resources.ROOT_ENV: str(tmp_path)}
    for command in commands():
        words = shlex.split(command)
        result = subprocess.run([sys.executable, "-m", "govgraph", *words[1:]], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=600,
                                check=False)
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
    case = rdflib.Graph().parse(tmp_path / "data" / "esempio-2030-01.ttl")
    gg = rdflib.Namespace("https://w3id.org/govgraph/ontology#")
    assert len(set(case.subjects(rdflib.RDF.type, gg.Representation))) == 1
    assert (tmp_path / "sources" / "esempio-2030-01.txt").is_file()
    assert (tmp_path / "site" / "sources" / "esempio-2030-01.txt").is_file()
