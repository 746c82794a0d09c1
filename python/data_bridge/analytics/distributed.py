"""What Ray and Dask share: a read planned as ``_id``-range partitions, and partitioned writes.

A :class:`DistributedRead` is a picklable description of one query with its schema resolved on
the driver (the model's, an explicit one, or one inferred from a sample), so every partition
decodes into the same Arrow schema and the engines learn it without reading: Ray from the
read tasks, Dask from ``meta``. Writes run one :func:`write_part` per worker and
:func:`combine_writes` adds the parts' counts on the driver, exactly, raising with the totals
when any part failed. Neither Ray nor Dask is imported here: ``data_bridge.ray`` and
``data_bridge.dask`` are the entry points.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> read = DistributedRead.from_query(orders.find({"paid": True}))  # doctest: +SKIP
    >>> parts = read.partitions(8)  # doctest: +SKIP

"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import frames
from data_bridge.analytics import partitions as parts_mod
from data_bridge.analytics.partitions import Partition
from data_bridge.analytics.schemas import arrow_schema, subset_schema
from data_bridge.analytics.source import COLUMN_SAMPLE_SIZE, OnMismatch, ReadSpec
from data_bridge.analytics.write import write


def block_schema(schema: Any) -> Any:
    """Return the exact ``pyarrow.Schema`` the engine decodes ``schema`` into.

    Decodes zero documents: no I/O, and the same field types, extension types and metadata as
    every block read with ``schema``.

    Example:
        >>> block_schema({"age": "long"})
        age: int64

    """
    return arrow_schema(_engine.bson_to_arrow(b"", schema).schema)


def _empty_table(schema: Any) -> Any:
    return frames.arrow_table(_engine.bson_to_arrow(b"", schema))


def _unsorted(part: Partition) -> Partition:
    options = {k: v for k, v in part.options.items() if k != "sort"}
    return dataclasses.replace(part, options=options)


@dataclasses.dataclass(frozen=True)
class DistributedRead:
    """A find to read on many workers: the whole read as an unbounded :class:`Partition`.

    Attributes:
        whole: The read with no ``_id`` bounds; its ``schema`` is a ``pyarrow.Schema``.

    Example:
        >>> q = orders.find(schema={"total": "double"})  # doctest: +SKIP
        >>> read = DistributedRead.from_query(q)  # doctest: +SKIP
        >>> read.schema  # doctest: +SKIP
        total: double

    """

    whole: Partition

    @classmethod
    def from_query(
        cls, query: Any, *, schema: Any = None, columns: Sequence[str] | None = None
    ) -> DistributedRead:
        """Describe an analytics query or a model query (anything with ``_read_spec()``).

        The schema is ``schema`` if given, else the query's (a model's fields, or the one it
        was given), else inferred from its first documents (see :meth:`from_spec`).
        """
        spec: ReadSpec = query._read_spec()
        if schema is not None:
            spec = spec.replace(schema=schema)
        return cls.from_spec(spec, columns=columns)

    @classmethod
    def from_collection(
        cls,
        uri: str,
        database: str,
        collection: str,
        filter: Mapping[str, Any] | None = None,
        *,
        schema: Any = None,
        columns: Sequence[str] | None = None,
        on_mismatch: OnMismatch = "error",
        **options: Any,
    ) -> DistributedRead:
        """Describe ``find(filter)`` on ``database.collection`` at ``uri``."""
        coll = parts_mod.client_for(uri).database(database).collection(collection)
        spec = ReadSpec(
            coll,
            filter=dict(filter or {}),
            options=options,
            schema=schema,
            on_mismatch=on_mismatch,
            uri=uri,
        )
        return cls.from_spec(spec, columns=columns)

    @classmethod
    def from_spec(cls, spec: ReadSpec, *, columns: Sequence[str] | None = None) -> DistributedRead:
        """Resolve ``spec``'s schema on the driver and describe it.

        Without a schema one is inferred from the query's first
        ``COLUMN_SAMPLE_SIZE`` documents: later values of another type then raise
        ``DecodeError`` (or are kept raw with ``on_mismatch="raw"``) instead of turning into
        nulls, and fields absent from the sample are not read. Give a schema (or use a model
        query) to decide the columns yourself.
        """
        parts_mod.plan_ranges_sync(spec, 1)  # refuses aggregations, skip/limit, sort, sessions
        schema = spec.schema
        if schema is None:
            schema = spec.sample(COLUMN_SAMPLE_SIZE).read_sync().schema
        schema = block_schema(schema)
        if columns is not None:
            schema = subset_schema(schema, columns)
        return cls(parts_mod.describe_partitions(spec.replace(schema=schema), [(None, None)])[0])

    @property
    def schema(self) -> Any:
        """The ``pyarrow.Schema`` of every partition's table."""
        return self.whole.schema

    def spec(self) -> ReadSpec:
        """Return the whole read, on this process's client."""
        return self.whole.read_spec()

    def partitions(self, n: int) -> list[Partition]:
        """Plan up to ``n`` ``_id`` ranges (one server round trip or two) as partitions.

        Each range is read without a sort: Ray and Dask do not keep the order of rows within
        a block, and a sorted range scan costs the server about half as much again.
        """
        spec = self.spec()
        parts = parts_mod.describe_partitions(spec, parts_mod.plan_ranges_sync(spec, n))
        return [_unsorted(part) for part in parts]

    def count(self) -> int:
        """Documents the read matches (one ``count`` on the server)."""
        return int(self.spec().collection.count_documents_sync(dict(self.whole.filter)))

    def average_document_size(self) -> int | None:
        """Return the server's average stored document size in bytes (``None``: unknown)."""
        database = parts_mod.client_for(self.whole.uri).database(self.whole.database)
        try:
            stats = database.command_sync({"collStats": self.whole.collection})
        except _engine.DataBridgeError:
            return None
        size = stats.get("avgObjSize")
        return int(size) if isinstance(size, (int, float)) and size > 0 else None

    def empty_table(self) -> Any:
        """Return a table with no rows and the partitions' schema (Dask's ``meta``)."""
        return _empty_table(self.schema)


# ----------------------------------------------------------------------------------- writes


@dataclasses.dataclass(frozen=True)
class WriteTarget:
    """Where partitioned writes go, picklable: connection string, database, collection.

    Example:
        >>> WriteTarget("mongodb://h", "shop", "orders").namespace
        'shop.orders'

    """

    uri: str
    database: str
    collection: str

    @property
    def namespace(self) -> str:
        """``database.collection``."""
        return f"{self.database}.{self.collection}"

    @classmethod
    def of(cls, target: Any) -> WriteTarget:
        """Return the target of an analytics ``Collection``, a document class or a target."""
        if isinstance(target, WriteTarget):
            return target
        uri = getattr(target, "uri", None)
        engine = getattr(target, "engine", None)
        if isinstance(target, type) and hasattr(target, "_db_collection"):
            from data_bridge.analytics.models import _binding_uri

            uri, engine = _binding_uri(target), target._db_collection()
        if not isinstance(engine, _engine.Collection) or not uri:
            raise TypeError(
                "a partitioned write needs a collection other processes can reach: "
                "data_bridge.connect(uri)[db][name], a document class initialised with "
                f"connection_string=, or a WriteTarget; got {type(target).__name__}"
            )
        return cls(uri, engine.database.name, engine.name)

    def engine(self) -> _engine.Collection:
        """Return the collection on this process's client."""
        return parts_mod.client_for(self.uri).database(self.database).collection(self.collection)


@dataclasses.dataclass(frozen=True)
class PartWrite:
    """What writing one partition did (picklable; row numbers are the partition's own).

    Attributes:
        index: The partition's position.
        rows: Rows the partition held.
        inserted: Rows acknowledged.
        in_doubt_ids: ``{row: _id}`` sent without a reply (the server may have applied them).
        unsent_ids: ``{row: _id}`` never sent (ids known only when the rows carried them).
        unsent_rows: Rows never sent or not written (rejected, or after a rejection).
        error: ``(type name, message)`` when the write failed.
        interrupted: Whether the failure was a lost connection (``WriteInterrupted``).

    Example:
        >>> PartWrite(0, 10, 10).failed
        False

    """

    index: int
    rows: int
    inserted: int
    in_doubt_ids: dict[int, Any] = dataclasses.field(default_factory=dict)
    in_doubt_rows: tuple[int, ...] = ()
    unsent_rows: tuple[int, ...] = ()
    unsent_ids: dict[int, Any] = dataclasses.field(default_factory=dict)
    error: tuple[str, str] | None = None
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        """Whether this partition's write raised."""
        return self.error is not None


def _rows_of(table: Any) -> int:
    rows = getattr(table, "num_rows", None)
    if rows is None:
        rows = len(table)
    return int(rows)


def write_part(
    target: WriteTarget,
    tables: Iterable[Any],
    index: int,
    *,
    ordered: bool = True,
    keep_nulls: bool = False,
    generate_ids: bool = True,
) -> PartWrite:
    """Write ``tables`` (one partition: Arrow tables or DataFrames) in order; never raises.

    A failure is reported in the result, so the driver can add every partition's counts: rows
    of the failing table after the error and of every later table count as unsent.
    """
    coll = target.engine()
    rows = inserted = 0
    pending = iter(tables)
    for table in pending:
        size = _rows_of(table)
        try:
            inserted += write(
                coll, table, ordered=ordered, keep_nulls=keep_nulls, generate_ids=generate_ids
            ).inserted_count
        except _engine.DataBridgeError as error:
            rest = sum(_rows_of(t) for t in pending)
            return _failed_part(error, index, rows, inserted, size, rest)
        rows += size
    return PartWrite(index, rows, inserted)


def _failed_part(
    error: _engine.DataBridgeError, index: int, before: int, inserted: int, size: int, rest: int
) -> PartWrite:
    total = before + size + rest
    after = range(before + size, total)
    if isinstance(error, _engine.WriteInterrupted):
        return PartWrite(
            index,
            total,
            inserted + error.inserted_count,
            in_doubt_ids={before + i: v for i, v in error.in_doubt_ids.items()},
            in_doubt_rows=tuple(before + i for i in error.in_doubt_indexes),
            unsent_rows=(*(before + i for i in error.unsent_indexes), *after),
            unsent_ids={before + i: v for i, v in error.unsent_ids.items()},
            error=(type(error).__name__, str(error)),
            interrupted=True,
        )
    done = _acknowledged(error)
    written_rows = set(_written_rows(error, size, done))
    not_written = (
        *(before + i for i in range(size) if i not in written_rows),
        *after,
    )
    return PartWrite(
        index,
        total,
        inserted + done,
        unsent_rows=not_written,
        error=(type(error).__name__, str(error)),
        interrupted=isinstance(error, _engine.ConnectionFailure) and done == 0,
    )


def _acknowledged(error: Exception) -> int:
    details = getattr(error, "details", None)
    if isinstance(details, Mapping):
        count = details.get("nInserted")
        if isinstance(count, int):
            return count
    return 0


def _written_rows(error: Exception, size: int, done: int) -> list[int]:
    """Rows of the failed table that the server applied (from the bulk error's row errors)."""
    if not done:
        return []
    failed = {e.get("index") for e in getattr(error, "write_errors", []) or []}
    written = [i for i in range(size) if i not in failed]
    return written[:done]


class PartitionedWriteError(_engine.DataBridgeError):
    """A partitioned write failed in at least one partition; the counts are the whole write's.

    Attributes:
        inserted_count: Rows acknowledged, over every partition.
        in_doubt_indexes: Rows sent without a reply (row numbers of the whole frame, partitions
            in order); ``in_doubt_ids`` their ``_id`` values.
        unsent_indexes: Rows not written (never sent, rejected, or after a rejection in an
            ordered write); ``unsent_ids`` the ``_id`` values known for them.
        failures: ``(partition, error type, message)`` for each failed partition.

    Example:
        >>> issubclass(PartitionedWriteError, _engine.DataBridgeError)
        True

    """

    inserted_count: int
    in_doubt_indexes: list[int]
    in_doubt_ids: dict[int, Any]
    unsent_indexes: list[int]
    unsent_ids: dict[int, Any]
    failures: list[tuple[int, str, str]]


@dataclasses.dataclass
class _Totals:
    inserted: int = 0
    in_doubt_rows: list[int] = dataclasses.field(default_factory=list)
    in_doubt_ids: dict[int, Any] = dataclasses.field(default_factory=dict)
    unsent_rows: list[int] = dataclasses.field(default_factory=list)
    unsent_ids: dict[int, Any] = dataclasses.field(default_factory=dict)
    failures: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)


def _add_up(parts: Sequence[PartWrite]) -> _Totals:
    totals = _Totals()
    offset = 0
    for part in sorted(parts, key=lambda p: p.index):
        totals.inserted += part.inserted
        totals.in_doubt_rows += [offset + i for i in part.in_doubt_rows]
        totals.in_doubt_ids.update({offset + i: v for i, v in part.in_doubt_ids.items()})
        totals.unsent_rows += [offset + i for i in part.unsent_rows]
        totals.unsent_ids.update({offset + i: v for i, v in part.unsent_ids.items()})
        if part.error is not None:
            totals.failures.append((part.index, *part.error))
        offset += part.rows
    return totals


def combine_writes(parts: Sequence[PartWrite], namespace: str) -> int:
    """Return the rows inserted over every partition, or raise with the whole write's totals.

    Raises:
        WriteInterrupted: Every failed partition lost its connection: the engine's error with
            row numbers of the whole write (partitions in order), acknowledged count, in-doubt
            and unsent rows and ids (``inserted_ids`` is left empty: the ids of acknowledged
            rows are not shipped back from the workers).
        PartitionedWriteError: Some partition failed otherwise (rows rejected, a value that
            cannot be encoded, ...); same accounting, and ``failures`` names each.

    Example:
        >>> combine_writes([PartWrite(0, 2, 2), PartWrite(1, 3, 3)], "shop.orders")
        5

    """
    totals = _add_up(parts)
    if not totals.failures:
        return totals.inserted
    rows = sum(p.rows for p in parts)
    first = totals.failures[0]
    message = (
        f"partitioned write to {namespace}: {len(totals.failures)} of {len(parts)} partition(s) "
        f"failed; {totals.inserted} of {rows} row(s) acknowledged, "
        f"{len(totals.in_doubt_rows)} in doubt (sent without a reply: the server may have "
        f"applied them), {len(totals.unsent_rows)} not written; first failure, partition "
        f"{first[0]}: {first[1]}: {first[2]}"
    )
    if all(p.interrupted for p in parts if p.failed):
        raise _interrupted(message, totals)
    error = PartitionedWriteError(message)
    error.inserted_count = totals.inserted
    error.in_doubt_indexes = totals.in_doubt_rows
    error.in_doubt_ids = totals.in_doubt_ids
    error.unsent_indexes = totals.unsent_rows
    error.unsent_ids = totals.unsent_ids
    error.failures = totals.failures
    raise error


def _interrupted(message: str, totals: _Totals) -> _engine.WriteInterrupted:
    lost = _engine.WriteInterrupted(message)
    lost.labels = []
    # The keys the engine's WriteInterrupted carries (see crates/data-bridge/src/error.rs).
    lost.details = {
        "writeErrors": [],
        "writeConcernErrors": [],
        "nInserted": totals.inserted,
        "nMatched": 0,
        "nModified": 0,
        "nRemoved": 0,
        "nUpserted": 0,
        "nInDoubt": len(totals.in_doubt_rows),
        "nUnsent": len(totals.unsent_rows),
    }
    lost.write_errors, lost.write_concern_errors = [], []
    lost.inserted_count = totals.inserted
    lost.matched_count = lost.modified_count = lost.deleted_count = lost.upserted_count = 0
    lost.inserted_ids, lost.upserted_ids = {}, {}
    lost.in_doubt_indexes, lost.in_doubt_ids = totals.in_doubt_rows, totals.in_doubt_ids
    lost.unsent_indexes, lost.unsent_ids = totals.unsent_rows, totals.unsent_ids
    return lost


class DaskExport:
    """``to_dask()`` for find queries (analytics and model queries mix this in)."""

    def to_dask(
        self,
        *,
        npartitions: int = 8,
        schema: Any = None,
        columns: Sequence[str] | None = None,
        dtype_backend: frames.DtypeBackend = "pyarrow",
    ) -> Any:
        """Return the find as a lazy ``dask.dataframe`` of ``npartitions`` ``_id`` ranges.

        ``meta`` comes from the model or the schema (Dask reads nothing to learn it); each
        worker reads its range with its own client. Plans the ranges now, blocking (also on
        awaitable queries). See :func:`data_bridge.dask.read`.

        Example:
            >>> q = orders.find(schema={"total": "double"})  # doctest: +SKIP
            >>> ddf = q.to_dask(npartitions=8)  # doctest: +SKIP
            >>> ddf.total.sum().compute()  # doctest: +SKIP

        """
        # data_bridge.dask imports dask, an optional dependency: loaded on first use only.
        dask_api = importlib.import_module("data_bridge.dask")
        return dask_api.read(
            self,
            npartitions=npartitions,
            schema=schema,
            columns=columns,
            dtype_backend=dtype_backend,
        )
