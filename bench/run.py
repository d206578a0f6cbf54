"""Benchmark govgraph serve against raw pyoxigraph and rdflib-endpoint on the same data.

    python bench/run.py bench/data/gov-1e5.nt [--budget 8] [--max-requests 300]

For one N-Triples file (bench/generate.py), on 127.0.0.1 only:

* ``govgraph``: ``govgraph serve --no-validate --data FILE`` (a subprocess, default settings:
  4 query worker processes, 10 000-row cap, 64 MB result cache), queried through the named-query
  API and ``/sparql``; the workloads repeat their parameter sets, so after the first round most
  answers come from the result cache;
* ``govgraph-nocache``: the same with ``--cache-mb 0``: every request runs its query;
* ``pyoxigraph``: the same SPARQL run in this process on a ``pyoxigraph.Store`` (no HTTP), the
  result serialized as SPARQL results JSON, like the server does;
* ``rdflib-endpoint``: ``rdflib-endpoint serve FILE`` from the separate venv ``bench/.venv``
  (``pip install "rdflib-endpoint[cli]"``; not a govgraph dependency), queried at ``/sparql``.

For each engine: load time (start to first answer for the servers), then for each workload at 1
and 4 concurrent clients: p50/p99 latency and requests/s, each cell bounded by ``--budget``
seconds and ``--max-requests`` requests (a request already running is waited for, at most
``--request-timeout`` seconds). An engine whose 1-client p50 exceeds ``--slow`` seconds skips
its 4-client run. Prints a Markdown table and writes JSON next to the data file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from procmem import memory

from govgraph.querying import queries
from govgraph.querying.binding import bind
from govgraph.rdf.namespaces import GGID, PREFIXES
from govgraph.rdf.remote import standalone

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COUNT_QUERY = """PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?role (COUNT(DISTINCT ?seat) AS ?seats) (COUNT(DISTINCT ?agent) AS ?agents)
WHERE { ?seat a gg:Representation ; org:role ?role ; org:member ?agent }
GROUP BY ?role ORDER BY DESC(?seats)"""


@dataclass
class Workload:
    name: str
    query: str  # named query, or "" for COUNT_QUERY through /sparql
    params: list[dict[str, str]] = field(default_factory=lambda: [{}])

    def sparql(self, values: dict[str, str]) -> str:
        """The SPARQL text an engine without the named-query API runs for these values."""
        if not self.query:
            return COUNT_QUERY
        named = queries.get(self.query)
        return standalone(bind(named.sparql, named.bindings(values)))

    def path(self, values: dict[str, str]) -> str:
        return f"/api/queries/{self.query}" + (f"?{urlencode(values)}" if values else "")


@dataclass
class Cell:
    engine: str
    workload: str
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    note: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def workloads(data: Path, rnd: random.Random) -> list[Workload]:
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    forums = [s["f"].value for s in store.query(  # type: ignore[union-attr]
        "SELECT ?f WHERE { ?f a <https://w3id.org/govgraph/ontology#Forum> }")]
    roots = [f for f in forums if f.rsplit("/", 1)[1].count("-") == 1]  # forum/conf-N
    pick = rnd.sample(forums, min(20, len(forums)))
    top = rnd.sample(roots, min(20, len(roots)))
    return [
        Workload("representations, one forum", "representations",
                 [{"forum": f.removeprefix(GGID)} for f in pick]),
        Workload("representations, all", "representations"),
        Workload("forum-members with sub-forums", "forum-members",
                 [{"forum": f.removeprefix(GGID), "include_subforums": "true"} for f in top]),
        Workload("COUNT/GROUP BY roles", ""),
    ]


def measure(engine: str, work: Workload, clients: int, call: Callable[[dict[str, str]], bool],
            args: argparse.Namespace) -> Cell:
    cell = Cell(engine, work.name, clients)
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + args.budget

    def client(index: int) -> None:
        n = index
        while time.monotonic() < deadline:
            with lock:
                if cell.requests >= args.max_requests:
                    return
                cell.requests += 1
            values = work.params[n % len(work.params)]
            n += clients
            t0 = time.perf_counter()
            try:
                ok = call(values)
            except Exception:
                ok = False
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                cell.errors += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cell.seconds = time.monotonic() - start
    if latencies:
        ordered = sorted(latencies)
        cell.p50_ms = round(statistics.median(ordered) * 1000, 2)
        cell.p99_ms = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)
        cell.rps = round((len(latencies) - cell.errors) / cell.seconds, 2)
    return cell


def http_call(base: str, work: Workload, *, sparql_endpoint: str | None,
              timeout: float) -> Callable[[dict[str, str]], bool]:
    local = threading.local()

    def call(values: dict[str, str]) -> bool:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=timeout)
        if sparql_endpoint is not None:
            url = base + sparql_endpoint + "?" + urlencode({"query": work.sparql(values)})
        else:
            url = base + work.path(values)
        answer = local.client.get(url, headers={"Accept": "application/sparql-results+json"})
        return answer.status_code == 200 and b'"head"' in answer.content
    return call


def wait_ready(url: str, process: subprocess.Popen[bytes], limit: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"no answer from {url} within {limit:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run_server(engine: str, command: list[str], ready_path: str, port: int, data: Path,
               works: list[Workload], args: argparse.Namespace, *, sparql_path: str,
               named_api: bool) -> tuple[float, list[Cell], dict[str, dict[str, int]]]:
    """A fresh server per workload, so that queries a slow server still computes after their
    client gave up do not delay the next workload; the load time is the first start's. Also
    returns the memory of the server's process tree after each workload."""
    base = f"http://127.0.0.1:{port}"
    loads: list[float] = []
    cells: list[Cell] = []
    memories: dict[str, dict[str, int]] = {}
    for work in works:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            wait_ready(base + ready_path, process, args.load_limit)
            loads.append(time.monotonic() - started)
            print(f"  {engine}: ready in {loads[-1]:.2f} s", file=sys.stderr)
            cells += matrix(engine, [work], args, lambda w: http_call(
                base, w, sparql_endpoint=None if named_api and w.query else sparql_path,
                timeout=args.request_timeout))
            memories[work.name] = memory(process.pid)
        finally:
            stop(process)
    return loads[0], cells, memories


def matrix(engine: str, works: list[Workload], args: argparse.Namespace,
           make: Callable[[Workload], Callable[[dict[str, str]], bool]]) -> list[Cell]:
    cells = []
    for work in works:
        call = make(work)
        t0 = time.monotonic()
        try:
            warm = call(work.params[0])  # warm-up, not measured
        except Exception as exc:  # e.g. the request time-out
            warm, why = False, type(exc).__name__
        else:
            why = "error answer"
        if not warm:
            note = f"warm-up failed after {time.monotonic() - t0:.0f} s ({why})"
            print(f"  {engine} | {work.name}: {note}", file=sys.stderr)
            cells += [Cell(engine, work.name, n, note=note) for n in (1, 4)]
            continue
        for clients in (1, 4):
            if clients > 1 and cells and cells[-1].p50_ms is not None \
                    and cells[-1].p50_ms > args.slow * 1000:
                cells.append(Cell(engine, work.name, clients,
                                  note=f"skipped: 1-client p50 > {args.slow:g} s"))
                continue
            cell = measure(engine, work, clients, call, args)
            print(f"  {engine} | {work.name} | {clients}: {cell.requests} req, "
                  f"p50 {cell.p50_ms} ms, {cell.rps} req/s, {cell.errors} errors",
                  file=sys.stderr)
            cells.append(cell)
    return cells


def run_pyoxigraph(data: Path, works: list[Workload],
                   args: argparse.Namespace) -> tuple[float, list[Cell]]:
    start = time.monotonic()
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    load = time.monotonic() - start

    def make(work: Workload) -> Callable[[dict[str, str]], bool]:
        texts = {json.dumps(v, sort_keys=True): work.sparql(v) for v in work.params}

        def call(values: dict[str, str]) -> bool:
            result = store.query(texts[json.dumps(values, sort_keys=True)], prefixes=PREFIXES)
            return bool(result.serialize(format=ox.QueryResultsFormat.JSON))  # type: ignore[union-attr]
        return call
    return load, matrix("pyoxigraph (in-process)", works, args, make)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("govgraph", "pyoxigraph", "fastapi", "uvicorn", "httpx"):
        found[name] = metadata.version(name)
    bench_python = HERE / ".venv" / "bin" / "python"
    if bench_python.exists():
        out = subprocess.run([str(bench_python), "-c", "from importlib import metadata as m; "
                              "print(m.version('rdflib-endpoint'), m.version('rdflib'))"],
                             capture_output=True, text=True, check=False).stdout.split()
        if len(out) == 2:
            found["rdflib-endpoint"], found["rdflib"] = out
    return found


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "")
    return {"nproc": str(os.cpu_count()), "memory": mem, "cpu": cpu,
            "os": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="N-Triples file from bench/generate.py")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds per cell")
    parser.add_argument("--max-requests", type=int, default=300, help="requests per cell")
    parser.add_argument("--request-timeout", type=float, default=60.0)
    parser.add_argument("--slow", type=float, default=5.0,
                        help="skip 4 clients when 1 client's p50 is above this (seconds)")
    parser.add_argument("--load-limit", type=float, default=600.0,
                        help="seconds a server may take to load")
    parser.add_argument("--engines",
                        default="govgraph,govgraph-nocache,pyoxigraph,rdflib-endpoint")
    args = parser.parse_args()
    rnd = random.Random(11)
    works = workloads(args.data, rnd)
    triples = sum(1 for _ in args.data.open("rb"))
    engines = args.engines.split(",")
    loads: dict[str, float] = {}
    memories: dict[str, dict[str, dict[str, int]]] = {}
    cells: list[Cell] = []
    print(f"{args.data}: {triples} triples", file=sys.stderr)
    for engine, name, extra in (("govgraph", "govgraph serve", []),
                                ("govgraph-nocache", "govgraph serve --cache-mb 0",
                                 ["--cache-mb", "0"])):
        if engine not in engines:
            continue
        port = free_port()
        loads[name], found, memories[name] = run_server(
            name, [sys.executable, "-m", "govgraph", "serve", "--no-validate",
                   "--data", str(args.data), "--port", str(port), *extra],
            "/health", port, args.data, works, args, sparql_path="/sparql", named_api=True)
        cells += found
    if "pyoxigraph" in engines:
        loads["pyoxigraph (in-process)"], found = run_pyoxigraph(args.data, works, args)
        cells += found
    tool = HERE / ".venv" / "bin" / "rdflib-endpoint"
    if "rdflib-endpoint" in engines and tool.exists():
        port = free_port()
        ready = "/?" + urlencode({"query": "ASK { ?s ?p ?o }"})  # 0.6 serves SPARQL at /
        loads["rdflib-endpoint"], found, memories["rdflib-endpoint"] = run_server(
            "rdflib-endpoint", [str(tool), "serve", str(args.data), "--host", "127.0.0.1",
                                "--port", str(port)],
            ready, port, args.data, works, args, sparql_path="/", named_api=False)
        cells += found
    elif "rdflib-endpoint" in engines:
        print(f"  rdflib-endpoint: skipped, {tool} missing (see bench/README.md)",
              file=sys.stderr)
    report = {"data": str(args.data), "triples": triples, "machine": machine(),
              "versions": versions(), "command": " ".join(sys.argv),
              "budget_s": args.budget, "max_requests": args.max_requests,
              "load_s": {k: round(v, 2) for k, v in loads.items()},
              "memory_kib": memories,
              "cells": [asdict(c) for c in cells]}
    out = args.data.with_suffix(".results.json")
    out.write_text(json.dumps(report, indent=2))
    print(markdown(report))
    return 0


def markdown(report: dict[str, object]) -> str:
    lines = [f"### {report['triples']} triples ({report['data']})", "",
             "| engine | load (s) |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["load_s"].items()]  # type: ignore[attr-defined]
    lines += ["", "| engine | workload | clients | requests | errors | p50 ms | p99 ms | req/s |",
              "|---|---|---|---|---|---|---|---|"]
    for c in report["cells"]:  # type: ignore[attr-defined]
        if c["note"]:
            lines.append(f"| {c['engine']} | {c['workload']} | {c['clients']} | "
                         f"{c['note']} | | | | |")
            continue
        lines.append(f"| {c['engine']} | {c['workload']} | {c['clients']} | {c['requests']} | "
                     f"{c['errors']} | {c['p50_ms']} | {c['p99_ms']} | {c['rps']} |")
    lines += ["", "| engine | after workload | server VmRSS MiB | processes | tree Pss MiB |",
              "|---|---|---|---|---|"]
    for engine, works in report["memory_kib"].items():  # type: ignore[attr-defined]
        for work, mem in works.items():
            lines.append(f"| {engine} | {work} | {mem['server_kib'] // 1024} | "
                         f"{mem['processes']} | {mem['tree_pss_kib'] // 1024} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
