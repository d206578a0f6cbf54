"""Drop-in use of `govgraph validate`: the pre-commit hook, the GitHub Action, the docs.

- `.pre-commit-hooks.yaml` is tried for real with `pre-commit try-repo` (pre-commit installed in a
  temporary virtual environment; skipped when it cannot be installed, e.g. offline) on the
  checkout's HEAD, in a temporary git repository holding one bad file;
- the composite action's validate step (its bash script) runs with the inputs as environment;
- the worked example of docs/validation.md is run and must print exactly what the docs show, and
  every `govgraph validate` command line in the docs must parse.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from govgraph import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "validation.md"
EXTERNAL = ROOT / "tests" / "fixtures" / "external" / "asl-esempio.ttl"


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "govgraph-validate"
    assert hook["entry"] == "govgraph validate" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    assert all(pattern.search(f"data/x.{ext}") for ext in ("ttl", "trig", "jsonld", "nt"))
    assert not any(pattern.search(name) for name in ("x.py", "x.ttl.bak", "README.md"))


def _head_has_hooks() -> bool:
    run = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e",
                          "HEAD:.pre-commit-hooks.yaml"], capture_output=True, check=False)
    return run.returncode == 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_pre_commit_try_repo_blocks_a_bad_file(tmp_path: Path) -> None:
    if not _head_has_hooks():
        pytest.skip("HEAD has no .pre-commit-hooks.yaml yet (commit it first)")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pre-commit"],
                             capture_output=True, text=True, timeout=300, check=False)
    if install.returncode != 0:
        pytest.skip(f"pre-commit cannot be installed here: {install.stderr[-300:]}")
    repo = tmp_path / "data-repo"
    repo.mkdir()
    bad = repo / "bad.ttl"
    bad.write_bytes(EXTERNAL.read_bytes())
    (repo / "notes.txt").write_text("not RDF\n", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "bad.ttl", "notes.txt"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    run = subprocess.run(
        [str(env_dir / "bin" / "pre-commit"), "try-repo", str(ROOT), "govgraph-validate",
         "--ref", "HEAD", "--files", "bad.ttl", "notes.txt"],
        cwd=repo, capture_output=True, text=True, timeout=800, env=env, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "govgraph validate" in output and "Failed" in output
    assert "bad.ttl:23: https://example.org/asl/id/quote-01" in output
    assert "notes.txt" not in output.split("govgraph validate", 1)[1]


def _action_script() -> tuple[dict[str, object], str]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("pip install" in s.get("run", "") and "github.action_path" in s.get("run", "")
               for s in steps), "the action installs govgraph from its own checkout"
    (step,) = [s for s in steps if "govgraph validate" in s.get("run", "")]
    assert "--format github" in step["run"]
    return action, step["run"]


@pytest.mark.parametrize(("inputs", "code"), [
    ({"FILES": str(EXTERNAL), "DATA_ONLY": "true"}, 1),
    ({"FILES": str(ROOT / "tests" / "fixtures" / "invalid" / "source-without-language.ttl")}, 0),
    ({"FILES": str(ROOT / "tests" / "fixtures" / "invalid" / "source-without-language.ttl"),
      "STRICT": "true"}, 1),
])
def test_action_runs_validate_with_annotations(inputs: dict[str, str], code: int) -> None:
    action, script = _action_script()
    defaults = {name.upper().replace("-", "_"): str(spec.get("default", ""))
                for name, spec in action["inputs"].items()}  # type: ignore[attr-defined]
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, **defaults, "SHAPES": "", **inputs,
           "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    run = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == code, run.stderr
    if "asl-esempio" in inputs["FILES"]:
        assert run.stdout.startswith(f"::error file={EXTERNAL},line=23,"), run.stdout
    else:
        assert "::warning file=" in run.stdout


def _console_blocks(text: str) -> list[str]:
    return re.findall(r"```console\n(.*?)```", text, re.S)


def test_worked_example_prints_what_the_docs_show() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- example:", 1)[1]
    (example,) = _console_blocks(block)[:1]
    lines = example.splitlines()
    command, status = lines[0], lines.index("$ echo $?")
    assert command.startswith("$ govgraph validate ")
    expected_out, expected_code = "\n".join(lines[1:status]) + "\n", int(lines[status + 1])
    run = subprocess.run([sys.executable, "-m", "govgraph", *shlex.split(command[2:])[1:]],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.stdout == expected_out
    assert run.returncode == expected_code == 1


def test_every_validate_command_in_the_docs_parses() -> None:
    text = DOCS.read_text(encoding="utf-8")
    commands = [line.split("#", 1)[0].strip().removeprefix("$ ")
                for block in [*_console_blocks(text), *re.findall(r"```sh\n(.*?)```", text, re.S)]
                for line in block.splitlines() if "govgraph validate" in line]
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command.split(">", 1)[0])
        args = cli.parser().parse_args(words[1:])
        assert args.command == "validate", command
