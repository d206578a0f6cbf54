"""The query executor: worker processes that a time-out really stops.

Every test builds its own executor with small limits and closes it; the expensive queries are
cross products of all the ontology's triples, which never finish within the limits used here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from govgraph.querying.binding import Term
from govgraph.querying.executor import (
    NotAcceptable,
    Overloaded,
    ProcessExecutor,
    QueryRequest,
    QueryResponse,
    QueryTimeout,
    WorkerCrashed,
    execute,
)
from govgraph.querying.queries import QueryError
from govgraph.rdf import sources
from govgraph.rdf.store import OxigraphStore, QueryResult, load_store

pytestmark = pytest.mark.timeout(30)

JSON = ox.QueryResultsFormat.JSON
#: Fifty triples in index order (the same order in every process that shares the store).
CHEAP = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"
#: All quads four times over, a never-true FILTER on all of them: CPU for hours, little memory.
EXPENSIVE = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
             "FILTER(STRLEN(CONCAT(STR(?a), STR(?d), STR(?g), STR(?j))) < 0) }")
#: Sorting the same cross product: the worker's memory grows by hundreds of MB a second.
HOG = ("SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } "
       "ORDER BY ?c ?f ?i ?l")

MakeExecutor = Callable[..., ProcessExecutor]


@pytest.fixture
def make_executor(ontology_store: OxigraphStore) -> Iterator[MakeExecutor]:
    made: list[ProcessExecutor] = []

    def make(store: object = ontology_store, **options: object) -> ProcessExecutor:
        executor = ProcessExecutor(store, **options)  # type: ignore[arg-type]
        made.append(executor)
        return executor

    yield make
    for executor in made:
        executor.close()


def request(sparql: str, **options: object) -> QueryRequest:
    return QueryRequest(sparql, JSON, ox.RdfFormat.TURTLE, **options)  # type: ignore[arg-type]


def alive(pid: int) -> bool:
    """Whether ``pid`` exists at all (a zombie counts: it was not reaped)."""
    return Path(f"/proc/{pid}").exists()


def rss_kib(pids: Sequence[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def started(task: asyncio.Task[QueryResponse]) -> None:
    """Give ``task`` time to reach its worker."""
    await asyncio.sleep(0.2)
    assert not task.done()


def test_cheap_query_equals_in_thread_result(ontology_store: OxigraphStore,
                                             make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=2, timeout=5)
    assert executor.zygote_pid is not None and len(executor.worker_pids()) == 2
    for sparql in (CHEAP, "ASK { ?s ?p ?o }",
                   "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 20"):
        got = asyncio.run(executor.run(request(sparql)))
        assert got == execute(ontology_store, request(sparql))
        assert got.rows > 0 and got.body
    capped = asyncio.run(executor.run(request(CHEAP, max_rows=3)))
    assert (capped.rows, capped.truncated) == (3, True)


def test_substitutions_cross_to_the_worker(ontology_store: OxigraphStore,
                                           make_executor: MakeExecutor) -> None:
    found = ontology_store.query(
        "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(LANG(?l) != '') } ORDER BY ?s LIMIT 1")
    assert isinstance(found, ox.QuerySolutions)
    (row,) = list(found)
    subject, label = row["s"], row["l"]
    assert isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal)
    executor = make_executor(workers=1, timeout=5)
    cases: list[tuple[str, Mapping[str, Term]]] = [
        ("SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l", {"s": subject}),
        ("SELECT ?s WHERE { ?s rdfs:label ?l }", {"l": label}),
    ]
    for sparql, substitutions in cases:
        req = request(sparql, substitutions=substitutions)
        got = asyncio.run(executor.run(req))
        assert got == execute(ontology_store, req)
        assert 0 < got.rows < len(ontology_store)
    body = asyncio.run(executor.run(request(cases[1][0], substitutions=cases[1][1]))).body
    assert subject.value in body.decode()


def test_errors_keep_their_type_and_message(ontology_store: OxigraphStore,
                                            make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=5)
    bad = request("SELECT * WHERE { ?s ?p }")
    with pytest.raises(SyntaxError) as direct:
        execute(ontology_store, bad)
    with pytest.raises(SyntaxError) as remote:
        asyncio.run(executor.run(bad))
    assert type(remote.value) is type(direct.value)
    assert str(remote.value) == str(direct.value) and "1:" in str(remote.value)
    graph_only = QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", JSON, None)
    with pytest.raises(NotAcceptable) as refused:
        asyncio.run(executor.run(graph_only))
    assert refused.value.kind == "graph"
    assert len(executor.worker_pids()) == 1  # errors do not cost a worker


def test_timeout_kills_the_worker_and_frees_its_memory(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=1.5)
    (victim,) = executor.worker_pids()
    baseline = rss_kib([victim])
    peak = 0

    async def hog_and_watch() -> None:
        nonlocal peak
        task = asyncio.create_task(executor.run(request(HOG)))
        while not task.done():
            peak = max(peak, rss_kib([victim]))
            await asyncio.sleep(0.05)
        with pytest.raises(QueryTimeout, match=r"longer than 1\.5 s"):
            await task

    asyncio.run(hog_and_watch())  # stopped at its time limit (QueryTimeout), not run to its end
    assert peak > baseline + 50_000, (baseline, peak)  # the query did hold memory
    assert not alive(victim)  # killed and reaped: its memory went back to the system
    (replacement,) = executor.worker_pids()
    assert replacement != victim
    assert rss_kib([replacement]) < baseline + 10_000
    assert asyncio.run(executor.run(request(CHEAP))).rows == 50


def test_cheap_query_runs_beside_an_expensive_one(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=2, timeout=2.5)

    async def both() -> None:
        slow = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await started(slow)
        cheap = await executor.run(request(CHEAP))
        assert cheap.rows == 50
        assert not slow.done()  # answered beside the expensive query, not after it
        with pytest.raises(QueryTimeout):
            await slow

    asyncio.run(both())
    assert len(executor.worker_pids()) == 2


def nice(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


def test_long_query_gives_way_to_cheap_ones(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=2.5, demote_after=0.1)
    (first,) = executor.worker_pids()

    async def both() -> None:
        slow = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await asyncio.sleep(0.5)
        assert not slow.done()
        # the long query's worker runs at the lowest priority; another took its place
        assert nice(first) == 19
        others = [pid for pid in executor.worker_pids() if pid != first]
        assert len(others) == 1 and nice(others[0]) == 0
        for _ in range(5):  # one regular worker: they would all wait without the slow lane
            assert (await executor.run(request(CHEAP))).rows == 50
        assert not slow.done()
        with pytest.raises(QueryTimeout):
            await slow

    asyncio.run(both())
    assert not alive(first)  # a demoted worker is not reused
    (left,) = executor.worker_pids()
    assert nice(left) == 0


def test_slow_lane_is_bounded(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=2.0, demote_after=0.05, slow=1, queue=0)

    async def crowd() -> None:
        first = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await asyncio.sleep(0.3)
        second = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await asyncio.sleep(0.3)
        # both demoted, but only one slow-lane place: no third worker was started
        assert len(executor.worker_pids()) == 2
        assert all(nice(pid) == 19 for pid in executor.worker_pids())
        with pytest.raises(Overloaded, match="try again later"):
            await executor.run(request(CHEAP))
        for task in (first, second):
            with pytest.raises(QueryTimeout):
                await task

    asyncio.run(crowd())
    (left,) = executor.worker_pids()
    assert nice(left) == 0
    assert asyncio.run(executor.run(request(CHEAP))).rows == 50


#: Every quad against every quad (~4.7 million rows counted): well over 50 ms, then an answer.
BUSY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?c }"


def test_worker_that_grew_is_replaced_after_its_answer(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=10, recycle_mib=1, demote_after=30)
    (first,) = executor.worker_pids()
    assert asyncio.run(executor.run(request(CHEAP))).rows == 50  # quick: no memory check
    assert executor.worker_pids() == [first]
    assert asyncio.run(executor.run(request(BUSY))).rows == 1  # answered in full
    (second,) = executor.worker_pids()
    assert second != first and not alive(first)  # then retired: > 1 MiB of its own
    assert asyncio.run(executor.run(request(CHEAP))).rows == 50


def test_worker_within_its_memory_is_kept(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=10, demote_after=30)  # 64 MiB, the default
    (first,) = executor.worker_pids()
    assert asyncio.run(executor.run(request(BUSY))).rows == 1
    assert executor.worker_pids() == [first]


def test_full_queue_is_overloaded(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=1.5, queue=0, slow=0)

    async def crowd() -> None:
        slow = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await started(slow)
        with pytest.raises(Overloaded, match="try again later"):
            await executor.run(request(CHEAP))
        assert not slow.done()  # refused at once, not queued behind the expensive query
        with pytest.raises(QueryTimeout):
            await slow
        assert (await executor.run(request(CHEAP))).rows == 50  # room again

    asyncio.run(crowd())


def test_crashed_worker_is_replaced(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=10)
    (victim,) = executor.worker_pids()

    async def crash() -> None:
        slow = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await started(slow)
        os.kill(victim, signal.SIGKILL)  # as the OOM killer would
        with pytest.raises(WorkerCrashed, match=f"pid {victim}.*SIGKILL"):
            await asyncio.wait_for(slow, 3)

    asyncio.run(crash())
    assert not alive(victim)
    (replacement,) = executor.worker_pids()
    assert replacement != victim
    assert asyncio.run(executor.run(request(CHEAP))).rows == 50


def test_close_leaves_no_process_behind(make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=2, timeout=10)
    assert executor.zygote_pid is not None
    pids = [executor.zygote_pid, *executor.worker_pids()]

    async def close_while_busy() -> None:
        slow = asyncio.create_task(executor.run(request(EXPENSIVE)))
        await started(slow)
        began = time.monotonic()
        executor.close()
        # it stops the running query rather than waiting for its time limit (10 s)
        assert time.monotonic() - began < executor.timeout / 2
        with pytest.raises(Overloaded, match="shutting down"):
            await asyncio.wait_for(slow, 3)
        with pytest.raises(Overloaded, match="shutting down"):
            await executor.run(request(CHEAP))

    asyncio.run(close_while_busy())
    assert [pid for pid in pids if alive(pid)] == []
    executor.close()  # a second close is harmless


def test_on_disk_store_is_opened_read_only_by_workers(tmp_path: Path,
                                                      make_executor: MakeExecutor) -> None:
    on_disk = load_store(sources.shipped(data=False), path=tmp_path / "store")
    executor = make_executor(on_disk, workers=1, timeout=5, store_path=tmp_path / "store")
    assert asyncio.run(executor.run(request(CHEAP))) == execute(on_disk, request(CHEAP))


class ForeignStore:
    """A store that is not the embedded one (like a remote endpoint): no processes for it."""

    local = False

    def __init__(self, inner: OxigraphStore) -> None:
        self._inner = inner

    @property
    def version(self) -> str:
        return self._inner.version

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        return self._inner.query(sparql, substitutions=substitutions,
                                 default_graphs=default_graphs, named_graphs=named_graphs)

    def graphs(self) -> list[str]:
        return self._inner.graphs()

    def __len__(self) -> int:
        return len(self._inner)


def test_other_stores_run_in_threads(ontology_store: OxigraphStore,
                                     make_executor: MakeExecutor) -> None:
    executor = make_executor(ForeignStore(ontology_store), workers=2, timeout=5)
    assert executor.zygote_pid is None and executor.worker_pids() == []
    assert asyncio.run(executor.run(request(CHEAP))) == execute(ontology_store, request(CHEAP))
    with pytest.raises(SyntaxError):
        asyncio.run(executor.run(request("SELECT * WHERE { ?s ?p }")))


def _spin(_store: object, seconds: float) -> None:
    """A Python job that runs past any limit used here (time.sleep would do too)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _count(store: OxigraphStore, name: str) -> int:
    if name == "bad":
        raise QueryError("no such thing", param="kind")
    return len(store)


def test_a_call_runs_in_a_worker_and_the_time_limit_stops_it(
        ontology_store: OxigraphStore, make_executor: MakeExecutor) -> None:
    executor = make_executor(workers=1, timeout=1.0)
    (victim,) = executor.worker_pids()
    assert asyncio.run(executor.call(_count, "triples")) == len(ontology_store)
    with pytest.raises(QueryError) as refused:  # crosses back with the parameter it names
        asyncio.run(executor.call(_count, "bad"))
    assert refused.value.param == "kind"
    assert executor.worker_pids() == [victim]
    with pytest.raises(QueryTimeout, match=r"longer than 1 s"):
        asyncio.run(executor.call(_spin, 60.0))
    assert not alive(victim)  # the Python work was stopped with its process
    assert executor.worker_pids() != [victim]
