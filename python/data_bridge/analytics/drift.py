"""Drifted columns in frames: typed values for the analyst, plus every value that differs.

A path whose stored values have incompatible types (``user.age``: 99,999 ints and one
``"unknown"``) reaches Arrow as a lossless raw-BSON column (``data_bridge.bson``). For pandas and
polars, ``split_drift`` turns it into a column of the *dominant* type (the most common one) and
lists every value of another type in a :class:`DriftReport`: path, row, ``_id``, type, value.
Nothing is lost: the typed column holds a null where the report holds the stored value, and
``to_pandas(drift="raw")`` / ``to_polars(drift="raw")`` keep the stored values as they are
(``to_arrow()`` always does). A :class:`DriftWarning` says so when it happens.

Paths inside documents are split too (``user.age``); inside arrays (``tags[]``) the stored
values stay as they are.

Example:
    >>> import bson, data_bridge, pyarrow as pa
    >>> data = b"".join(bson.encode({"age": v}) for v in [30, 41, "unknown"])
    >>> typed, report = split_drift(pa.table(data_bridge.bson_to_arrow(data)))
    >>> typed.column("age").to_pylist()
    [30, 41, None]
    >>> [(d.path, d.row, d.type, d.value) for d in report.values]
    [('age', 2, 'string', 'unknown')]

"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from typing import Any

import pyarrow as pa
from bson import Decimal128, Int64, ObjectId

from data_bridge.analytics import arrow_types


class DriftWarning(UserWarning):
    """Some values did not have their column's type: they are listed in a :class:`DriftReport`.

    Example:
        >>> import warnings
        >>> warnings.simplefilter("ignore", DriftWarning)  # to silence it (not advised)

    """


@dataclasses.dataclass(frozen=True)
class DriftedValue:
    """One stored value whose type differs from its column's.

    Example:
        >>> DriftedValue("user.age", 7, None, "string", "unknown").type
        'string'

    """

    path: str
    """Dotted path of the column (``user.age``)."""
    row: int
    """Row in the frame (0-based)."""
    id: Any
    """The document's ``_id`` (None when the result has no ``_id`` column)."""
    type: str
    """The value's ``$type`` alias (``string``, ``long``, ``object``, ...)."""
    value: Any
    """The stored value, as pymongo decodes it."""


@dataclasses.dataclass(frozen=True)
class DriftReport:
    """What ``split_drift`` changed: per path the chosen type and counts, and every other value.

    Example:
        >>> report = DriftReport({}, [])
        >>> bool(report), str(report)
        (False, 'no drifted values')

    """

    columns: dict[str, dict[str, Any]]
    """Path -> ``{"type": column alias, "types": {stored alias: count}, "other": values
    not kept}``."""
    values: list[DriftedValue]
    """Every value that is not of its column's type, in (path, row) order."""

    def __bool__(self) -> bool:
        return bool(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __str__(self) -> str:
        if not self.columns:
            return "no drifted values"
        lines = []
        for path, info in self.columns.items():
            seen = ", ".join(f"{t}: {n}" for t, n in info["types"].items())
            other = info["other"]
            kept = sum(info["types"].values()) - other
            lines.append(
                f"{path}: {kept:,} {info['type']} values kept typed; {other:,} of other types "
                f"are null there and listed in the drift report (stored: {seen})"
            )
        return "\n".join(lines)

    def to_pandas(self) -> Any:
        """Return the drifted values as a pandas DataFrame: path, row, _id, type, value.

        Example:
            >>> DriftReport({}, []).to_pandas().columns.tolist()
            ['path', 'row', '_id', 'type', 'value']

        """
        import pandas as pd

        rows = [(v.path, v.row, v.id, v.type, v.value) for v in self.values]
        frame = pd.DataFrame(rows, columns=["path", "row", "_id", "type", "value"])
        return frame.astype({"value": object, "_id": object})


def _alias(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    kinds: list[tuple[type, str]] = [
        (Int64, "long"),  # pymongo decodes a BSON int64 as Int64, an int32 as int
        (int, "int"),
        (float, "double"),
        (str, "string"),
        (datetime.datetime, "date"),
        (ObjectId, "objectId"),
        (Decimal128, "decimal"),
        (dict, "object"),
        (list, "array"),
        (bytes, "binData"),
    ]
    for kind, alias in kinds:
        if isinstance(value, kind):
            return alias
    return type(value).__name__


_NUMBERS = ("int", "long", "double")


def _as(alias: str, value: Any) -> Any:
    return float(value) if alias == "double" else value


def _typed_array(alias: str, values: list[Any]) -> pa.Array | None:
    """``values`` (None where another type was stored) as an Arrow array of ``alias``."""
    if alias == "objectId":
        storage = pa.array([v.binary if v is not None else None for v in values], pa.binary(12))
        return pa.ExtensionArray.from_storage(arrow_types.ObjectIdType(pa.binary(12)), storage)
    if alias == "decimal":
        storage = pa.array([v.bid if v is not None else None for v in values], pa.binary(16))
        return pa.ExtensionArray.from_storage(arrow_types.Decimal128Type(pa.binary(16)), storage)
    arrow_type = {
        "int": pa.int32(),
        "long": pa.int64(),
        "double": pa.float64(),
        "string": pa.string(),
        "bool": pa.bool_(),
        "date": pa.timestamp("ms", tz="UTC"),
        "binData": pa.binary(),
    }.get(alias)
    if arrow_type is None and alias not in ("object", "array"):
        return None  # an exotic dominant type: leave the stored values
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # documents or arrays of differing shapes: leave the stored values


class _Splitter:
    def __init__(self, ids: pa.ChunkedArray | None) -> None:
        self.ids = ids  # read only at the drifted rows
        self.columns: dict[str, dict[str, Any]] = {}
        self.values: list[DriftedValue] = []

    def array(self, path: str, array: pa.Array) -> pa.Array:
        """``array`` with its mixed columns (itself, or struct fields inside) made typed."""
        if isinstance(array.type, arrow_types.RawBsonType):
            return self._split(path, array)
        if pa.types.is_struct(array.type) and arrow_types.contains_bson_type(array.type):
            children = [
                self.array(f"{path}.{array.type.field(i).name}", array.field(i))
                for i in range(array.type.num_fields)
            ]
            fields = [
                pa.field(array.type.field(i).name, children[i].type)
                for i in range(array.type.num_fields)
            ]
            mask = array.is_null() if array.null_count else None
            return pa.StructArray.from_arrays(children, fields=fields, mask=mask)
        return array

    def _split(self, path: str, array: pa.Array) -> pa.Array:
        stored = array.type.to_pylist(array)
        kinds = [None if v is None else _alias(v) for v in stored]
        counts = Counter(k for k in kinds if k is not None)
        if not counts:
            return array
        dominant = counts.most_common(1)[0][0]
        numbers = {k: n for k, n in counts.items() if k in _NUMBERS}
        if len(numbers) > 1 and sum(numbers.values()) >= counts[dominant]:
            # Numbers of several kinds are one column of the widest, as the codec reads them.
            dominant = next(k for k in ("double", "long", "int") if k in numbers)
            kept = set(numbers)
        else:
            kept = {dominant}
        typed = _typed_array(
            dominant,
            [_as(dominant, v) if k in kept else None for v, k in zip(stored, kinds, strict=True)],
        )
        if typed is None:
            return array
        other = sum(n for t, n in counts.items() if t not in kept)
        self.columns[path] = {"type": dominant, "types": dict(counts), "other": other}
        for row, (value, kind) in enumerate(zip(stored, kinds, strict=True)):
            if kind is not None and kind not in kept:
                row_id = self.ids[row].as_py() if self.ids is not None else None
                self.values.append(DriftedValue(path, row, row_id, kind, value))
        return typed


def has_drift_columns(schema: pa.Schema) -> bool:
    """Whether a mixed-type column (or struct field) is in ``schema``.

    Example:
        >>> has_drift_columns(pa.schema([("a", pa.int64())]))
        False

    """
    return any(_mixed_inside(f.type) for f in schema)


def _mixed_inside(arrow_type: pa.DataType) -> bool:
    if isinstance(arrow_type, arrow_types.RawBsonType):
        return True
    if pa.types.is_struct(arrow_type):
        return any(_mixed_inside(arrow_type.field(i).type) for i in range(arrow_type.num_fields))
    return False


def split_drift(table: pa.Table) -> tuple[pa.Table, DriftReport]:
    """Return ``table`` with each mixed-type column in its dominant type, and the report.

    Columns without drift are returned as they are (same buffers). Example in the module doc.
    """
    if not has_drift_columns(table.schema):
        return table, DriftReport({}, [])
    splitter = _Splitter(table.column("_id") if "_id" in table.column_names else None)
    for index, field in enumerate(table.schema):
        if not _mixed_inside(field.type):
            continue
        column = table.column(index).combine_chunks()
        new = splitter.array(field.name, column)
        if new is not column:
            table = table.set_column(index, pa.field(field.name, new.type), new)
    report = DriftReport(splitter.columns, sorted(splitter.values, key=lambda v: (v.path, v.row)))
    return table, report


def warn(report: DriftReport, where: str, stacklevel: int = 4) -> None:
    """Emit a :class:`DriftWarning` summarising ``report`` (nothing when it is empty)."""
    if not report:
        return
    import warnings

    warnings.warn(
        f"{report}. {where}; drift='raw' keeps every value as stored",
        DriftWarning,
        stacklevel=stacklevel,
    )
