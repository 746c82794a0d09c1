"""Runs one task for every contender, interleaved, and summarises what happened.

Per task: build each library's contender (or record why it cannot run), warm each up, then time
``iterations`` rounds in which every contender runs once, the order rotating each round, so that
machine drift (other processes, thermal state, the server's caches) hits all of them alike. Then,
per contender, a GIL probe run and, for memory-sensitive tasks, a peak-RSS run in a subprocess.
"""

from __future__ import annotations

import gc
import inspect
import time
import traceback
from collections.abc import Callable
from typing import Any

from benches import gil
from benches.model import Contender, Context, Task, Unavailable
from benches.peers import PEERS
from benches.stats import summarize

#: Peak RSS of (task, peer) measured elsewhere; None when this task is not measured.
RssProbe = Callable[[Task, str], "dict[str, Any] | None"]


def rows_of(result: Any) -> int:
    """How many rows/documents a contender's result holds (or the bytes the raw floor read)."""
    if isinstance(result, int):
        return result
    for attribute in ("num_rows", "height", "inserted_count"):
        value = getattr(result, attribute, None)
        if isinstance(value, int):
            return value
    inserted_ids = getattr(result, "inserted_ids", None)
    if inserted_ids is not None:
        return len(inserted_ids)
    return len(result)


def _call(ctx: Context, step: Callable[[], object] | None) -> None:
    if step is None:
        return
    result = step()
    if inspect.isawaitable(result):
        ctx.run(result)


def _timed(ctx: Context, contender: Contender) -> tuple[int, float]:
    """Run ``op`` once; returns (rows, seconds). Only the op (or its awaiting) is timed."""
    started = time.perf_counter()
    result = contender.op()
    if inspect.isawaitable(result):
        awaitable = result

        async def wait() -> tuple[Any, float]:
            begun = time.perf_counter()
            value = await awaitable
            return value, time.perf_counter() - begun

        result, seconds = ctx.run(wait())
    else:
        seconds = time.perf_counter() - started
    # Counting happens after the clock stops; the result is freed here too, outside the timing.
    return rows_of(result), seconds


class _Failed(Exception):
    pass


def _iteration(ctx: Context, task: Task, contender: Contender) -> float:
    try:
        _call(ctx, contender.before)
        gc.collect()  # the previous contender's garbage is not this one's to collect
        rows, seconds = _timed(ctx, contender)
    except Exception as error:
        raise _Failed(f"{type(error).__name__}: {error}") from error
    expected = task.count if contender.expect is None else contender.expect
    if rows != expected:
        raise _Failed(f"produced {rows} rows, expected {expected}")
    try:
        _call(ctx, contender.after)
    except AssertionError as error:
        raise _Failed(f"check after the run failed: {error}") from error
    return seconds


def build_contenders(task: Task, ctx: Context) -> tuple[list[Contender], dict[str, dict[str, Any]]]:
    """Every library's contender for ``task``, plus entries for those that cannot run."""
    contenders: list[Contender] = []
    entries: dict[str, dict[str, Any]] = {}
    for peer, build in PEERS.items():
        try:
            contender = build(task, ctx)
        except Unavailable as missing:
            entries[peer] = {"status": "unavailable", "reason": missing.reason}
            continue
        except Exception as error:
            entries[peer] = {
                "status": "failed",
                "reason": f"setup: {type(error).__name__}: {error}",
                "traceback": traceback.format_exc(limit=6),
            }
            continue
        if contender is not None:
            contenders.append(contender)
    return contenders, entries


def run_task(
    task: Task,
    ctx: Context,
    *,
    iterations: int,
    warmup: int,
    gil_seconds: float | None,
    rss: RssProbe | None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Time every contender of ``task``, interleaved; returns the task's result record."""
    contenders, entries = build_contenders(task, ctx)
    # Everything alive now (libraries, inputs) is moved out of the collector's sight, so the
    # gc.collect() before each timed call only walks garbage, in ms instead of ~150 ms.
    gc.collect()
    gc.freeze()
    try:
        return _run_contenders(
            task, ctx, contenders, entries, iterations, warmup, gil_seconds, rss, log
        )
    finally:
        gc.unfreeze()


def _run_contenders(
    task: Task,
    ctx: Context,
    contenders: list[Contender],
    entries: dict[str, dict[str, Any]],
    iterations: int,
    warmup: int,
    gil_seconds: float | None,
    rss: RssProbe | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    seconds: dict[str, list[float]] = {c.peer: [] for c in contenders}
    failed: dict[str, str] = {}

    def attempt(contender: Contender) -> float | None:
        try:
            return _iteration(ctx, task, contender)
        except _Failed as error:
            failed[contender.peer] = str(error)
            log(f"    {contender.peer}: FAILED {error}")
            return None

    for contender in contenders:
        for _ in range(warmup):
            if attempt(contender) is None:
                break
    for round_index in range(iterations):
        live = [c for c in contenders if c.peer not in failed]
        if not live:
            break
        shift = round_index % len(live)
        for contender in live[shift:] + live[:shift]:
            elapsed = attempt(contender)
            if elapsed is not None:
                seconds[contender.peer].append(elapsed)

    for contender in contenders:
        entry: dict[str, Any] = {"api": contender.api}
        if contender.peer in failed:
            entry.update(status="failed", reason=failed[contender.peer])
            entries[contender.peer] = entry
            continue
        entry.update(status="ok", seconds=seconds[contender.peer])
        entry.update(summarize(seconds[contender.peer], task.bson_bytes))
        if gil_seconds:
            entry["gil"] = _probe_gil(ctx, contender, gil_seconds)
        if rss is not None and task.memory:
            measured = rss(task, contender.peer)
            if measured is not None:
                entry["rss"] = measured
        entries[contender.peer] = entry
        log(_line(contender.peer, entry))
    for peer, entry in entries.items():
        if entry["status"] != "ok" and peer not in failed:
            log(f"    {peer}: {entry['status']} — {entry['reason']}")
    ordered = {peer: entries[peer] for peer in PEERS if peer in entries}
    return {
        "id": task.id,
        "title": task.title,
        "kind": task.kind,
        "shape": task.shape,
        "count": task.count,
        "output": task.output,
        "bson_bytes": task.bson_bytes,
        "iterations": iterations,
        "warmup": warmup,
        "contenders": ordered,
    }


def _probe_gil(ctx: Context, contender: Contender, seconds: float) -> dict[str, Any]:
    try:
        return gil.measure(
            lambda: _call(ctx, contender.before), lambda: _timed(ctx, contender)[1], seconds
        )
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}


def _line(peer: str, entry: dict[str, Any]) -> str:
    text = (
        f"    {peer:<20} median {entry['median_s'] * 1e3:9.2f} ms"
        f"  IQR {entry['q1_s'] * 1e3:.2f}-{entry['q3_s'] * 1e3:.2f}"
        f"  {entry['mb_per_s']:.1f} MB/s"
    )
    if "gil_free_pct" in entry.get("gil", {}):
        text += f"  GIL free {entry['gil']['gil_free_pct']:.0f}%"
    if "rss" in entry and "delta_mb" in entry["rss"]:
        text += f"  +{entry['rss']['delta_mb']:.0f} MB RSS"
    return text
