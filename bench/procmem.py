"""Memory of a server and its process tree (the zygote and the query workers), from ``/proc``.

The workers are forks that share the loaded store copy-on-write, so summing their VmRSS counts
the store once per process. ``Pss`` (proportional set size, ``/proc/PID/smaps_rollup``) divides
each shared page among the processes that map it: the sum of Pss over the tree is the memory
the service as a whole holds.
"""

from __future__ import annotations

from pathlib import Path


def _field(path: str, name: str) -> int:
    """A ``Name:   123 kB`` line of a /proc file, in KiB (0 when the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid: int) -> int:
    return _field(f"/proc/{pid}/status", "VmRSS")


def pss_kib(pid: int) -> int:
    return _field(f"/proc/{pid}/smaps_rollup", "Pss")


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory(pid: int) -> dict[str, int]:
    """The server's VmRSS, the tree's summed VmRSS and summed Pss (KiB), and its size."""
    pids = tree(pid)
    return {"server_kib": rss_kib(pid), "tree_kib": sum(rss_kib(p) for p in pids),
            "tree_pss_kib": sum(pss_kib(p) for p in pids), "processes": len(pids)}
