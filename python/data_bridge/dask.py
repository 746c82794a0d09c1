"""Dask: a query as a lazy ``dask.dataframe`` and frames written from their workers.

``query.to_dask(npartitions=n)`` (or :func:`read`) splits a find into ``_id`` ranges, one Dask
partition each, read by the worker with its own client; ``meta`` comes from the model or the
schema, so Dask reads nothing to learn it. :func:`write` inserts each partition from its worker
with :func:`data_bridge.write` and adds the counts exactly. Needs the ``dask`` extra.

Example:
    >>> import data_bridge, data_bridge.dask
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> ddf = orders.find(schema={"total": "double"}).to_dask(npartitions=8)  # doctest: +SKIP
    >>> ddf.total.sum().compute()  # doctest: +SKIP
    >>> data_bridge.dask.write(ddf, orders)  # doctest: +SKIP

"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from typing import Any

try:
    import dask.dataframe as dd
    from dask.base import compute
    from dask.delayed import delayed
except ImportError as exc:  # pragma: no cover - exercised only without dask
    raise ImportError(
        'data_bridge.dask needs Dask, which is not installed: pip install "data-bridge[dask]" '
        '(or pip install "dask[dataframe]")'
    ) from exc

from data_bridge.analytics import frames
from data_bridge.analytics.distributed import (
    DistributedRead,
    PartWrite,
    WriteTarget,
    combine_writes,
    write_part,
)
from data_bridge.analytics.partitions import Partition

__all__ = ["read", "write"]


@dataclasses.dataclass(frozen=True)
class _ReadPandas:
    """The function ``from_map`` calls per partition (picklable, named in Dask's graph)."""

    dtype_backend: frames.DtypeBackend

    def __call__(self, partition: Partition) -> Any:
        # A field read as raw BSON (on_mismatch="raw") keeps every stored value: the frame
        # reaches the driver without its attrs, so a drift report there would be lost.
        return frames.to_pandas(partition.to_arrow(), self.dtype_backend, **_KEEP_DRIFT)


# frames.to_pandas gains a drift= policy (issue 21); before it, raw values are always kept.
_KEEP_DRIFT: dict[str, Any] = (
    {"drift": "raw"} if "drift" in inspect.signature(frames.to_pandas).parameters else {}
)


def read(
    query: Any,
    *,
    npartitions: int = 8,
    schema: Any = None,
    columns: Sequence[str] | None = None,
    dtype_backend: frames.DtypeBackend = "pyarrow",
) -> Any:
    """Return ``query`` as a lazy ``dask.dataframe.DataFrame`` of ``_id``-range partitions.

    Plans the ranges now (one or two server round trips, blocking); reads nothing else until
    Dask computes. Partitions are in ``_id`` order; within one, rows come in the server's
    order (ranges are read unsorted: a sorted range scan costs the server more).

    Args:
        query: An analytics query or a model query (a find).
        npartitions: Ranges to cut (fewer when there are fewer ids).
        schema: Decode schema overriding the query's; without either, one is inferred from the
            query's first 1000 documents (on the driver).
        columns: Top-level fields to read (only they are decoded).
        dtype_backend: ``"pyarrow"`` (every BSON type kept exactly) or ``"numpy"``.

    Example:
        >>> ddf = data_bridge.dask.read(orders.find(), npartitions=4)  # doctest: +SKIP

    """
    distributed = DistributedRead.from_query(query, schema=schema, columns=columns)
    parts = distributed.partitions(npartitions)
    meta = frames.to_pandas(distributed.empty_table(), dtype_backend)
    return dd.from_map(  # type: ignore[no-untyped-call]
        _ReadPandas(dtype_backend),
        parts,
        meta=meta,
        label=f"data-bridge-{distributed.whole.collection}",
        enforce_metadata=False,
    )


def _write_frame(frame: Any, target: WriteTarget, index: int, options: dict[str, Any]) -> PartWrite:
    return write_part(target, [frame], index, **options)


def write(
    ddf: Any,
    collection: Any,
    *,
    ordered: bool = True,
    keep_nulls: bool = False,
    generate_ids: bool = True,
    **compute_kwargs: Any,
) -> int:
    """Insert every row of ``ddf``, each partition from the worker that holds it.

    Every partition is written even when another fails; then the counts are added.

    Args:
        ddf: A ``dask.dataframe.DataFrame``.
        collection: ``data_bridge.connect(uri)[db][name]``, a document class initialised with
            ``connection_string=``, or a ``WriteTarget``.
        ordered: Stop each partition at its first failing row.
        keep_nulls: Write nulls as BSON null instead of leaving the field out.
        generate_ids: Give rows without ``_id`` an ObjectId before sending.
        **compute_kwargs: Passed to ``dask.compute`` (``scheduler=``, ...).

    Returns:
        Rows inserted.

    Raises:
        WriteInterrupted: A connection was lost; counts and row numbers are of the whole frame
            (partitions in order): acknowledged, ``in_doubt_indexes``, ``unsent_indexes``.
        PartitionedWriteError: A partition failed otherwise; same accounting, ``failures``.

    Example:
        >>> data_bridge.dask.write(ddf, orders, scheduler="processes")  # doctest: +SKIP
        120000

    """
    target = WriteTarget.of(collection)
    options = {"ordered": ordered, "keep_nulls": keep_nulls, "generate_ids": generate_ids}
    writes = [
        delayed(_write_frame)(part, target, index, options)
        for index, part in enumerate(ddf.to_delayed())
    ]
    parts: tuple[PartWrite, ...] = compute(*writes, **compute_kwargs)  # type: ignore[no-untyped-call]
    return combine_writes(parts, target.namespace)
