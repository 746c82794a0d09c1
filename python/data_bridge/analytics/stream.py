"""A lazy, re-runnable-until-started stream of record batches over a query.

:class:`BatchStream` wraps the engine's ``RecordBatchStream`` (which fetches and decodes one
server batch per pull, GIL released) and adds what people use interactively: a row count so
far, ``to_arrow()``/``to_pandas()``/``to_polars()`` of the rest, and an HTML repr.

Example:
    >>> s = orders.find().stream()  # doctest: +SKIP
    >>> reader = pyarrow.RecordBatchReader.from_stream(s)  # doctest: +SKIP
    >>> for batch in reader:  # pulls one server batch at a time  # doctest: +SKIP
    ...     ...

"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import frames, html
from data_bridge.analytics.source import ReadSpec


class BatchStream:
    """Record batches of one query, fetched and decoded as they are pulled.

    The query starts on the first pull (iteration, ``__arrow_c_stream__``, ``schema``); a
    stream is consumed once. ``close()`` (or leaving a ``with`` block) kills the server cursor.

    Example:
        >>> with orders.find().stream() as s:  # doctest: +SKIP
        ...     first = next(iter(s))

    """

    def __init__(self, spec: ReadSpec) -> None:
        self._spec = spec
        self._inner: _engine.RecordBatchStream | None = None
        self.rows_read = 0
        """Rows pulled so far through iteration."""
        self.batches_read = 0
        """Batches pulled so far through iteration."""

    @property
    def spec(self) -> ReadSpec:
        """The read this stream runs."""
        return self._spec

    def _engine_stream(self) -> _engine.RecordBatchStream:
        if self._inner is None:
            self._inner = self._spec.open_stream()
        return self._inner

    @property
    def schema(self) -> _engine.Schema:
        """The Arrow schema (waits for the first batch when the schema is inferred)."""
        return self._engine_stream().schema

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Hand the remaining batches to an Arrow consumer, lazily (consumes the stream)."""
        return self._engine_stream().__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema capsule."""
        return self._engine_stream().__arrow_c_schema__()

    def __iter__(self) -> Iterator[_engine.Table]:
        for table in self._engine_stream():
            self.rows_read += table.num_rows
            self.batches_read += 1
            yield table

    async def __aiter__(self) -> AsyncIterator[_engine.Table]:
        async for table in self._engine_stream():
            self.rows_read += table.num_rows
            self.batches_read += 1
            yield table

    def read_all(self) -> _engine.Table:
        """Every remaining batch in one engine ``Table``."""
        table = self._engine_stream().read_all()
        self.rows_read += table.num_rows
        return table

    def to_arrow(self) -> Any:
        """Read the remaining batches into a ``pyarrow.Table`` (one chunk per batch)."""
        return frames.arrow_table(self)

    def to_pandas(self, dtype_backend: frames.DtypeBackend = "pyarrow") -> Any:
        """Read the remaining batches into a pandas DataFrame."""
        return frames.to_pandas(self.to_arrow(), dtype_backend)

    def to_polars(self) -> Any:
        """Read the remaining batches into a polars DataFrame."""
        return frames.to_polars(self)

    def close(self) -> None:
        """Stop fetching and kill the server cursor."""
        if self._inner is not None:
            self._inner.close()

    def __enter__(self) -> BatchStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "not started" if self._inner is None else f"{self.rows_read} rows read"
        return f"BatchStream({self._spec.namespace}, {state})"

    def _repr_html_(self) -> str:
        return html.stream_html(self)
