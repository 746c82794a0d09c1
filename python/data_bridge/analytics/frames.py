"""Arrow results as pyarrow, pandas, polars and numpy — without copying where the layout allows.

Everything enters through the Arrow PyCapsule stream interface, so the engine's buffers are
shared, not copied: a pyarrow table keeps one chunk per record batch (no concatenation), pandas
with ``dtype_backend="pyarrow"`` wraps those chunks, polars shares fixed-width buffers.

BSON-only types are shown the way people read them: in pandas (and ``to_numpy``) an ObjectId
column holds ``bson.ObjectId`` values, a decimal column ``Decimal128`` values, a mixed-type column
the stored values themselves (object columns, built from the Arrow buffers; only those columns
are converted). In polars, which has no Python-object columns worth computing on, an ObjectId is
its 24-character hex string and a Decimal128 its exact decimal text; other extension columns
show their storage (a regex as ``{pattern, options}``, a timestamp as ``{time, increment}``).

Example:
    >>> import pyarrow as pa
    >>> t = arrow_table(pa.table({"x": [1, 2]}))
    >>> to_pandas(t)["x"].tolist()
    [1, 2]

"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, Literal

import bson
from bson import Decimal128, json_util

from data_bridge.analytics.optional import available, require

DtypeBackend = Literal["pyarrow", "numpy"]
Drift = Literal["split", "raw"]
"""``"split"``: a mixed-type column gets its dominant type, the other values are reported;
``"raw"``: such columns keep the stored values (see ``data_bridge.analytics.drift``)."""


def _arrow_types(purpose: str) -> ModuleType:
    """Import the extension-type module (it imports pyarrow, so it is loaded only when needed)."""
    require("pyarrow", purpose=purpose)
    return importlib.import_module("data_bridge.analytics.arrow_types")


def python_values(column: Any) -> list[Any]:
    """Return a pyarrow column (or array) as pymongo values: ObjectId, Decimal128, dicts, lists, ...

    Example:
        >>> import bson, data_bridge, pyarrow as pa
        >>> t = pa.table(data_bridge.bson_to_arrow(bson.encode({"_id": bson.ObjectId(b"a" * 12)})))
        >>> python_values(t.column("_id"))
        [ObjectId('616161616161616161616161')]

    """
    types = _arrow_types("python_values()")
    if types.is_bson_type(column.type):
        return list(column.type.to_pylist(column))
    return list(column.to_pylist())


def _object_columns(table: Any) -> list[int]:
    types = _arrow_types("to_pandas()")
    return [i for i, f in enumerate(table.schema) if types.contains_bson_type(f.type)]


def arrow_table(data: Any) -> Any:
    """Return a ``pyarrow.Table`` over any ``__arrow_c_stream__`` exporter, sharing its buffers.

    Each record batch of the source becomes one chunk; nothing is concatenated.

    Example:
        >>> import pyarrow as pa
        >>> arrow_table(pa.table({"a": [1]})).num_rows
        1

    """
    pa = require("pyarrow", purpose="to_arrow()")
    if isinstance(data, pa.Table):
        return data
    reader = _reader(pa, data)
    return reader.read_all()


def _reader(pa: Any, data: Any) -> Any:
    from_stream = getattr(pa.RecordBatchReader, "from_stream", None)
    if from_stream is not None:
        return from_stream(data)
    # pyarrow 14 has the capsule import but not yet the public helper.
    return pa.RecordBatchReader._import_from_c_capsule(data.__arrow_c_stream__())


def arrow_tables_concat(tables: Sequence[Any]) -> Any:
    """Join tables sharing one schema, keeping every chunk (no copy).

    Example:
        >>> import pyarrow as pa
        >>> t = arrow_tables_concat([pa.table({"a": [1]}), pa.table({"a": [2]})])
        >>> t.column("a").num_chunks
        2

    """
    pa = require("pyarrow", purpose="to_arrow()")
    if len(tables) == 1:
        return tables[0]
    batches = [batch for table in tables for batch in table.to_batches()]
    return pa.Table.from_batches(batches, schema=tables[0].schema)


def select_columns(table: Any, columns: Sequence[str] | None) -> Any:
    """``table`` restricted to ``columns`` in that order (missing ones raise KeyError).

    Example:
        >>> import pyarrow as pa
        >>> select_columns(pa.table({"a": [1], "b": [2]}), ["b"]).column_names
        ['b']

    """
    if columns is None or list(table.column_names) == list(columns):
        return table
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise KeyError(
            f"columns {missing} are not in the result (it has {list(table.column_names)})"
        )
    return table.select(list(columns))


def to_pandas(table: Any, dtype_backend: DtypeBackend = "pyarrow", drift: Drift = "split") -> Any:
    """Return a pandas DataFrame over a pyarrow table.

    Args:
        table: A ``pyarrow.Table``.
        dtype_backend: ``"pyarrow"`` (default) gives ``pd.ArrowDtype`` columns wrapping the
            Arrow chunks without copying, every BSON type kept exactly; ``"numpy"`` gives
            classic numpy dtypes (numeric columns of a one-chunk result without nulls are
            shared, others are copied; nullable ints become floats, as pandas does).
        drift: ``"split"`` (default): a column whose stored values have several types gets the
            most common one; the others are null there and listed, with row, ``_id`` and value,
            in ``frame.attrs["drift"]`` (a ``DriftReport``; a ``DriftWarning`` says so).
            ``"raw"``: such columns hold the stored values as they are (Python objects).

    Example:
        >>> import pyarrow as pa
        >>> str(to_pandas(pa.table({"a": [1]}))["a"].dtype)
        'int64[pyarrow]'

    """
    pd = require("pandas", purpose="to_pandas()")
    if dtype_backend not in ("pyarrow", "numpy"):
        raise ValueError(f'dtype_backend must be "pyarrow" or "numpy", not {dtype_backend!r}')
    report = None
    if _split(drift):
        table, report = _drift().split_drift(table)
    converted = _object_columns(table)
    rest = table.drop_columns([table.column_names[i] for i in converted]) if converted else table
    mapper = pd.ArrowDtype if dtype_backend == "pyarrow" else None
    frame = rest.to_pandas(types_mapper=mapper, split_blocks=True)
    for i in converted:
        values = python_values(table.column(i))
        frame.insert(i, table.column_names[i], pd.Series(values, index=frame.index, dtype=object))
    if report:
        frame.attrs["drift"] = report
        _drift().warn(report, "frame.attrs['drift'] lists them (path, row, _id, type, value)")
    return frame


def _has_drift(data: Any) -> bool:
    """Whether ``data``'s schema has a mixed-type column (polars reads the rest directly)."""
    schema = getattr(data, "schema", None)
    if schema is None:
        return False
    pa = require("pyarrow", purpose="drift handling")
    return bool(_drift().has_drift_columns(pa.schema(schema)))


def _split(drift: str) -> bool:
    if drift not in ("split", "raw"):
        raise ValueError(f'drift must be "split" or "raw", not {drift!r}')
    return drift == "split"


def _drift() -> ModuleType:
    """Import the drift module (it imports pyarrow, so it is loaded only when needed)."""
    require("pyarrow", purpose="drift handling")
    return importlib.import_module("data_bridge.analytics.drift")


def to_polars(data: Any, drift: Drift = "split") -> Any:
    """Return a polars DataFrame over an Arrow stream exporter (fixed-width buffers shared).

    pyarrow is not needed: polars reads the engine's stream directly.

    Example:
        >>> import pyarrow as pa
        >>> to_polars(pa.table({"a": [1, 2]})).height
        2

    """
    pl = require("polars", purpose="to_polars()")
    if _split(drift) and available("pyarrow") and _has_drift(data):
        table = arrow_table(data)
        table, report = _drift().split_drift(table)
        if report:
            _drift().warn(
                report,
                "to list them: q.to_pandas().attrs['drift'], or "
                "data_bridge.analytics.split_drift(q.to_arrow())",
                stacklevel=5,
            )
        data = table
    return readable_polars(pl.DataFrame(data))


def readable_polars(frame: Any) -> Any:
    """``frame`` with BSON extension columns made readable (ObjectId → hex, Decimal128 → text).

    Other columns are left as they are (their buffers stay shared). Nested ObjectIds (in
    structs and lists) are converted too.

    Example:
        >>> import bson, data_bridge, polars as pl
        >>> data = bson.encode({"_id": bson.ObjectId(b"a" * 12), "n": 1})
        >>> readable_polars(pl.DataFrame(data_bridge.bson_to_arrow(data)))["_id"].to_list()
        ['616161616161616161616161']

    """
    pl = require("polars", purpose="to_polars()")
    changes = []
    for name, dtype in frame.schema.items():
        expr = _readable_polars_expr(pl, pl.col(name), dtype)
        if expr is not None:
            changes.append(expr.alias(name))
    return frame.with_columns(changes) if changes else frame


def _decimal_text(series: Any) -> Any:
    pl = require("polars", purpose="to_polars()")
    values = [None if b is None else str(Decimal128.from_bid(b)) for b in series.to_list()]
    return pl.Series(series.name, values, dtype=pl.String)


def _bson_text(series: Any) -> Any:
    pl = require("polars", purpose="to_polars()")
    options = json_util.RELAXED_JSON_OPTIONS
    values = [
        None if b is None else json_util.dumps(bson.decode(b)["v"], json_options=options)
        for b in series.to_list()
    ]
    return pl.Series(series.name, values, dtype=pl.String)


def _readable_polars_expr(pl: Any, expr: Any, dtype: Any) -> Any:
    """Return the expression turning a column of ``dtype`` readable, or None when it already is."""
    extension = getattr(dtype, "ext_name", None)
    if callable(extension):
        extension = extension()
    if isinstance(extension, str):
        storage = expr.ext.storage()
        if extension == "data_bridge.objectid":
            return storage.bin.encode("hex")
        if extension == "data_bridge.decimal128":
            return storage.map_batches(_decimal_text, return_dtype=pl.String)
        if extension == "data_bridge.bson":
            return storage.map_batches(_bson_text, return_dtype=pl.String)
        return storage
    if isinstance(dtype, pl.Struct):
        fields = []
        for field in dtype.fields:
            inner = _readable_polars_expr(pl, pl.field(field.name), field.dtype)
            if inner is not None:
                fields.append(inner.alias(field.name))
        return expr.struct.with_fields(fields) if fields else None
    if isinstance(dtype, pl.List | pl.Array):
        inner = _readable_polars_expr(pl, pl.element(), dtype.inner)
        return expr.list.eval(inner) if inner is not None and isinstance(dtype, pl.List) else None
    return None


def to_numpy(table: Any, column: str) -> Any:
    """One column as a numpy array: the engine ``Table``'s own view when it is one chunk.

    Example:
        >>> import pyarrow as pa
        >>> to_numpy(pa.table({"a": [1, 2]}), "a").tolist()
        [1, 2]

    """
    np = require("numpy", purpose="to_numpy()")
    engine = hasattr(table, "to_numpy") and not hasattr(table, "to_batches")
    if engine and not _bson_column(table.schema, column):
        # The engine Table: zero-copy for a one-chunk column without nulls.
        return table.to_numpy(column)
    chunked = arrow_table(table).column(column) if engine else table.column(column)
    if _arrow_types("to_numpy()").contains_bson_type(chunked.type):
        values = np.empty(len(chunked), dtype=object)
        values[:] = python_values(chunked)
        return values
    if chunked.num_chunks == 1:
        return chunked.chunk(0).to_numpy(zero_copy_only=False)
    return chunked.to_numpy()


def _bson_column(schema: Any, column: str) -> bool:
    """Whether the engine schema's ``column`` is a BSON extension type (ObjectId, ...)."""
    pa = require("pyarrow", purpose="to_numpy()")
    arrow = pa.schema(schema)
    index = arrow.get_field_index(column)
    return index >= 0 and bool(
        _arrow_types("to_numpy()").contains_bson_type(arrow.field(index).type)
    )


def empty_like(schema: Any) -> Any:
    """Return an empty pyarrow table of ``schema`` (a result with no rows still has its columns)."""
    pa = require("pyarrow", purpose="to_arrow()")
    return pa.schema(schema).empty_table()


def rows_of(tables: Iterable[Any]) -> int:
    """Total rows of some tables."""
    return sum(int(t.num_rows) for t in tables)
