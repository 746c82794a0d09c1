"""Instrumented twins of the ODM runners and the analytics reads, used only while logging is on.

``odm.executor.run_sync`` / ``run_async`` and ``ReadSpec.read_sync`` / ``read_async`` check
``querylog.enabled`` once and, when it is set, hand over to the functions here. Per engine
call we measure:

- ``engine_ms``: the engine method (server round trips plus BSON -> Arrow decoding in Rust);
  for reads into tables the engine also reports its split (``Table.stats``): ``server_ms``,
  ``decode_ms``, server ``batches`` and ``bson_bytes``, copied by ``querylog.measure_result``;
- ``python_ms``: the plan's work on the result until its next step (building model instances).

Example:
    >>> from data_bridge.odm.executor import Hook
    >>> def plan():
    ...     return (yield Hook(lambda: 1)) + 1
    >>> run_sync(plan())
    2

"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from data_bridge.observability import querylog, slowops
from data_bridge.observability.querylog import Operation

if TYPE_CHECKING:
    from data_bridge.analytics.source import ReadSpec
    from data_bridge.odm.executor import Plan

T = TypeVar("T")

_EXPLAINABLE = frozenset({"find", "find_raw", "find_one", "aggregate", "aggregate_raw"})
_log = logging.getLogger("data_bridge.observability")


# ------------------------------------------------------------------------------ slow operations


def _explain_spec(collection: Any, op: Operation) -> ReadSpec | None:
    """Return the read to explain for a slow find/aggregate (real values, kept in memory only)."""
    if op.command not in _EXPLAINABLE or op.raw is None or collection is None:
        return None
    from data_bridge.analytics.source import ReadSpec

    options = {k: op.raw[k] for k in ("sort", "hint") if op.raw.get(k) is not None}
    if "pipeline" in op.raw:
        return ReadSpec(collection, pipeline=op.raw["pipeline"], options=options)
    return ReadSpec(collection, filter=op.raw.get("filter") or {}, options=options)


def _slow_entry(op: Operation, explained: Any) -> slowops.SlowOperation:
    entry = slowops.SlowOperation(
        at=slowops.utc_now(),
        namespace=op.namespace,
        command=op.command,
        query=op.query,
        pipeline=op.pipeline,
        sort=op.sort,
        total_ms=round(op.total_ms, 3),
        docs=op.docs,
    )
    suggestion = entry.suggestion()
    keys = suggestion.keys if suggestion is not None else None
    if explained is not None:
        return _replace(entry, plan=explained.summary, hint=explained.hint, suggested_keys=keys)
    hint = None
    if suggestion is not None:
        hint = f"{op.command} not explained: an index on {suggestion.fields_text()} may serve it"
    return _replace(entry, hint=hint, suggested_keys=keys)


def _replace(entry: slowops.SlowOperation, **changes: Any) -> slowops.SlowOperation:
    import dataclasses

    return dataclasses.replace(entry, **changes)


def _record_slow_sync(collection: Any, op: Operation) -> None:
    explained = None
    spec = _explain_spec(collection, op) if querylog.settings.explain_slow else None
    if spec is not None:
        from data_bridge.observability.explain import explain_sync

        try:
            explained = explain_sync(spec)
        except Exception as exc:  # explaining must never break the user's operation
            _log.debug("could not explain slow %s: %r", op.command, exc)
    slowops.record(_slow_entry(op, explained))


async def _record_slow_async(collection: Any, op: Operation) -> None:
    explained = None
    spec = _explain_spec(collection, op) if querylog.settings.explain_slow else None
    if spec is not None:
        from data_bridge.observability.explain import explain_async

        try:
            explained = await explain_async(spec)
        except Exception as exc:  # explaining must never break the user's operation
            _log.debug("could not explain slow %s: %r", op.command, exc)
    slowops.record(_slow_entry(op, explained))


# ------------------------------------------------------------------------------ ODM plans


def _describe(
    area: str, collection: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Operation:
    try:
        return querylog.describe(area, collection, method, args, kwargs)
    except Exception as exc:  # an odd argument must not break the operation being logged
        _log.debug("could not describe %s: %r", method, exc)
        return Operation(area, str(getattr(collection, "full_name", "?")), method)


def _start(step: Any) -> Operation:
    return _describe("odm", step.target, step.method, step.args, step.kwargs)


def _finish(op: Operation, started: float, engine_done: float, result: Any) -> bool:
    finished = querylog.now()
    op.engine_ms = (engine_done - started) * 1000
    op.python_ms = (finished - engine_done) * 1000
    op.total_ms = (finished - started) * 1000
    querylog.measure_result(op, result)
    return querylog.emit(op)


def _failed(op: Operation, started: float, exc: BaseException) -> bool:
    op.engine_ms = op.total_ms = (querylog.now() - started) * 1000
    op.error = type(exc).__name__
    return querylog.emit(op)


def run_sync(plan: Plan[T]) -> T:
    """``executor.run_sync`` with each engine call logged (see the module docstring)."""
    from data_bridge.odm.executor import Call, Gather, _step_sync

    try:
        step = next(plan)
        while True:
            if type(step) is not Call:
                try:
                    if type(step) is Gather:
                        result: Any = [_step_sync(s) for s in step.steps]
                    else:
                        result = _step_sync(step)  # type: ignore[arg-type]
                except Exception as exc:
                    step = plan.throw(exc)
                else:
                    step = plan.send(result)
                continue
            op, started = _start(step), querylog.now()
            target = step.target
            try:
                result = _step_sync(step)
            except Exception as exc:
                if _failed(op, started, exc):
                    _record_slow_sync(target, op)
                step = plan.throw(exc)
                continue
            engine_done = querylog.now()
            try:
                step = plan.send(result)
            finally:
                if _finish(op, started, engine_done, result):
                    _record_slow_sync(target, op)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def run_async(plan: Plan[T]) -> T:
    """``executor.run_async`` with each engine call logged (see the module docstring)."""
    import asyncio

    from data_bridge.odm.executor import Call, Gather, _step_async

    try:
        step = next(plan)
        while True:
            if type(step) is not Call:
                try:
                    if type(step) is Gather:
                        result: Any = await asyncio.gather(*(_step_async(s) for s in step.steps))
                    else:
                        result = await _step_async(step)  # type: ignore[arg-type]
                except Exception as exc:
                    step = plan.throw(exc)
                else:
                    step = plan.send(result)
                continue
            op, started = _start(step), querylog.now()
            target = step.target
            try:
                result = await _step_async(step)
            except Exception as exc:
                if _failed(op, started, exc):
                    await _record_slow_async(target, op)
                step = plan.throw(exc)
                continue
            engine_done = querylog.now()
            try:
                step = plan.send(result)
            except BaseException:  # StopIteration included: the plan's last step
                if _finish(op, started, engine_done, result):
                    await _record_slow_async(target, op)
                raise
            if _finish(op, started, engine_done, result):
                await _record_slow_async(target, op)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------ analytics reads


def _read_op(spec: ReadSpec) -> Operation:
    method = "aggregate" if spec.pipeline is not None else "find"
    first = list(spec.pipeline) if spec.pipeline is not None else dict(spec.filter)
    return _describe("analytics", spec.collection, method, (first,), dict(spec.options))


def _read_done(op: Operation, started: float, table: Any) -> bool:
    op.engine_ms = op.total_ms = (querylog.now() - started) * 1000
    querylog.measure_result(op, table)
    return querylog.emit(op)


def read_sync(spec: ReadSpec) -> Any:
    """``ReadSpec.read_sync`` with the read logged (engine time and split, rows, BSON bytes)."""
    op, started = _read_op(spec), querylog.now()
    try:
        if spec.pipeline is not None:
            table = spec.collection.aggregate_sync(list(spec.pipeline), **spec.engine_kwargs())
        else:
            table = spec.collection.find_sync(dict(spec.filter), **spec.engine_kwargs())
    except Exception as exc:
        if _failed(op, started, exc):
            _record_slow_sync(spec.collection, op)
        raise
    if _read_done(op, started, table):
        _record_slow_sync(spec.collection, op)
    return table


async def read_async(spec: ReadSpec) -> Any:
    """``ReadSpec.read_async`` with the read logged (engine time and split, rows, BSON bytes)."""
    op, started = _read_op(spec), querylog.now()
    try:
        if spec.pipeline is not None:
            table = await spec.collection.aggregate(list(spec.pipeline), **spec.engine_kwargs())
        else:
            table = await spec.collection.find(dict(spec.filter), **spec.engine_kwargs())
    except Exception as exc:
        if _failed(op, started, exc):
            await _record_slow_async(spec.collection, op)
        raise
    if _read_done(op, started, table):
        await _record_slow_async(spec.collection, op)
    return table
