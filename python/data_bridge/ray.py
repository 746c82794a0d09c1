"""Ray Data: read a query as a ``ray.data.Dataset`` and write datasets, through the engine.

``MongoDatasource`` splits a find into ``_id`` ranges (one read task each); every block is an
Arrow table decoded by the Rust codec, shared with Ray without a copy, and every block has the
schema of the model or of the ``schema=`` given (else one inferred once, on the driver), so the
blocks agree. ``MongoDatasink`` writes each block with :func:`data_bridge.write` and adds the
counts of every write task exactly. Needs the ``ray`` extra.

Example:
    >>> import ray, data_bridge
    >>> from data_bridge.ray import MongoDatasink, MongoDatasource
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> source = MongoDatasource(orders.find({"paid": True}))  # doctest: +SKIP
    >>> ds = ray.data.read_datasource(source, override_num_blocks=8)  # doctest: +SKIP
    >>> sink = MongoDatasink(orders)  # doctest: +SKIP
    >>> ds.write_datasink(sink)  # doctest: +SKIP
    >>> sink.inserted_count  # doctest: +SKIP

"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

try:
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasink, Datasource, ReadTask
except ImportError as exc:  # pragma: no cover - exercised only without ray
    raise ImportError(
        'data_bridge.ray needs Ray Data, which is not installed: pip install "data-bridge[ray]" '
        '(or pip install "ray[data]")'
    ) from exc

from data_bridge.analytics.distributed import (
    DistributedRead,
    PartWrite,
    WriteTarget,
    combine_writes,
    write_part,
)
from data_bridge.analytics.partitions import Partition
from data_bridge.analytics.source import OnMismatch

__all__ = ["MongoDatasink", "MongoDatasource"]


def _read_block(partition: Partition) -> list[Any]:
    return [partition.to_arrow()]


class MongoDatasource(Datasource):
    """A find as a Ray Data source: one read task per ``_id`` range.

    Args:
        query: An analytics query (``data_bridge.connect(uri)[db][coll].find(...)``) or a model
            query (``Model.find(...)``); or leave it out and give ``uri``, ``database``,
            ``collection`` and ``filter``.
        schema: Decode schema (``pyarrow.Schema`` or a dict spec of ``$type`` aliases)
            overriding the query's. Without either, one is inferred from the first 1000
            documents, once, on the driver.
        columns: Top-level fields to read (only they are decoded).
        on_mismatch: For ``uri=`` sources: ``"error"`` (a value of another type raises
            ``DecodeError``), ``"null"`` or ``"raw"`` (that field is kept as raw BSON in the
            blocks that hold such values). A query brings its own.
        **options: Find options for ``uri=`` sources (``batch_size``, ``hint``, ...).

    Example:
        >>> source = MongoDatasource(q)  # doctest: +SKIP
        >>> ds = ray.data.read_datasource(source, override_num_blocks=4)  # doctest: +SKIP

    """

    def __init__(
        self,
        query: Any = None,
        *,
        uri: str | None = None,
        database: str | None = None,
        collection: str | None = None,
        filter: Mapping[str, Any] | None = None,
        schema: Any = None,
        columns: Sequence[str] | None = None,
        on_mismatch: OnMismatch = "error",
        **options: Any,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if query is not None:
            self._read = DistributedRead.from_query(query, schema=schema, columns=columns)
        elif uri and database and collection:
            self._read = DistributedRead.from_collection(
                uri,
                database,
                collection,
                filter,
                schema=schema,
                columns=columns,
                on_mismatch=on_mismatch,
                **options,
            )
        else:
            raise TypeError("MongoDatasource needs a query, or uri=, database= and collection=")
        self._count: int | None = None
        self._document_size: int | None = None

    @property
    def schema(self) -> Any:
        """The ``pyarrow.Schema`` of every block."""
        return self._read.schema

    def get_name(self) -> str:
        """``Mongo(database.collection)``, the name of the read tasks."""
        return f"Mongo({self._read.whole.database}.{self._read.whole.collection})"

    def _sizes(self) -> tuple[int, int | None]:
        if self._count is None:
            self._count = self._read.count()
            self._document_size = self._read.average_document_size()
        return self._count, self._document_size

    def estimate_inmemory_data_size(self) -> int | None:
        """Return matching documents times the average document size (``None``: unknown)."""
        count, size = self._sizes()
        return count * size if size is not None else None

    def get_read_tasks(
        self,
        parallelism: int,
        per_task_row_limit: int | None = None,
        data_context: Any = None,
    ) -> list[ReadTask]:
        """One read task per ``_id`` range (up to ``parallelism`` of them).

        Each task's metadata estimates its rows as an even share of the matching documents
        (ranges are cut by ``$bucketAuto`` or evenly between the lowest and highest id).
        """
        parts = self._read.partitions(max(1, parallelism))
        count, size = self._sizes()
        share = -(-count // len(parts))
        tasks = []
        for part in parts:
            metadata = BlockMetadata(
                num_rows=share,
                size_bytes=share * size if size is not None else None,
                input_files=None,
                exec_stats=None,
            )
            tasks.append(
                ReadTask(
                    functools.partial(_read_block, part),
                    metadata,
                    schema=self.schema,
                    per_task_row_limit=per_task_row_limit,
                )
            )
        return tasks


class MongoDatasink(Datasink[PartWrite]):
    """Writes a Ray dataset into a collection, each block through :func:`data_bridge.write`.

    After ``ds.write_datasink(sink)``, ``sink.inserted_count`` is the rows acknowledged over
    every write task. When a task fails the others still finish, then ``write_datasink`` raises
    ``WriteInterrupted`` (connection lost) or ``PartitionedWriteError`` with the totals of the
    whole write: acknowledged, in doubt, not written. Ray retries a task whose worker died;
    a retried task inserts its rows again, so pass ``ray_remote_args={"max_retries": 0}``
    where that matters, or give rows their own ``_id``.

    Args:
        collection: ``data_bridge.connect(uri)[db][name]``, a document class initialised with
            ``connection_string=``, or a ``WriteTarget``.
        ordered: Stop each block at its first failing row.
        keep_nulls: Write nulls as BSON null instead of leaving the field out.
        generate_ids: Give rows without ``_id`` an ObjectId before sending.

    Example:
        >>> sink = MongoDatasink(orders)  # doctest: +SKIP
        >>> ds.write_datasink(sink)  # doctest: +SKIP

    """

    def __init__(
        self,
        collection: Any,
        *,
        ordered: bool = True,
        keep_nulls: bool = False,
        generate_ids: bool = True,
    ) -> None:
        self.target = WriteTarget.of(collection)
        self.ordered = ordered
        self.keep_nulls = keep_nulls
        self.generate_ids = generate_ids
        self.inserted_count: int | None = None

    def get_name(self) -> str:
        """``Mongo(database.collection)``, the name of the write tasks."""
        return f"Mongo({self.target.namespace})"

    def write(self, blocks: Iterable[Any], ctx: Any) -> PartWrite:
        """Write this task's blocks in order; a failure is returned, not raised (see class)."""
        return write_part(
            self.target,
            blocks,
            int(getattr(ctx, "task_idx", 0)),
            ordered=self.ordered,
            keep_nulls=self.keep_nulls,
            generate_ids=self.generate_ids,
        )

    def on_write_complete(self, write_result: Any) -> None:
        """Add every task's counts; raise with the totals when any task failed."""
        parts: list[PartWrite] = list(write_result.write_returns)
        self.inserted_count = sum(p.inserted for p in parts)
        combine_writes(parts, self.target.namespace)
