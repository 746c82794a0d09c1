"""Load: 8 threads on the blocking API and 8 asyncio tasks on the awaitable one, at once.

Each worker runs at least ``OPS_PER_WORKER`` mixed operations (inserts, finds, ``$inc`` updates,
deletes, counts, finds to a Table / list / Arrow) through the engine collection API and the ODM
``Document`` API, and the run lasts at least ``MIN_SECONDS``. Every worker owns its own key range
(field ``w``), so it knows exactly what its documents must hold after each step: every read is
checked against that model as it happens, and at the end a plain pymongo client checks every
collection document by document.

Three failure modes are watched:

* wrong results: any mismatch between a read and the worker's model, and the final state;
* deadlock: a watchdog fails the test, with every thread's stack dumped, when no operation
  completes for ``STALL_SECONDS``;
* leaks: the process RSS is sampled every second; after the warm-up quarter of the run it must
  stay flat (the numbers are printed, run ``make load`` to see them).

``DATA_BRIDGE_LOAD_OPS`` / ``DATA_BRIDGE_LOAD_SECONDS`` shrink the run while developing.
"""

from __future__ import annotations

import _thread
import asyncio
import faulthandler
import inspect
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge import _engine
from data_bridge.operators import Inc

OPS_PER_WORKER = int(os.environ.get("DATA_BRIDGE_LOAD_OPS", "10000"))
MIN_SECONDS = float(os.environ.get("DATA_BRIDGE_LOAD_SECONDS", "60"))
THREADS = 8
TASKS = 8
STALL_SECONDS = 30.0
# A worker keeps at most this many live documents per collection: reads stay cheap and the
# collections do not grow, so RSS should not either.
MAX_LIVE = 24
# RSS after the warm-up may grow at most this much (a leak check, not a performance bound).
RSS_GROWTH_LIMIT_MB = 50.0
RSS_GROWTH_LIMIT_FRACTION = 0.10

ENGINE_COLLECTION = "load_engine"


class AsyncItem(data_bridge.Document):
    """The ODM model the asyncio tasks use."""

    w: int
    k: int
    n: int = 0

    class Settings:
        name = "load_odm_async"


class SyncItem(data_bridge.sync.Document):
    """The ODM model the threads use."""

    w: int
    k: int
    n: int = 0

    class Settings:
        name = "load_odm_sync"


# ------------------------------------------------------------------------------ workload


class Api:
    """How a worker's steps run: blocking (``*_sync``, ``.run()``) or awaitable."""

    def __init__(self, blocking: bool, engine: _engine.Collection, model: Any) -> None:
        self.blocking = blocking
        self.engine = engine
        self.model = model

    def call(self, method: str, *args: Any, **kwargs: Any) -> Callable[[], Any]:
        """A step calling an engine collection method."""
        name = f"{method}_sync" if self.blocking else method
        return lambda: getattr(self.engine, name)(*args, **kwargs)

    def lazy(self, make: Callable[[], Any]) -> Callable[[], Any]:
        """A step running an ODM lazy query object (``.run()`` blocking, awaited otherwise)."""
        if self.blocking:
            return lambda: make().run()
        return make


@dataclass
class Worker:
    """One worker's key range, its model of what the server holds, and what it did."""

    w: int
    api: Api
    engine_live: dict[int, int] = field(default_factory=dict)
    odm_live: dict[int, int] = field(default_factory=dict)
    ops: Counter[str] = field(default_factory=Counter)
    done: int = 0
    next_k: int = 0
    error: BaseException | None = None

    def new_key(self) -> int:
        self.next_k += 1
        return self.next_k


Step = Generator[Callable[[], Any], Any, None]

ENGINE_OPS = ("insert_one", "insert_many", "find_one", "inc", "delete", "count", "find")
ODM_OPS = ("insert_one", "insert_many", "find_one", "inc", "delete", "count", "to_list", "arrow")
ALL_OPS = [f"engine.{op}" for op in ENGINE_OPS] + [f"odm.{op}" for op in ODM_OPS]


def pick(rng: random.Random, live: dict[int, int], op: str) -> str:
    """Keep the live set between 1 and MAX_LIVE: reads need a document, growth must stop."""
    if not live and op not in ("insert_one", "insert_many", "count"):
        return "insert_one"
    if len(live) >= MAX_LIVE and op in ("insert_one", "insert_many"):
        return "delete"
    return op


def engine_step(worker: Worker, rng: random.Random, op: str) -> Step:
    """One engine-collection operation, checked against the worker's model."""
    api, w, live = worker.api, worker.w, worker.engine_live
    op = pick(rng, live, op)
    if op == "insert_one":
        k = worker.new_key()
        result = yield api.call("insert_one", {"w": w, "k": k, "n": 0})
        assert result.inserted_id is not None
        live[k] = 0
    elif op == "insert_many":
        keys = [worker.new_key() for _ in range(3)]
        result = yield api.call("insert_many", [{"w": w, "k": k, "n": 0} for k in keys])
        assert len(result.inserted_ids) == 3
        live.update(dict.fromkeys(keys, 0))
    elif op == "find_one":
        k = rng.choice(list(live))
        doc = yield api.call("find_one", {"w": w, "k": k})
        assert doc is not None, (w, k)
        assert doc["n"] == live[k], (w, k, doc, live[k])
    elif op == "inc":
        k = rng.choice(list(live))
        result = yield api.call("update_one", {"w": w, "k": k}, {"$inc": {"n": 1}})
        assert (result.matched_count, result.modified_count) == (1, 1), (w, k)
        live[k] += 1
    elif op == "delete":
        k = rng.choice(list(live))
        result = yield api.call("delete_one", {"w": w, "k": k})
        assert result.deleted_count == 1, (w, k)
        del live[k]
    elif op == "count":
        count = yield api.call("count_documents", {"w": w})
        assert count == len(live), (w, count, len(live))
    elif op == "find":
        table = yield api.call("find", {"w": w}, schema={"k": "long", "n": "long"})
        assert dict(zip(table.column("k"), table.column("n"), strict=True)) == live
    worker.ops[f"engine.{op}"] += 1


def odm_step(worker: Worker, rng: random.Random, op: str) -> Step:
    """One ODM Document operation, checked against the worker's model."""
    api, w, live = worker.api, worker.w, worker.odm_live
    model = api.model
    op = pick(rng, live, op)
    if op == "insert_one":
        k = worker.new_key()
        doc = yield lambda: model(w=w, k=k).insert()
        assert doc.id is not None
        live[k] = 0
    elif op == "insert_many":
        keys = [worker.new_key() for _ in range(3)]
        yield lambda: model.insert_many([model(w=w, k=k) for k in keys])
        live.update(dict.fromkeys(keys, 0))
    elif op == "find_one":
        k = rng.choice(list(live))
        doc = yield api.lazy(lambda: model.find_one(model.w == w, model.k == k))
        assert doc is not None, (w, k)
        assert (doc.w, doc.k, doc.n) == (w, k, live[k]), (w, k, doc)
    elif op == "inc":
        k = rng.choice(list(live))
        result = yield api.lazy(
            lambda: model.find_one(model.w == w, model.k == k).update(Inc({model.n: 1}))
        )
        assert (result.matched_count, result.modified_count) == (1, 1), (w, k)
        live[k] += 1
    elif op == "delete":
        k = rng.choice(list(live))
        result = yield api.lazy(lambda: model.find_one(model.w == w, model.k == k).delete())
        assert result.deleted_count == 1, (w, k)
        del live[k]
    elif op == "count":
        count = yield lambda: model.find(model.w == w).count()
        assert count == len(live), (w, count, len(live))
    elif op == "to_list":
        docs = yield lambda: model.find(model.w == w).to_list()
        assert {d.k: d.n for d in docs} == live
    elif op == "arrow":
        table = yield lambda: model.find(model.w == w).to_arrow(columns=["k", "n"])
        columns = table.column("k").to_pylist(), table.column("n").to_pylist()
        assert dict(zip(*columns, strict=True)) == live
    worker.ops[f"odm.{op}"] += 1


def workload(worker: Worker, deadline: float) -> Step:
    """Run steps until the worker did OPS_PER_WORKER of them and the deadline has passed."""
    rng = random.Random(worker.w)
    while worker.done < OPS_PER_WORKER or time.monotonic() < deadline:
        kind, _, op = rng.choice(ALL_OPS).partition(".")
        step = engine_step if kind == "engine" else odm_step
        yield from step(worker, rng, op)
        worker.done += 1


def run_blocking(worker: Worker, deadline: float) -> None:
    plan = workload(worker, deadline)
    try:
        thunk = next(plan)
        while True:
            thunk = plan.send(thunk())
    except StopIteration:
        pass
    except BaseException as exc:  # recorded and re-raised by the test
        worker.error = exc


async def run_async(worker: Worker, deadline: float) -> None:
    plan = workload(worker, deadline)
    try:
        thunk = next(plan)
        while True:
            result = thunk()
            if inspect.isawaitable(result):
                result = await result
            thunk = plan.send(result)
    except StopIteration:
        pass
    except Exception as exc:  # recorded and re-raised by the test
        worker.error = exc


# ------------------------------------------------------------------------------ monitors


def rss_mb() -> float:
    """This process's resident set size in MiB (from /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not in /proc/self/status")


class Monitor:
    """Samples RSS every second and watches for a stall (no operation completed)."""

    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers
        self.samples: list[float] = []
        self.stalled: str | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="load-monitor", daemon=True)

    def _run(self) -> None:
        last_done = -1
        last_progress = time.monotonic()
        while not self.stop.wait(1.0):
            self.samples.append(rss_mb())
            done = sum(w.done for w in self.workers)
            now = time.monotonic()
            if done != last_done:
                last_done, last_progress = done, now
                continue
            if self.stalled is None and now - last_progress > STALL_SECONDS:
                self.stalled = (
                    f"no operation completed for {STALL_SECONDS:.0f} s "
                    f"(progress: {[w.done for w in self.workers]})"
                )
                print(f"\nDEADLOCK? {self.stalled}; stacks:", file=sys.stderr)
                faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            elif self.stalled is not None and now - last_progress > 2 * STALL_SECONDS:
                # The event loop itself is stuck, so the test cannot fail by itself: interrupt.
                _thread.interrupt_main()
                return


def rss_report(samples: list[float]) -> tuple[float, float, str]:
    """(growth after warm-up in MiB, that growth relative to the post-warm-up start, summary)."""
    steady = samples[len(samples) // 4 :]
    window = max(1, min(10, len(steady) // 4))
    start = statistics.median(steady[:window])
    end = statistics.median(steady[-window:])
    growth = end - start
    summary = (
        f"RSS MiB over {len(samples)} samples: min {min(samples):.1f}, "
        f"median {statistics.median(samples):.1f}, max {max(samples):.1f}; after warm-up "
        f"start {start:.1f} -> end {end:.1f} (growth {growth:+.1f} MiB, {growth / start:+.1%})"
    )
    return growth, growth / start, summary


# ------------------------------------------------------------------------------ the test


@pytest.fixture(scope="module")
async def apis(mongodb_uri: str, db_name: str) -> tuple[Callable[[], Api], Callable[[], Api]]:
    """Factories of blocking and awaitable APIs on this module's database."""
    await data_bridge.init(
        database=db_name, connection_string=mongodb_uri, document_models=[AsyncItem]
    )
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncItem]
    )
    client = _engine.Client(mongodb_uri)
    engine = client.database(db_name).collection(ENGINE_COLLECTION)
    return (lambda: Api(True, engine, SyncItem)), (lambda: Api(False, engine, AsyncItem))


def check_final_state(
    workers: list[Worker], database: pymongo.database.Database
) -> dict[str, tuple[int, int]]:
    """Compare every collection with the workers' models; return (documents, sum n) per one."""
    totals = {}
    collections = {
        ENGINE_COLLECTION: lambda wk: wk.engine_live,
        "load_odm_sync": lambda wk: wk.odm_live if wk.api.blocking else {},
        "load_odm_async": lambda wk: {} if wk.api.blocking else wk.odm_live,
    }
    for name, live_of in collections.items():
        stored: dict[int, dict[int, int]] = {}
        for doc in database[name].find({}, {"_id": 0, "w": 1, "k": 1, "n": 1}):
            keys = stored.setdefault(doc["w"], {})
            assert doc["k"] not in keys, f"{name}: duplicate document {doc}"
            keys[doc["k"]] = doc["n"]
        expected = {wk.w: live_of(wk) for wk in workers if live_of(wk)}
        assert stored == expected, name
        documents = sum(len(v) for v in expected.values())
        counters = sum(sum(v.values()) for v in expected.values())
        assert database[name].count_documents({}) == documents
        totals[name] = (documents, counters)
    return totals


@pytest.mark.slow
async def test_threads_and_tasks_under_load_give_exact_counts_without_leaks(
    apis: tuple[Callable[[], Api], Callable[[], Api]],
    pymongo_client: pymongo.MongoClient,
    db_name: str,
) -> None:
    blocking, awaitable = apis
    workers = [Worker(i, blocking()) for i in range(THREADS)]
    workers += [Worker(THREADS + i, awaitable()) for i in range(TASKS)]
    monitor = Monitor(workers)
    started = time.monotonic()
    deadline = started + MIN_SECONDS
    monitor.thread.start()
    threads = [
        # Daemons: a deadlocked worker must fail this test, not hang the interpreter's exit.
        threading.Thread(target=run_blocking, args=(wk, deadline), name=f"load-{wk.w}", daemon=True)
        for wk in workers[:THREADS]
    ]
    for thread in threads:
        thread.start()
    tasks = [asyncio.create_task(run_async(wk, deadline)) for wk in workers[THREADS:]]
    try:
        while any(t.is_alive() for t in threads) or not all(t.done() for t in tasks):
            if monitor.stalled is not None:
                pytest.fail(f"deadlock: {monitor.stalled} (stacks on stderr)")
            await asyncio.sleep(0.2)
    finally:
        monitor.stop.set()
        for task in tasks:
            task.cancel()
    elapsed = time.monotonic() - started
    monitor.thread.join()
    for thread in threads:
        thread.join()
    for wk in workers:
        if wk.error is not None:
            raise AssertionError(f"worker {wk.w} failed after {wk.done} operations") from wk.error

    totals = check_final_state(workers, pymongo_client[db_name])
    done = sum(wk.done for wk in workers)
    assert all(wk.done >= OPS_PER_WORKER for wk in workers)
    assert elapsed >= MIN_SECONDS
    ops = sum((wk.ops for wk in workers), Counter())
    assert sum(ops.values()) == done
    assert set(ops) == set(ALL_OPS), set(ALL_OPS) - set(ops)

    growth, fraction, summary = rss_report(monitor.samples)
    print(
        f"\nload: {done} operations in {elapsed:.1f} s = {done / elapsed:,.0f} ops/s "
        f"({THREADS} threads: {sum(w.done for w in workers[:THREADS])}, {TASKS} tasks: "
        f"{sum(w.done for w in workers[THREADS:])})"
    )
    print("load: per operation:", dict(sorted(ops.items())))
    print("load: final (documents, sum of n):", totals)
    print("load:", summary)
    assert growth < RSS_GROWTH_LIMIT_MB, summary
    assert fraction < RSS_GROWTH_LIMIT_FRACTION, summary
