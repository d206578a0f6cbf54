"""A `pip install` of govgraph carries the ontology, shapes, data, queries and texts along."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(out), str(ROOT)], check=True, timeout=600,
                   capture_output=True)
    return next(out.glob("govgraph-*.whl"))


def test_wheel_contains_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("ontology", "shapes", "data", "queries", "sources"):
        shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / kind).rglob("*")
                         if p.is_file())
        assert shipped, f"{kind}/ is empty"
        for rel in shipped:
            assert f"govgraph/_resources/{rel}" in names, f"{rel} is missing from the wheel"


def test_installed_wheel_validates_and_queries(wheel: Path, tmp_path: Path) -> None:
    """Run the command from the unpacked wheel, far from the checkout."""
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    where = subprocess.run([sys.executable, "-c", "import govgraph.rdf.resources as r;"
                            "print(r.root())"], env=env, cwd=tmp_path, capture_output=True,
                           text=True, check=True)
    assert where.stdout.strip() == str(tmp_path / "site" / "govgraph" / "_resources")
    run = subprocess.run([sys.executable, "-m", "govgraph", "query", "--list"], env=env,
                         cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "representations" in run.stdout
    # the quotes are checked against the texts the wheel carries (data/../sources/)
    check = subprocess.run([sys.executable, "-m", "govgraph", "validate"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=False, timeout=240)
    assert check.returncode == 0, check.stdout + check.stderr
