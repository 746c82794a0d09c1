"""What query logging costs: nothing measurable when off.

Runs ``Model.find_all().to_list()`` over 1,000 documents (sync API) in three variants,
interleaved round by round (the order rotates each round) and reported as medians:

- ``hook, off``: the shipped code with logging off (one flag check per operation);
- ``no hook``: the same executor loop without the check (the code before the hook);
- ``logging on``: ``enable_query_logging(slow_ms=None)`` with a ``NullHandler`` (what logging
  itself costs: describing the call, timings, one ``LogRecord``).

It also times the check alone with ``timeit``. Standalone; nothing is asserted::

    .venv/bin/python benches/logging_overhead.py --uri mongodb://127.0.0.1:27117 --rounds 41

"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
import timeit
import uuid
from typing import Any

import data_bridge
import data_bridge.odm.sync_queries as sync_queries
from data_bridge.observability import querylog
from data_bridge.odm import executor
from data_bridge.sync import Document, init


class BenchUser(Document):
    """The flat benchmark document (≈ 200 B of BSON)."""

    name: str
    email: str
    age: int
    score: float
    active: bool
    tags: list[str]


def run_sync_without_hook(plan: Any) -> Any:
    """``executor.run_sync`` as it was before the logging hook (the baseline)."""
    try:
        step = next(plan)
        while True:
            try:
                if type(step) is executor.Gather:
                    result: Any = [executor._step_sync(s) for s in step.steps]
                else:
                    result = executor._step_sync(step)
            except Exception as exc:
                step = plan.throw(exc)
            else:
                step = plan.send(result)
    except StopIteration as stop:
        return stop.value


def _find() -> int:
    return len(BenchUser.find_all().to_list())


def _setup(name: str) -> None:
    sync_queries.run_sync = run_sync_without_hook if name == "no hook" else executor.run_sync
    if name == "logging on":
        data_bridge.enable_query_logging(handler=False)


def _teardown() -> None:
    data_bridge.disable_query_logging()
    sync_queries.run_sync = executor.run_sync


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27117"))
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()

    db_name = f"bench_logging_{uuid.uuid4().hex[:8]}"
    init(database=db_name, connection_string=args.uri, document_models=[BenchUser])
    logging.getLogger("data_bridge").addHandler(logging.NullHandler())
    BenchUser.insert_many(
        [
            BenchUser(
                name=f"user{i}",
                email=f"user{i}@example.com",
                age=i % 90,
                score=i / 7,
                active=i % 2 == 0,
                tags=["a", "b"],
            )
            for i in range(args.docs)
        ]
    )
    try:
        names = ["hook, off", "no hook", "logging on"]
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_number in range(-1, args.rounds):  # round -1 warms up (pool, plans, imports)
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                _setup(name)  # untimed: swapping the runner, turning logging on
                try:
                    started = time.perf_counter()
                    found = _find()
                    elapsed = (time.perf_counter() - started) * 1000
                finally:
                    _teardown()
                if found != args.docs:
                    raise RuntimeError(f"{name}: found {found} documents, expected {args.docs}")
                if round_number >= 0:
                    times[name].append(elapsed)
    finally:
        from data_bridge import _engine

        _engine.Client(args.uri).database(db_name).drop_sync()

    check = min(timeit.repeat("querylog.enabled", globals={"querylog": querylog}, number=10**6))
    print(f"find {args.docs} -> models, {args.rounds} interleaved rounds, medians (ms):")
    baseline = statistics.median(times["no hook"])
    for name in names:
        median = statistics.median(times[name])
        spread = statistics.quantiles(times[name], n=4)
        print(
            f"  {name:<11} {median:8.3f}  (IQR {spread[0]:.3f}-{spread[2]:.3f})"
            f"  {median / baseline:6.3f}x of no hook"
        )
    print(f"the check alone (`querylog.enabled`): {check * 1000:.1f} ns per operation")


if __name__ == "__main__":
    main()
