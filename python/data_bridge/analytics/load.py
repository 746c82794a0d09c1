"""Running a read: column selection, partitions, progress — blocking and awaitable twins.

The result of a load is a list of engine ``Table`` parts (one per partition, or one per batch
when a progress bar counts batches); :mod:`frames` turns them into pyarrow, pandas, polars or
numpy without copying the buffers.

Example:
    >>> parts = load_sync(spec, LoadRequest(columns=["age"], partitions=4))  # doctest: +SKIP
    >>> frames.arrow_tables_concat([frames.arrow_table(p) for p in parts])  # doctest: +SKIP

"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
from collections.abc import Sequence
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import partitions as parts_mod
from data_bridge.analytics.options import progress_enabled
from data_bridge.analytics.progress import ProgressBar
from data_bridge.analytics.schemas import (
    arrow_schema,
    is_raw_bson,
    subset_schema,
    unify_schemas,
    widen_schema,
)
from data_bridge.analytics.source import COLUMN_SAMPLE_SIZE, Projection, ReadSpec

# Seconds between redraws of a bar waiting on one call (elapsed time keeps moving).
_REFRESH_SECONDS = 0.25


@dataclasses.dataclass(frozen=True)
class LoadRequest:
    """How to run a read.

    Attributes:
        columns: Top-level fields to return (``None``: all).
        projection: ``"client"`` (default) decodes only ``columns`` from full documents (the
            codec skips the rest); ``"server"`` asks the server to project instead.
        partitions: A number of ``_id`` ranges to read concurrently, or the ranges themselves
            (``[(lower, upper), ...]``, ``None`` for an open side).
        progress: Show a progress bar (``None``: follow ``data_bridge.options.progress``).

    Example:
        >>> LoadRequest(columns=["a"]).projection
        'client'

    """

    columns: Sequence[str] | None = None
    projection: Projection = "client"
    partitions: int | Sequence[parts_mod.Bound] | None = None
    progress: bool | None = None


@dataclasses.dataclass(frozen=True)
class ColumnPlan:
    """The read to run for a column request, and the columns to select afterwards."""

    spec: ReadSpec
    select_after: list[str] | None


def _server_projection(spec: ReadSpec, columns: Sequence[str]) -> ReadSpec:
    projection: dict[str, Any] = dict.fromkeys(columns, 1)
    if "_id" not in columns:
        projection["_id"] = 0
    if spec.pipeline is not None:
        return spec.replace(pipeline=[*spec.pipeline, {"$project": projection}])
    return spec.replace(options={"projection": projection})


def _plan_from_sample(spec: ReadSpec, columns: list[str], sample: _engine.Table) -> ColumnPlan:
    full = arrow_schema(sample.schema)
    chosen = [full.field(c) for c in columns if full.get_field_index(c) >= 0]
    if len(chosen) < len(columns) or any(is_raw_bson(f) for f in chosen):
        # A column the sample never saw, or one with mixed types: infer over everything.
        return ColumnPlan(spec, columns)
    return ColumnPlan(spec.replace(schema=subset_schema(full, columns)), None)


def plan_columns_sync(spec: ReadSpec, request: LoadRequest) -> ColumnPlan:
    """Decide how ``request.columns`` is read (may read a sample to learn their types)."""
    columns = list(request.columns) if request.columns is not None else None
    if columns is None:
        return ColumnPlan(spec, None)
    if request.projection == "server":
        return ColumnPlan(_server_projection(spec, columns), columns)
    if spec.schema is not None:
        return ColumnPlan(spec.replace(schema=subset_schema(spec.schema, columns)), None)
    return _plan_from_sample(spec, columns, spec.sample(COLUMN_SAMPLE_SIZE).read_sync())


async def plan_columns_async(spec: ReadSpec, request: LoadRequest) -> ColumnPlan:
    """Awaitable twin of :func:`plan_columns_sync`."""
    columns = list(request.columns) if request.columns is not None else None
    if columns is None or request.projection == "server" or spec.schema is not None:
        return plan_columns_sync(spec, request)
    sample = await spec.sample(COLUMN_SAMPLE_SIZE).read_async()
    return _plan_from_sample(spec, columns, sample)


def _schema_known(spec: ReadSpec) -> bool:
    return spec.schema is not None


def _read_with_bar_sync(spec: ReadSpec, progress: bool | None) -> list[_engine.Table]:
    if not progress_enabled(progress):
        return [spec.read_sync()]
    with ProgressBar(spec.count_sync(), f"read {spec.namespace}", enabled=True) as bar:
        if _schema_known(spec):
            batches = []
            for batch in spec.open_stream():
                batches.append(batch)
                bar.update(batch.num_rows)
            return batches or [spec.read_sync()]
        # Inference needs every document before decoding: no intermediate counts to show.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            future = pool.submit(spec.read_sync)
            while True:
                try:
                    table = future.result(timeout=_REFRESH_SECONDS)
                    break
                except concurrent.futures.TimeoutError:
                    bar.refresh()
        bar.update(table.num_rows)
        return [table]


async def _read_with_bar_async(spec: ReadSpec, progress: bool | None) -> list[_engine.Table]:
    if not progress_enabled(progress):
        return [await spec.read_async()]
    total = await spec.count_async()
    with ProgressBar(total, f"read {spec.namespace}", enabled=True) as bar:
        if _schema_known(spec):
            batches = []
            async for batch in spec.open_stream():
                batches.append(batch)
                bar.update(batch.num_rows)
            return batches or [await spec.read_async()]
        task = asyncio.ensure_future(spec.read_async())
        while not task.done():
            await asyncio.wait({task}, timeout=_REFRESH_SECONDS)
            bar.refresh()
        table = task.result()
        bar.update(table.num_rows)
        return [table]


def _retry_inferred_sync(plan: ColumnPlan, error: Exception) -> ColumnPlan:
    """After a sampled schema failed on later data: infer over everything instead."""
    del error
    return ColumnPlan(plan.spec.replace(schema=None), plan.select_after or _columns_of(plan))


def _columns_of(plan: ColumnPlan) -> list[str]:
    return list(arrow_schema(plan.spec.schema).names)


def _needs_unifying(tables: Sequence[_engine.Table]) -> Any:
    """Return the schema to re-read with, when inferred partitions disagree (else ``None``)."""
    with_rows = [t for t in tables if t.num_rows > 0]
    schemas = [arrow_schema(t.schema) for t in with_rows]
    if len(schemas) <= 1 or all(s.equals(schemas[0]) for s in schemas[1:]):
        return None
    return unify_schemas(schemas)


def _non_empty(tables: list[_engine.Table]) -> list[_engine.Table]:
    kept = [t for t in tables if t.num_rows > 0]
    return kept or tables[:1]


def _ranges_sync(spec: ReadSpec, partitions: Any) -> list[parts_mod.Bound]:
    if isinstance(partitions, int):
        return parts_mod.plan_ranges_sync(spec, partitions)
    parts_mod.plan_ranges_sync(spec, 1)  # validates the query
    return parts_mod.normalise_ranges(partitions)


async def _ranges_async(spec: ReadSpec, partitions: Any) -> list[parts_mod.Bound]:
    if isinstance(partitions, int):
        return await parts_mod.plan_ranges_async(spec, partitions)
    parts_mod.plan_ranges_sync(spec, 1)
    return parts_mod.normalise_ranges(partitions)


def _read_partitions_sync(spec: ReadSpec, request: LoadRequest) -> list[_engine.Table]:
    specs = parts_mod.range_specs(spec, _ranges_sync(spec, request.partitions))
    with (
        ProgressBar(None, f"read {spec.namespace}", enabled=request.progress) as bar,
        concurrent.futures.ThreadPoolExecutor(len(specs)) as pool,
    ):
        # The engine releases the GIL for I/O and decoding: threads give real parallelism.
        def read(one: ReadSpec) -> _engine.Table:
            table = one.read_sync()
            bar.update(table.num_rows)
            return table

        tables = list(pool.map(read, specs))
        if spec.schema is None:
            unified = _needs_unifying(tables)
            if unified is not None:
                tables = list(pool.map(lambda s: s.replace(schema=unified).read_sync(), specs))
    return _non_empty(tables)


async def _read_partitions_async(spec: ReadSpec, request: LoadRequest) -> list[_engine.Table]:
    specs = parts_mod.range_specs(spec, await _ranges_async(spec, request.partitions))
    with ProgressBar(None, f"read {spec.namespace}", enabled=request.progress) as bar:

        async def read(one: ReadSpec) -> _engine.Table:
            table = await one.read_async()
            bar.update(table.num_rows)
            return table

        tables = list(await asyncio.gather(*(read(s) for s in specs)))
        if spec.schema is None:
            unified = _needs_unifying(tables)
            if unified is not None:
                tables = list(
                    await asyncio.gather(*(s.replace(schema=unified).read_async() for s in specs))
                )
    return _non_empty(tables)


def load_sync(spec: ReadSpec, request: LoadRequest) -> tuple[list[_engine.Table], list[str] | None]:
    """Run ``spec`` as ``request`` says; returns the parts and the columns to select after."""
    plan = plan_columns_sync(spec, request)
    try:
        return _load_plan_sync(plan, request), plan.select_after
    except _engine.DecodeError as exc:
        if spec.schema is not None or request.columns is None:
            raise
        plan = _retry_inferred_sync(plan, exc)
        return _load_plan_sync(plan, request), plan.select_after


def _load_plan_sync(plan: ColumnPlan, request: LoadRequest) -> list[_engine.Table]:
    spec = plan.spec
    while True:
        try:
            if request.partitions is not None:
                return _read_partitions_sync(spec, request)
            return _read_with_bar_sync(spec, request.progress)
        except _engine.DecodeError as exc:
            spec = _widened(spec, exc)


def _widened(spec: ReadSpec, error: _engine.DecodeError) -> ReadSpec:
    """Return the lossless fallback's next read: ``spec`` with ``error``'s field as raw BSON.

    Re-raises ``error`` unless ``on_mismatch="raw"`` and there is a field left to widen (each
    drifted top-level field costs one re-read, so this ends).
    """
    schema = None
    if spec.on_mismatch == "raw" and spec.schema is not None:
        schema = widen_schema(spec.schema, str(getattr(error, "path", "")))
    if schema is None:
        raise error
    return spec.replace(schema=schema)


async def load_async(
    spec: ReadSpec, request: LoadRequest
) -> tuple[list[_engine.Table], list[str] | None]:
    """Awaitable twin of :func:`load_sync`."""
    plan = await plan_columns_async(spec, request)
    try:
        return await _load_plan_async(plan, request), plan.select_after
    except _engine.DecodeError as exc:
        if spec.schema is not None or request.columns is None:
            raise
        plan = _retry_inferred_sync(plan, exc)
        return await _load_plan_async(plan, request), plan.select_after


async def _load_plan_async(plan: ColumnPlan, request: LoadRequest) -> list[_engine.Table]:
    spec = plan.spec
    while True:
        try:
            if request.partitions is not None:
                return await _read_partitions_async(spec, request)
            return await _read_with_bar_async(spec, request.progress)
        except _engine.DecodeError as exc:
            spec = _widened(spec, exc)
