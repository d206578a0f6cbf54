"""map_forked: the same results as a loop, in order, computed on several cores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading

from govgraph.validation.parallel import map_forked

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from govgraph.validation.parallel import map_forked
    parent = os.getpid()

    def work(n):
        if sys.argv[1] == "fail" and os.getpid() != parent:
            raise RuntimeError("a child fails")
        return [n * n, os.getpid()]

    print(json.dumps(map_forked(work, list(range(10)), processes=3)))
""")


def run_script(mode: str) -> list[list[int]]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                         check=True, timeout=60)
    result: list[list[int]] = json.loads(out.stdout)
    return result


def test_results_in_order_from_several_processes() -> None:
    rows = run_script("ok")
    assert [r[0] for r in rows] == [n * n for n in range(10)]
    assert len({r[1] for r in rows}) == 3  # the parent and two children


def test_a_failing_child_is_made_up_for_by_the_parent() -> None:
    rows = run_script("fail")
    assert [r[0] for r in rows] == [n * n for n in range(10)]
    assert len({r[1] for r in rows}) == 1  # all done by the parent in the end


def test_with_threads_running_it_is_a_plain_loop() -> None:
    # pytest's process may run server threads: then nothing is forked
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert map_forked(lambda n: (n, os.getpid()), [1, 2, 3]) == [
            (1, os.getpid()), (2, os.getpid()), (3, os.getpid())]
    finally:
        stop.set()
        thread.join()
