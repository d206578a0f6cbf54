"""Validation benchmark: pyshacl against the fast engine, and a one-file incremental run.

Synthetic data with the real gg: model: the shipped case files copied N times, every entity they
define renamed per copy (``.../forum/ctssm-bologna`` -> ``.../forum/ctssm-bologna-c17``), the
shared reference entities, sources and vocabularies kept. The copies go to ``--files`` Turtle
files, as a repository of many case files would hold them. Each measure runs the real command
(``python -m govgraph validate ...``) in a fresh process, parse included, and reports wall time
and peak memory (ru_maxrss of the children so far). The one-file change is measured without a
cache (every file parsed) and with ``--cache`` (the first run builds the cache's store; then a
real edit of one file and its undoing). The first line printed names the machine, the versions
and the command; then one JSON row per size.

    python bench/validate_bench.py --triples 100000 1000000 [--pyshacl-max 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from run import machine, versions  # bench/run.py: the same header as the HTTP benchmark

ROOT = Path(__file__).resolve().parents[1]
GGID = "https://w3id.org/govgraph/id/"
KEEP = ("concept/", "scheme/")
PREFIXES = {"gg": "https://w3id.org/govgraph/ontology#", "org": "http://www.w3.org/ns/org#",
            "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd":
            "http://www.w3.org/2001/XMLSchema#", "ggid": GGID}


def case_quads() -> tuple[list[ox.Triple], set[str]]:
    """The triples of the shipped case files and the IRIs to rename per copy."""
    shared: set[str] = set()
    for name in ("reference.ttl", "sources.ttl"):
        shared |= {q.subject.value for q in ox.parse(path=str(ROOT / "data" / name))
                   if isinstance(q.subject, ox.NamedNode)}
    triples: list[ox.Triple] = []
    for path in sorted((ROOT / "data").glob("*.ttl")):
        if path.stem in ("reference", "sources"):
            continue
        triples += [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path))]
    own = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)
           and t.subject.value.startswith(GGID) and t.subject.value not in shared
           and not t.subject.value[len(GGID):].startswith(KEEP)}
    return triples, own


def generate(triples: int, files: int, out: Path) -> list[Path]:
    """Write about ``triples`` triples in ``files`` Turtle files under ``out``."""
    base, own = case_quads()
    copies = max(1, triples // len(base))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    per_file = -(-copies // files)
    for f in range(files):
        batch: list[ox.Triple] = []
        for c in range(f * per_file, min(copies, (f + 1) * per_file)):
            def rename(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, c: int = c
                       ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
                if isinstance(t, ox.NamedNode) and t.value in own:
                    return ox.NamedNode(f"{t.value}-c{c}")
                return t
            batch += [ox.Triple(rename(t.subject), t.predicate, rename(t.object))  # type: ignore[arg-type]
                      for t in base]
        if not batch:
            break
        path = out / f"cases-{f:03d}.ttl"
        ox.serialize(batch, str(path), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        paths.append(path)
    return paths


def run(args: list[str]) -> dict[str, object]:
    """Run ``govgraph validate ARGS`` in a child; wall seconds, exit code, peak RSS (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "govgraph", "validate", *args, "--format",
                           "json"], capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    results = len(json.loads(proc.stdout)["results"]) if proc.returncode in (0, 1) else None
    return {"seconds": round(seconds, 2), "exit": proc.returncode, "results": results,
            "peak_mib": round(max(peak, before) / 1024), "stderr": proc.stderr[-300:]}


def cached_edits(files: list[str], cache: Path) -> dict[str, object]:
    """One-file changes with ``--cache``: the run that builds the cache's store, then a real
    edit (a membership's role made wrong: one violation) and its undoing, each checked."""
    shutil.rmtree(cache, ignore_errors=True)
    first = [*files, "--engine", "fast", "--changed", files[0], "--cache", str(cache)]
    out: dict[str, object] = {"cache_build": run(first)}
    edited = Path(files[0])
    text = edited.read_text(encoding="utf-8")
    wrong = text.replace(r"role\/member", r"role\/nonsense", 1)
    assert wrong != text, "no membership role to edit"
    runs = []
    try:
        for version in (wrong, text, wrong, text):
            edited.write_text(version, encoding="utf-8")
            runs.append(run(first))
    finally:
        edited.write_text(text, encoding="utf-8")
    out["cached_edit"] = runs
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--files", type=int, default=100, help="case files per dataset")
    p.add_argument("--pyshacl-max", type=int, default=1_000_000,
                   help="skip pyshacl above this size")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "data" / "validate")
    args = p.parse_args()
    found = versions()
    found.update({name: metadata.version(name) for name in ("rdflib", "pyshacl")})
    print(json.dumps({"machine": machine(), "versions": found, "command": " ".join(sys.argv)}),
          flush=True)
    for size in args.triples:
        folder = args.out / f"{size}"
        t0 = time.monotonic()
        paths = generate(size, args.files, folder)
        gen = time.monotonic() - t0
        files = [str(p) for p in paths]
        total = sum(1 for p in paths for _ in ox.parse(path=str(p)))
        row: dict[str, object] = {"target": size, "case_triples": total, "files": len(paths),
                                  "generate_s": round(gen, 1)}
        row["fast"] = run([*files, "--engine", "fast"])
        row["incremental_one_file"] = run([*files, "--engine", "fast", "--changed", files[0]])
        row.update(cached_edits(files, folder / ".cache"))
        if size <= args.pyshacl_max:
            row["pyshacl"] = run([*files, "--engine", "pyshacl"])
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
