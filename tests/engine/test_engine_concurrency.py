"""Asyncio cancellation frees cursors; long calls release the GIL."""

from __future__ import annotations

import asyncio
import threading
import time

import pymongo
import pytest
from data_bridge import _engine
from engine_support import fresh_name


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


def open_cursors(pymongo_client: pymongo.MongoClient) -> int | None:
    status = pymongo_client.admin.command("serverStatus")
    total = status.get("metrics", {}).get("cursor", {}).get("open", {}).get("total")
    return None if total is None else int(total)


async def test_cancelling_a_find_kills_its_cursor(
    client: _engine.Client, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    name = fresh_name("cancel")
    pymongo_client[db_name][name].insert_many([{"i": i, "pad": "x" * 200} for i in range(5_000)])
    coll = client.database(db_name).collection(name)
    baseline = open_cursors(pymongo_client)
    if baseline is None:
        pytest.skip("server does not report metrics.cursor.open.total")
    # A stream holds its cursor open between pulls: that is the cursor cancellation must free.
    stream = coll.find_stream({}, batch_size=10)
    first = await stream.__anext__()
    assert first.num_rows == 10
    assert open_cursors(pymongo_client) == baseline + 1
    task = asyncio.ensure_future(stream.__anext__())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stream.close()
    for _ in range(100):
        if open_cursors(pymongo_client) == baseline:
            break
        await asyncio.sleep(0.05)
    assert open_cursors(pymongo_client) == baseline
    # A cancelled materialising find leaves no cursor either, and the pool stays usable.
    task = asyncio.ensure_future(coll.find({}, batch_size=5))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if open_cursors(pymongo_client) == baseline:
            break
        await asyncio.sleep(0.05)
    assert open_cursors(pymongo_client) == baseline
    assert await coll.count_documents({}) == 5_000


class Counter:
    """Counts in a Python thread: it only advances while the GIL is free."""

    def __init__(self) -> None:
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.count += 1
            time.sleep(0.001)

    def __enter__(self) -> Counter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def rate_during(work: object) -> tuple[float, float]:
    """Counter ticks per second while idle and while `work()` runs."""
    with Counter() as counter:
        start, before = time.perf_counter(), counter.count
        time.sleep(0.5)
        idle = (counter.count - before) / (time.perf_counter() - start)
        start, before = time.perf_counter(), counter.count
        work()  # type: ignore[operator]
        busy = (counter.count - before) / (time.perf_counter() - start)
    return idle, busy


@pytest.mark.slow
def test_other_threads_run_during_decode_and_insert(
    client: _engine.Client, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    name = fresh_name("gil")
    raw = pymongo_client[db_name][name]
    # 300k rows: the server's find alone takes long enough (~0.5 s) for the counter to measure.
    batch = [{"i": 0, "s": "abc", "f": 1.5}] * 10_000
    for _ in range(30):
        raw.insert_many([dict(d) for d in batch])
    coll = client.database(db_name).collection(name)

    tables: list[_engine.Table] = []
    idle, busy = rate_during(lambda: tables.append(coll.find_sync({})))
    assert tables[0].num_rows == 300_000
    # Holding the GIL for the whole call would leave the counter near zero.
    assert busy > idle * 0.3, (idle, busy)

    target = client.database(db_name).collection(fresh_name("gil_insert"))
    docs = [{"i": i, "s": "abc"} for i in range(100_000)]
    idle, busy = rate_during(lambda: target.insert_many_sync(docs))
    assert target.count_documents_sync({}) == 100_000
    assert busy > idle * 0.2, (idle, busy)
