"""Writing frames: any Arrow-exportable table inserted through the engine's ``insert_arrow``.

Rows are encoded to BSON column-wise, in parallel, in Rust (no Python dict per row), then sent
in as few ``insert`` commands as the server's size limits allow. pyarrow tables, polars frames
and anything else with ``__arrow_c_stream__`` go straight in; pandas frames go through pyarrow.

Example:
    >>> import data_bridge, polars as pl
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> result = data_bridge.write(orders, pl.DataFrame({"total": [9.5, 12.0]}))  # doctest: +SKIP
    >>> result.inserted_count  # doctest: +SKIP
    2

"""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import html
from data_bridge.analytics.optional import available, require
from data_bridge.analytics.progress import ProgressBar
from data_bridge.analytics.schemas import EXTENSION_KEY

OBJECTID_EXTENSION = b"data_bridge.objectid"
# The ObjectId counter is 3 bytes: a fresh random prefix every 2**24 ids keeps them unique.
_COUNTER_SPAN = 1 << 24
# Rows per insert_arrow call when a progress bar needs intermediate counts.
_PROGRESS_SLICES = 20
_MIN_SLICE_ROWS = 10_000


@dataclasses.dataclass(frozen=True)
class WriteResult:
    """What a frame write did.

    Attributes:
        inserted_count: Rows inserted.
        inserted_ids: The ``_id`` values generated for the rows (a pyarrow array of 12-byte
            ObjectIds, in row order), or ``None`` when the input carried its own ``_id``.

    Example:
        >>> WriteResult(2, None).inserted_count
        2

    """

    inserted_count: int
    inserted_ids: Any = None

    def object_ids(self) -> list[Any]:
        """Return the generated ids as ``bson.ObjectId`` values (empty when none were generated)."""
        from bson import ObjectId

        if self.inserted_ids is None:
            return []
        return [ObjectId(b) for b in self.inserted_ids.to_pylist()]

    def __repr__(self) -> str:
        """Show the counts, not the id array (``object_ids()`` gives the ids).

        Example:
            >>> WriteResult(2, None)
            WriteResult(inserted_count=2, generated_ids=0)

        """
        generated = 0 if self.inserted_ids is None else len(self.inserted_ids)
        return f"WriteResult(inserted_count={self.inserted_count}, generated_ids={generated})"

    def _repr_html_(self) -> str:
        generated = "no" if self.inserted_ids is None else str(len(self.inserted_ids))
        return html.mapping_html(
            "WriteResult", {"inserted_count": self.inserted_count, "ids generated": generated}
        )


def object_id_array(n: int) -> Any:
    """``n`` new ObjectIds as a ``fixed_size_binary(12)`` pyarrow array, built vectorised.

    Layout as the BSON spec: 4-byte big-endian seconds, 5 random bytes, 3-byte counter.

    Example:
        >>> ids = object_id_array(3)
        >>> len(ids), len(set(ids.to_pylist()))
        (3, 3)

    """
    pa = require("pyarrow", purpose="generating _id values")
    np = require("numpy", purpose="generating _id values")
    out = np.empty((n, 12), dtype=np.uint8)
    out[:, 0:4] = np.frombuffer(int(time.time()).to_bytes(4, "big"), dtype=np.uint8)
    for start in range(0, n, _COUNTER_SPAN):
        stop = min(n, start + _COUNTER_SPAN)
        out[start:stop, 4:9] = np.frombuffer(os.urandom(5), dtype=np.uint8)
        first = secrets.randbits(24)
        counters = (np.arange(stop - start, dtype=np.uint32) + first) & 0xFFFFFF
        out[start:stop, 9] = (counters >> 16) & 0xFF
        out[start:stop, 10] = (counters >> 8) & 0xFF
        out[start:stop, 11] = counters & 0xFF
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(12), n, [None, pa.py_buffer(out)])


def _as_arrow(data: Any) -> Any:
    """Return a pyarrow table for pandas input (pyarrow needed); other inputs as they are."""
    if type(data).__module__.startswith("pandas"):
        pa = require("pyarrow", purpose="writing a pandas DataFrame")
        return pa.Table.from_pandas(data, preserve_index=False)
    return data


def _column_names(data: Any) -> list[str] | None:
    names = getattr(data, "column_names", None) or getattr(data, "columns", None)
    return [str(n) for n in names] if names is not None else None


def prepare(data: Any, *, generate_ids: bool = True) -> tuple[Any, Any]:
    """Return the table to insert and the ids generated for it (``None``: input has ids).

    Ids are generated only when pyarrow is available and ``generate_ids`` is true; otherwise
    rows without ``_id`` get theirs from the driver and are not reported.
    """
    data = _as_arrow(data)
    names = _column_names(data)
    if not generate_ids or (names is not None and "_id" in names) or not available("pyarrow"):
        return data, None
    pa = require("pyarrow", purpose="generating _id values")
    table = data if isinstance(data, pa.Table) else pa.table(data)
    if "_id" in table.column_names:
        return table, None
    ids = object_id_array(table.num_rows)
    metadata = {EXTENSION_KEY: OBJECTID_EXTENSION}
    field = pa.field("_id", pa.binary(12), nullable=False, metadata=metadata)
    schema = pa.schema([field, *table.schema], metadata=table.schema.metadata)
    return pa.Table.from_arrays([ids, *table.columns], schema=schema), ids


def _slices(table: Any) -> list[tuple[int, Any]]:
    rows = table.num_rows
    step = max(_MIN_SLICE_ROWS, -(-rows // _PROGRESS_SLICES))
    return [(start, table.slice(start, step)) for start in range(0, rows, step)]


def _row_ids(table: Any, start: int, stop: int) -> dict[int, Any]:
    """``{row: _id}`` for rows ``start..stop`` of a pyarrow table (empty without ``_id``)."""
    if stop <= start or "_id" not in table.column_names:
        return {}
    column = table.column("_id").slice(start, stop - start)
    values = column.to_pylist()
    if getattr(column.type, "byte_width", None) == 12:
        from bson import ObjectId

        values = [ObjectId(v) if v is not None else None for v in values]
    return {start + i: v for i, v in enumerate(values) if v is not None}


def _whole_table_view(
    lost: _engine.WriteInterrupted, table: Any, start: int, stop: int, count: int
) -> None:
    """Re-number ``lost`` (raised by the slice of rows ``start..stop``) as rows of the table.

    Earlier slices were acknowledged whole (``count`` rows); later ones were never sent.
    """
    rows = table.num_rows
    lost.inserted_count += count
    lost.inserted_ids = {
        **_row_ids(table, 0, start),
        **{start + i: v for i, v in lost.inserted_ids.items()},
    }
    lost.in_doubt_indexes = [start + i for i in lost.in_doubt_indexes]
    lost.in_doubt_ids = {start + i: v for i, v in lost.in_doubt_ids.items()}
    lost.unsent_indexes = [start + i for i in lost.unsent_indexes] + list(range(stop, rows))
    lost.unsent_ids = {
        **{start + i: v for i, v in lost.unsent_ids.items()},
        **_row_ids(table, stop, rows),
    }
    for entry in lost.write_errors:
        entry["index"] = start + entry["index"]
    lost.details["nInserted"] = lost.inserted_count
    lost.details["nUnsent"] = len(lost.unsent_indexes)
    lost.args = (
        f"the connection was lost during write(): {lost.inserted_count} row(s) acknowledged "
        f"({lost.inserted_count} inserted), {len(lost.in_doubt_indexes)} in doubt (sent without "
        f"a reply: the server may have applied them), {len(lost.unsent_indexes)} not sent; the "
        f"slice of rows {start}..{stop} failed with: {lost}",
    )


def _slice_failure(error: Exception, table: Any, start: int, stop: int, count: int) -> Exception:
    """Return the error of the slice ``start..stop`` as the whole write sees it.

    A connection lost while sending the slice is already a ``WriteInterrupted``; a server that
    could not be reached before it was sent raises the driver's error, which becomes one too
    when earlier slices were acknowledged (the slice and everything after it unsent).
    """
    if isinstance(error, _engine.WriteInterrupted):
        _whole_table_view(error, table, start, stop, count)
        return error
    if not count or not isinstance(error, _engine.ConnectionFailure):
        return error
    lost = _engine.WriteInterrupted(str(error))
    lost.labels = []
    # The keys the engine's WriteInterrupted carries (see crates/data-bridge/src/error.rs).
    lost.details = {
        "writeErrors": [],
        "writeConcernErrors": [],
        "nInserted": 0,
        "nMatched": 0,
        "nModified": 0,
        "nRemoved": 0,
        "nUpserted": 0,
        "nInDoubt": 0,
        "nUnsent": stop - start,
    }
    lost.write_errors, lost.write_concern_errors = [], []
    lost.inserted_count = lost.matched_count = lost.modified_count = 0
    lost.deleted_count = lost.upserted_count = 0
    lost.inserted_ids, lost.upserted_ids = {}, {}
    lost.in_doubt_indexes, lost.in_doubt_ids = [], {}
    lost.unsent_indexes = list(range(stop - start))
    lost.unsent_ids = {row - start: v for row, v in _row_ids(table, start, stop).items()}
    _whole_table_view(lost, table, start, stop, count)
    lost.__cause__ = error
    return lost


def _engine_collection(target: Any) -> _engine.Collection:
    if isinstance(target, _engine.Collection):
        return target
    inner = getattr(target, "engine", None)
    if isinstance(inner, _engine.Collection):
        return inner
    if isinstance(target, type) and hasattr(target, "_db_collection"):
        return target._db_collection()  # type: ignore[no-any-return]
    raise TypeError(
        f"write() needs a data-bridge collection or document class, not {type(target).__name__}"
    )


def write(
    collection: Any,
    data: Any,
    *,
    ordered: bool = True,
    keep_nulls: bool = False,
    generate_ids: bool = True,
    progress: bool | None = None,
) -> WriteResult:
    """Insert every row of ``data`` into ``collection``, blocking (GIL released).

    Args:
        collection: ``data_bridge.connect(uri)[db][name]``, an engine collection or a
            document class (use ``Model.insert_arrow`` to check rows against the model).
        data: A pyarrow table or record batch, a polars or pandas DataFrame, or anything
            with ``__arrow_c_stream__``.
        ordered: Stop at the first failing row (``True``) or insert the others too.
        keep_nulls: Write nulls as BSON null instead of leaving the field out.
        generate_ids: Give rows without an ``_id`` column an ObjectId here, and report them in
            ``inserted_ids`` (needs pyarrow); otherwise the driver assigns them.
        progress: Show a progress bar (``None``: follow ``data_bridge.options.progress``).

    Returns:
        A :class:`WriteResult` (count and generated ids).

    Raises:
        EncodeError: A value cannot be written (``.row``, ``.path`` say where).
        BulkWriteError: The server rejected some rows (``.write_errors``).
        WriteInterrupted: The connection was lost partway; its indexes are row numbers of
            ``data`` (acknowledged ``inserted_ids``, ``in_doubt_ids``, ``unsent_indexes``).

    Example:
        >>> import pyarrow as pa
        >>> data_bridge.write(orders, pa.table({"total": [1.5]})).inserted_count  # doctest: +SKIP
        1

    """
    coll = _engine_collection(collection)
    table, ids = prepare(data, generate_ids=generate_ids)
    rows = getattr(table, "num_rows", None)
    with ProgressBar(rows, f"write {coll.full_name}", enabled=progress) as bar:
        if bar.shown and rows is not None and hasattr(table, "slice"):
            count = 0
            for start, part in _slices(table):
                try:
                    result = coll.insert_arrow_sync(
                        part, ordered=ordered, keep_nulls=keep_nulls, ids_generated=ids is not None
                    )
                except _engine.DataBridgeError as error:
                    failure = _slice_failure(error, table, start, start + part.num_rows, count)
                    if failure is error:
                        raise
                    raise failure from error
                count += result.inserted_count
                bar.update(result.inserted_count)
        else:
            count = coll.insert_arrow_sync(
                table, ordered=ordered, keep_nulls=keep_nulls, ids_generated=ids is not None
            ).inserted_count
            bar.update(count)
    return WriteResult(count, ids)


async def write_async(
    collection: Any,
    data: Any,
    *,
    ordered: bool = True,
    keep_nulls: bool = False,
    generate_ids: bool = True,
    progress: bool | None = None,
) -> WriteResult:
    """Awaitable twin of :func:`write`.

    Example:
        >>> result = await data_bridge.write_async(orders, frame)  # doctest: +SKIP

    """
    coll = _engine_collection(collection)
    table, ids = prepare(data, generate_ids=generate_ids)
    rows = getattr(table, "num_rows", None)
    with ProgressBar(rows, f"write {coll.full_name}", enabled=progress) as bar:
        if bar.shown and rows is not None and hasattr(table, "slice"):
            count = 0
            for start, part in _slices(table):
                try:
                    result = await coll.insert_arrow(
                        part, ordered=ordered, keep_nulls=keep_nulls, ids_generated=ids is not None
                    )
                except _engine.DataBridgeError as error:
                    failure = _slice_failure(error, table, start, start + part.num_rows, count)
                    if failure is error:
                        raise
                    raise failure from error
                count += result.inserted_count
                bar.update(result.inserted_count)
        else:
            result = await coll.insert_arrow(
                table, ordered=ordered, keep_nulls=keep_nulls, ids_generated=ids is not None
            )
            count = result.inserted_count
            bar.update(count)
    return WriteResult(count, ids)
