"""Arrow results as pyarrow, pandas, polars and numpy — without copying where the layout allows.

Everything enters through the Arrow PyCapsule stream interface, so the engine's buffers are
shared, not copied: a pyarrow table keeps one chunk per record batch (no concatenation), pandas
with ``dtype_backend="pyarrow"`` wraps those chunks, polars shares fixed-width buffers.

Example:
    >>> import pyarrow as pa
    >>> t = arrow_table(pa.table({"x": [1, 2]}))
    >>> to_pandas(t)["x"].tolist()
    [1, 2]

"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from data_bridge.analytics.optional import require

DtypeBackend = Literal["pyarrow", "numpy"]


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


def to_pandas(table: Any, dtype_backend: DtypeBackend = "pyarrow") -> Any:
    """Return a pandas DataFrame over a pyarrow table.

    Args:
        table: A ``pyarrow.Table``.
        dtype_backend: ``"pyarrow"`` (default) gives ``pd.ArrowDtype`` columns wrapping the
            Arrow chunks without copying, every BSON type kept exactly; ``"numpy"`` gives
            classic numpy dtypes (numeric columns of a one-chunk result without nulls are
            shared, others are copied; nullable ints become floats, as pandas does).

    Example:
        >>> import pyarrow as pa
        >>> str(to_pandas(pa.table({"a": [1]}))["a"].dtype)
        'int64[pyarrow]'

    """
    pd = require("pandas", purpose="to_pandas()")
    if dtype_backend == "pyarrow":
        return table.to_pandas(types_mapper=pd.ArrowDtype, split_blocks=True)
    if dtype_backend == "numpy":
        return table.to_pandas(split_blocks=True)
    raise ValueError(f'dtype_backend must be "pyarrow" or "numpy", not {dtype_backend!r}')


def to_polars(data: Any) -> Any:
    """Return a polars DataFrame over an Arrow stream exporter (fixed-width buffers shared).

    pyarrow is not needed: polars reads the engine's stream directly.

    Example:
        >>> import pyarrow as pa
        >>> to_polars(pa.table({"a": [1, 2]})).height
        2

    """
    pl = require("polars", purpose="to_polars()")
    return pl.DataFrame(data)


def to_numpy(table: Any, column: str) -> Any:
    """One column as a numpy array: the engine ``Table``'s own view when it is one chunk.

    Example:
        >>> import pyarrow as pa
        >>> to_numpy(pa.table({"a": [1, 2]}), "a").tolist()
        [1, 2]

    """
    require("numpy", purpose="to_numpy()")
    if hasattr(table, "to_numpy") and not hasattr(table, "to_batches"):
        # The engine Table: zero-copy for a one-chunk column without nulls.
        return table.to_numpy(column)
    chunked = table.column(column)
    if chunked.num_chunks == 1:
        return chunked.chunk(0).to_numpy(zero_copy_only=False)
    return chunked.to_numpy()


def empty_like(schema: Any) -> Any:
    """Return an empty pyarrow table of ``schema`` (a result with no rows still has its columns)."""
    pa = require("pyarrow", purpose="to_arrow()")
    return pa.schema(schema).empty_table()


def rows_of(tables: Iterable[Any]) -> int:
    """Total rows of some tables."""
    return sum(int(t.num_rows) for t in tables)
