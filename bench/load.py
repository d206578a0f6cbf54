"""Load: many concurrent clients mixing cheap named queries with queries that hit the time limit.

    python bench/load.py [--clients 32] [--expensive 2] [--duration 60] [--timeout 5] [--think S]

Starts ``govgraph serve --no-validate --cache-mb 0`` as a subprocess on 127.0.0.1 (the shipped
data, a query time limit of ``--timeout`` seconds; no result cache, so that every cheap request
really runs in a worker beside the expensive ones), then runs four phases, each bounded in time
and requests:

1. idle: one client, cheap queries only (``--idle`` seconds);
2. cheap only: ``--clients`` clients, all cheap (``--duration``/2 s): the same load without
   the expensive queries;
3. mixed: ``--clients`` asyncio + httpx clients, ``--expensive`` of them sending a query that
   runs into the time limit (503 expected), the others cheap named queries (``--duration`` s);
4. idle again, to see that the service has recovered.

With ``--think 0`` (the default) every client sends its next request as soon as it has an
answer: 32 such clients saturate two cores with cheap queries alone, so their latency is set
by the queue, not by the expensive queries. ``--think S`` makes cheap clients pause a random
0-2S seconds between requests, like people and notebooks do: the server is then busy but not
saturated, and the mixed phase shows what the expensive queries cost the cheap ones.

It counts every status, tells the intended 503s (time limit, overload with Retry-After) from
other 5xx, counts dropped connections (transport errors), and prints the cheap queries' p50/p99
idle and under load (and their ratio), and the resident memory of the server process and of its
whole process tree (query workers included) before and after, from ``/proc``. Exits 1 when there
was any unintended 5xx or dropped connection. ``tests/test_load.py`` runs :func:`run_phase` for
a few seconds against an in-process server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from procmem import memory

#: Named queries that need no parameter (cheap on the shipped data).
CHEAP = ("/api/queries/representations", "/api/queries/coordination", "/api/queries/mandates",
         "/api/queries/forum-tree", "/api/queries/timeline",
         "/api/queries/multi-principal-agents", "/api/representations")
#: A query that runs into any reasonable time limit (a three-way cross product).
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The 503s the service means to send, by kind: text in the body.
INTENDED_503 = {"time limit": ("longer than this service allows",),
                "overloaded": ("too many queries", "became free", "shutting down")}


@dataclass
class Phase:
    name: str
    clients: int
    expensive_clients: int
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    unintended: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    cheap_ms: list[float] = field(default_factory=list)
    expensive_ms: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def percentile(self, q: float, expensive: bool = False) -> float:
        values = sorted(self.expensive_ms if expensive else self.cheap_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]

    def summary(self) -> dict[str, object]:
        out = asdict(self)
        out.pop("cheap_ms"), out.pop("expensive_ms")
        out["statuses"] = dict(self.statuses)
        out.update(requests=self.requests, cheap=len(self.cheap_ms),
                   cheap_p50_ms=round(self.percentile(0.5), 1),
                   cheap_p99_ms=round(self.percentile(0.99), 1),
                   expensive=len(self.expensive_ms),
                   expensive_p50_ms=round(self.percentile(0.5, True), 1),
                   requests_per_s=round(self.requests / self.seconds, 1) if self.seconds else 0)
        return out


async def _client(base: str, phase: Phase, expensive: bool, deadline: float, budget: int,
                  timeout: float, seed: int, think: float) -> None:
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        for _ in range(budget):
            if time.monotonic() >= deadline:
                return
            if expensive:
                path, params = "/sparql", {"query": EXPENSIVE}
            else:
                path, params = rng.choice(CHEAP), {}
            started = time.perf_counter()
            try:
                answer = await client.get(path, params=params)
            except httpx.TransportError as exc:
                phase.dropped.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            status = answer.status_code
            kind = next((k for k, texts in INTENDED_503.items()
                         if status == 503 and any(t in answer.text for t in texts)), "")
            phase.statuses[f"{status} {kind}".strip() + (" (expensive)" if expensive else "")] += 1
            if status >= 500 and not kind:
                phase.unintended.append(f"{path}: {status} {answer.text[:200]!r}")
            if status == 200:
                (phase.expensive_ms if expensive else phase.cheap_ms).append(elapsed)
            elif status == 503 and answer.headers.get("retry-after") and not expensive:
                await asyncio.sleep(rng.uniform(0.05, 0.2))  # a polite client backs off
            if think and not expensive:  # a person or a notebook reads the answer first
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_phase(base: str, name: str, *, clients: int, expensive: int, seconds: float,
                    budget: int = 100_000, timeout: float = 60.0, think: float = 0.0) -> Phase:
    """``clients`` concurrent clients for at most ``seconds`` and ``budget`` requests each.

    A cheap client waits a random 0 to 2 x ``think`` seconds after each answer (0: it sends
    the next request at once, a closed loop that saturates the server); expensive clients
    never wait.
    """
    phase = Phase(name, clients, expensive)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(
        _client(base, phase, i < expensive, deadline, budget, timeout, seed=i, think=think)
        for i in range(clients)))
    phase.seconds = time.monotonic() - started
    return phase


# --- the server as a subprocess --------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "govgraph", "serve", "--no-validate", "--port", str(port),
         "--timeout", str(timeout), "--cache-mb", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("govgraph serve did not start")


def machine() -> dict[str, object]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    from importlib import metadata
    versions = {p: metadata.version(p) for p in
                ("govgraph", "pyoxigraph", "fastapi", "starlette", "uvicorn", "httpx")}
    return {"nproc": os.cpu_count(), "memory_gib": round(mem / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "kernel": platform.release(), **versions}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--expensive", type=int, default=2, help="clients sending expensive queries")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of mixed load")
    p.add_argument("--idle", type=float, default=10.0, help="seconds of each idle phase")
    p.add_argument("--timeout", type=float, default=5.0, help="the server's query time limit")
    p.add_argument("--budget", type=int, default=20_000, help="most requests per client")
    p.add_argument("--think", type=float, default=0.0,
                   help="mean seconds a cheap client waits between requests (0: closed loop)")
    p.add_argument("--json", type=Path, help="write the figures here too")
    args = p.parse_args()

    proc, base = start_server(args.timeout)
    try:
        before = memory(proc.pid)
        wait = 3 * args.timeout + 10
        phases = [asyncio.run(run_phase(base, "idle", clients=1, expensive=0, seconds=args.idle,
                                        budget=args.budget, timeout=wait))]
        # the same number of clients, all cheap: what the expensive queries add on top of it
        phases.append(asyncio.run(run_phase(
            base, "cheap only", clients=args.clients, expensive=0, think=args.think,
            seconds=args.duration / 2, budget=args.budget, timeout=wait)))
        phases.append(asyncio.run(run_phase(
            base, "mixed", clients=args.clients, expensive=args.expensive, think=args.think,
            seconds=args.duration, budget=args.budget, timeout=wait)))
        during = memory(proc.pid)
        phases.append(asyncio.run(run_phase(base, "idle after", clients=1, expensive=0,
                                            seconds=args.idle, budget=args.budget,
                                            timeout=wait)))
        after = memory(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    idle, cheap, mixed = phases[0], phases[1], phases[2]
    figures = {
        "machine": machine(), "settings": vars(args) | {"json": str(args.json)},
        "phases": [ph.summary() for ph in phases],
        "p99_ratio_mixed_over_idle": round(mixed.percentile(0.99) / idle.percentile(0.99), 1),
        "p50_ratio_mixed_over_idle": round(mixed.percentile(0.5) / idle.percentile(0.5), 1),
        "p99_ratio_mixed_over_cheap_only": round(mixed.percentile(0.99)
                                                 / cheap.percentile(0.99), 1),
        "memory_before": before, "memory_under_load": during, "memory_after": after,
        "server_exit_code": code,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    bad = sum(len(ph.unintended) + len(ph.dropped) for ph in phases)
    for ph in phases:
        for line in ph.unintended[:5] + ph.dropped[:5]:
            print(f"{ph.name}: {line}", file=sys.stderr)
    print(f"cheap p99: idle {idle.percentile(0.99):.1f} ms, under load "
          f"{mixed.percentile(0.99):.1f} ms (x{figures['p99_ratio_mixed_over_idle']}; "
          f"x{figures['p99_ratio_mixed_over_cheap_only']} over {cheap.clients} cheap-only "
          "clients); "
          f"{mixed.requests} requests under load, {bad} unintended 5xx or dropped; server RSS "
          f"{before['server_kib'] // 1024} -> {after['server_kib'] // 1024} MiB (tree "
          f"{before['tree_pss_kib'] // 1024} -> {after['tree_pss_kib'] // 1024} MiB Pss)",
          file=sys.stderr)
    return 1 if bad or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
