"""Start-up time and memory of ``govgraph serve``: start it, poll ``/health`` every 0.1 s, read
the process tree's memory (``procmem``), stop it. Repeats ``--runs`` times; prints one line per run.

    .venv/bin/python bench/startup.py                     # the shipped dataset (registry included)
    .venv/bin/python bench/startup.py -- --no-registry    # arguments after -- go to govgraph serve

Nothing here is a test: timings are never asserted (figures go to bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import procmem


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def once(serve_args: list[str], limit: float) -> dict[str, float | int]:
    port = free_port()
    govgraph = Path(sys.executable).with_name("govgraph")
    started = time.monotonic()
    proc = subprocess.Popen([str(govgraph), "serve", "--port", str(port), *serve_args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < limit:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"no /health answer within {limit} s")
        seconds = time.monotonic() - started
        time.sleep(1.0)  # let the zygote and the workers settle
        mem = procmem.memory(proc.pid)
        return {"seconds": round(seconds, 2), "triples": health.get("triples", -1),
                "server_mib": mem["server_kib"] // 1024,
                "tree_pss_mib": mem["tree_pss_kib"] // 1024, "processes": mem["processes"]}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--limit", type=float, default=120.0, help="seconds to wait for /health")
    p.add_argument("serve_args", nargs="*", help="arguments for govgraph serve (after --)")
    args = p.parse_args()
    for _ in range(args.runs):
        print(json.dumps(once(args.serve_args, args.limit)), flush=True)


if __name__ == "__main__":
    main()
