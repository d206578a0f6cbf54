"""Faults: bad data at start, atomic reload (SIGHUP, ``--watch``), on-disk stores that are locked
or corrupt, and a clean SIGTERM. Each test runs ``govgraph serve`` as a real subprocess."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govgraph.rdf import resources, sources

pytestmark = pytest.mark.slow

FORUM = "https://w3id.org/govgraph/id/forum/ctssm-bologna"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ASK_NEW = f'ASK {{ <{FORUM}> <{LABEL}> "Reloaded label"@en }}'
FIXTURES = Path(__file__).parent / "fixtures"
#: A fixture with one SHACL violation.
VIOLATION = FIXTURES / "invalid" / "representation-without-principal.ttl"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """``govgraph serve`` in a subprocess; stderr goes to a file the test can read."""

    def __init__(self, tmp: Path, *args: str | Path) -> None:
        self.port = _free_port()
        self.log_path = tmp / f"serve-{self.port}.log"
        self.log_file = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "govgraph", "serve", "--port", str(self.port), *map(str, args)],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_up(self, within: float = 60) -> Served:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}:\n{self.log}")
            try:
                if self.client.get("/health").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"serve did not start:\n{self.log}")

    def ask(self, sparql: str) -> bool:
        answer = self.client.get("/sparql", params={"query": sparql})
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["boolean"])

    def dataset(self) -> str:
        return str(self.client.get("/health").json()["dataset"])

    def wait_log(self, text: str, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while text not in self.log:
            assert time.monotonic() < deadline, f"{text!r} not logged:\n{self.log}"
            assert self.proc.poll() is None, self.log
            time.sleep(0.1)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.client.close()
            self.log_file.close()
        return code


@pytest.fixture
def dataset(tmp_path: Path) -> list[Path]:
    """Copies of the shipped files (and of the source texts their quotes point into): the
    tests may break and fix them."""
    shutil.copytree(resources.folder("sources"), tmp_path / "data" / "sources")
    copies = []
    for source in sources.shipped():
        target = tmp_path / "data" / source.path.parent.name / source.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source.path, target)
        copies.append(target)
    return copies


def _data_args(files: list[Path]) -> list[str | Path]:
    return [arg for f in files for arg in ("--data", f)]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for served in started:
        served.stop()


def _start(started: list[Served], tmp: Path, *args: str | Path) -> Served:
    served = Served(tmp, *args)
    started.append(served)
    return served.wait_up()


def _bologna(files: list[Path]) -> Path:
    return next(f for f in files if f.name.startswith("ctssm-bologna"))


def _run_serve(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govgraph", "serve", "--port",
                           str(_free_port()), *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False)


# --- bad data at start -----------------------------------------------------------------------

def test_syntax_error_at_start_is_refused(dataset: list[Path]) -> None:
    target = _bologna(dataset)
    target.write_text(target.read_text() + "\n<urn:a> <urn:b> .\n")
    done = _run_serve(*_data_args(dataset))
    assert done.returncode == 2, done.stderr
    assert f"{target}:" in done.stderr and "syntax error" in done.stderr
    assert "Traceback" not in done.stderr


def test_shacl_violation_at_start_is_refused(dataset: list[Path]) -> None:
    target = _bologna(dataset)
    target.write_text(target.read_text() + VIOLATION.read_text())
    done = _run_serve(*_data_args(dataset))
    assert done.returncode == 1, done.stderr
    assert "does not conform" in done.stderr and "not serving it" in done.stderr
    assert "Traceback" not in done.stderr


# --- atomic reload ---------------------------------------------------------------------------

def _add_label(path: Path) -> None:
    path.write_text(path.read_text() + f'\n<{FORUM}> <{LABEL}> "Reloaded label"@en .\n')


def test_sighup_reload_is_all_or_nothing(tmp_path: Path, dataset: list[Path],
                                         serve: list[Served]) -> None:
    served = _start(serve, tmp_path, *_data_args(dataset), "--no-validate")
    # uvloop is a dependency where it installs; the server must really run on it
    loop = "asyncio" if importlib.util.find_spec("uvloop") is None else "uvloop"
    assert f"event loop {loop}" in served.log
    target = _bologna(dataset)
    good = target.read_text()
    before = served.dataset()
    assert not served.ask(ASK_NEW)

    target.write_text(good + "\n<urn:a> <urn:b> .\n")  # broken
    served.proc.send_signal(signal.SIGHUP)
    served.wait_log("reload refused")
    assert f"{target}:" in served.log and "syntax error" in served.log
    assert "still serving dataset " + before in served.log
    assert served.dataset() == before and served.ask(f"ASK {{ <{FORUM}> ?p ?o }}")

    target.write_text(good)
    _add_label(target)  # fixed, with something new
    served.proc.send_signal(signal.SIGHUP)
    served.wait_log(f"(was {before})")
    assert served.ask(ASK_NEW) and served.dataset() != before
    assert served.stop() == 0
    assert "Traceback" not in served.log


def test_watch_reloads_changed_files_and_refuses_invalid_ones(
        tmp_path: Path, dataset: list[Path], serve: list[Served]) -> None:
    served = _start(serve, tmp_path, *_data_args(dataset), "--watch")
    target = _bologna(dataset)
    good = target.read_text()
    before = served.dataset()

    target.write_text(good + VIOLATION.read_text())
    served.wait_log("reload refused")
    assert "does not conform" in served.log and "still serving dataset " + before in served.log
    assert served.dataset() == before

    target.write_text(good)
    _add_label(target)
    served.wait_log(f"(was {before})")
    assert served.ask(ASK_NEW)
    assert served.stop() == 0


def test_queries_keep_answering_during_a_reload(tmp_path: Path, dataset: list[Path],
                                                serve: list[Served]) -> None:
    served = _start(serve, tmp_path, *_data_args(dataset), "--no-validate")
    statuses: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{served.port}", timeout=30) as client:
            while not stop.is_set():
                statuses.append(client.get("/api/queries/representations").status_code)

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        for round_ in range(3):
            before = served.dataset()
            _add_label(_bologna(dataset))
            served.proc.send_signal(signal.SIGHUP)
            served.wait_log(f"(was {before})")
            assert served.log.count("now serving dataset") == round_ + 1
    finally:
        stop.set()
        thread.join()
    assert statuses and set(statuses) == {200}


# --- on-disk stores --------------------------------------------------------------------------

def test_locked_store_directory_is_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import pyoxigraph, sys; s = pyoxigraph.Store(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read()", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = _run_serve("--store", store, "--no-validate")
    finally:
        holder.communicate("")
    assert done.returncode == 2, done.stderr
    assert "cannot open the store" in done.stderr and "another govgraph process" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("damage", ["garbage files", "bad CURRENT", "not a directory"])
def test_corrupt_store_directory_is_a_clear_error(tmp_path: Path, damage: str) -> None:
    store = tmp_path / "store"
    if damage == "not a directory":
        store.write_text("not a store")
    else:
        store.mkdir()
        (store / "CURRENT").write_text("MANIFEST-000099\n" if damage == "bad CURRENT" else "\0")
        (store / "MANIFEST-000099").write_bytes(os.urandom(4096))
        (store / "000001.sst").write_bytes(os.urandom(4096))
    done = _run_serve("--store", store, "--no-validate")
    assert done.returncode == 2, done.stderr
    assert str(store) in done.stderr and "Traceback" not in done.stderr


def test_watch_refuses_an_on_disk_store(tmp_path: Path) -> None:
    done = _run_serve("--store", tmp_path / "store", "--watch")
    assert done.returncode == 2 and "--watch" in done.stderr


# --- SIGTERM ---------------------------------------------------------------------------------

def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(tmp_path: Path,
                                                               serve: list[Served]) -> None:
    # the ontology alone, so that the query's cost does not grow with the data
    ontology = [arg for f in sources.shipped(data=False) for arg in ("--data", f.path)]
    served = _start(serve, tmp_path, *ontology, "--no-validate")
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }"  # about a second
    result: dict[str, object] = {}

    def run() -> None:
        with httpx.Client(timeout=60) as client:
            answer = client.get(f"http://127.0.0.1:{served.port}/sparql", params={"query": slow})
            result["status"], result["body"] = answer.status_code, answer.text

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)  # the query is running
    started = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    code = served.proc.wait(timeout=30)
    thread.join(timeout=30)
    assert result.get("status") == 200, (result, served.log)
    assert '"value":"' in str(result["body"])
    assert code == 0, served.log
    assert time.monotonic() - started < 15  # uvicorn's graceful shutdown bound is 10 s
    assert "Traceback" not in served.log
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=2)
