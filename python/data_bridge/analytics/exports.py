"""The analytics methods every query gets, and the Arrow stream protocol.

Methods: ``to_arrow``, ``to_pandas``, ``to_polars``, ``to_numpy``, ``stream``,
``partitions``, ``schema_report``.

Two mixins share one implementation and differ only in how they wait, as the ODM's classes do:
:class:`ArrowExports` (async queries: ``await q.to_arrow()``) and :class:`SyncArrowExports`
(blocking queries: ``q.to_arrow()``). The protocol methods (``__arrow_c_stream__``,
``_repr_html_``) are synchronous in both, as their consumers call them. A class using either
mixin implements ``_read_spec()``.

Example:
    >>> orders = data_bridge.connect(uri)["shop"]["orders"]  # doctest: +SKIP
    >>> orders.find({"paid": True}).to_pandas()  # doctest: +SKIP
    >>> duckdb.sql("select count(*) from q")  # q = orders.find(...)  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from data_bridge import _engine
from data_bridge.analytics import frames, html
from data_bridge.analytics import partitions as parts_mod
from data_bridge.analytics.load import LoadRequest, load_async, load_sync
from data_bridge.analytics.optional import available, require
from data_bridge.analytics.schemas import subset_schema
from data_bridge.analytics.source import Projection, ReadSpec
from data_bridge.analytics.stream import BatchStream
from data_bridge.observability.explain import AsyncExplain, SyncExplain

if TYPE_CHECKING:
    # Only for annotations: each is imported at run time by the method that needs it.
    import numpy as np
    import pandas as pd
    import polars as pl
    import pyarrow as pa

Partitions = int | Sequence[parts_mod.Bound] | None


def _arrow(parts: list[_engine.Table], select_after: list[str] | None) -> pa.Table:
    tables = [frames.arrow_table(part) for part in parts]
    return cast("pa.Table", frames.select_columns(frames.arrow_tables_concat(tables), select_after))


def _polars(
    parts: list[_engine.Table], select_after: list[str] | None, drift: frames.Drift = "split"
) -> pl.DataFrame:
    if len(parts) == 1:
        frame = frames.to_polars(parts[0], drift)
    elif available("pyarrow"):
        # One table, so that drift is judged (and rows numbered) over the whole result.
        tables = [frames.arrow_table(part) for part in parts]
        frame = frames.to_polars(frames.arrow_tables_concat(tables), drift)
    else:
        polars = require("polars", purpose="to_polars()")
        frame = polars.concat([frames.to_polars(p) for p in parts], rechunk=False)
    return cast("pl.DataFrame", frame.select(select_after) if select_after is not None else frame)


def _numpy(parts: list[_engine.Table], column: str) -> np.ndarray[Any, Any]:
    arrays = [frames.to_numpy(part, column) for part in parts]
    if len(arrays) == 1:
        return cast("np.ndarray[Any, Any]", arrays[0])
    numpy = require("numpy", purpose="to_numpy()")
    return cast("np.ndarray[Any, Any]", numpy.concatenate(arrays))


class ExportsBase:
    """Protocol methods shared by the async and blocking mixins."""

    def _read_spec(self) -> ReadSpec:
        raise NotImplementedError

    def _drift(self, drift: frames.Drift | None) -> frames.Drift:
        """Return ``drift``, else ``"raw"`` for an ``on_mismatch="raw"`` query, else ``"split"``."""
        if drift is not None:
            return drift
        return "raw" if self._read_spec().on_mismatch == "raw" else "split"

    def _spec_with(self, schema: Any) -> ReadSpec:
        """Return the query's read, with ``schema`` overriding its own when given."""
        spec = self._read_spec()
        return spec if schema is None else spec.replace(schema=schema)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the query as a lazy Arrow C stream: each pull fetches the next server batch.

        Every call runs the query anew, so DuckDB, polars or pyarrow can read it repeatedly;
        a consumer that stops early (``LIMIT``) stops the fetching and the cursor is killed.

        Example:
            >>> duckdb.sql("select avg(score) from q").fetchone()  # doctest: +SKIP

        """
        return self._read_spec().open_stream().__arrow_c_stream__(requested_schema)

    def stream(self, *, columns: Sequence[str] | None = None) -> BatchStream:
        """Return a lazy stream of record batches (no I/O until the first pull).

        Iterate it (``for t in s`` / ``async for t in s``: one engine ``Table`` per batch),
        pass it to ``pyarrow.RecordBatchReader.from_stream``, DuckDB or polars, or call
        ``read_all()``. With ``columns`` and no known schema the server projects.

        Example:
            >>> for batch in orders.find().stream(columns=["total"]):  # doctest: +SKIP
            ...     print(batch.num_rows)

        """
        spec = self._read_spec()
        if columns is not None:
            spec = (
                spec.replace(schema=subset_schema(spec.schema, columns))
                if spec.schema is not None
                else spec.replace(options={"projection": _projection(columns)})
            )
        return BatchStream(spec)

    def _repr_html_(self) -> str:
        return html.query_html(self._read_spec())


def _projection(columns: Sequence[str]) -> dict[str, int]:
    projection = dict.fromkeys(columns, 1)
    if "_id" not in columns:
        projection["_id"] = 0
    return projection


def _request(
    columns: Sequence[str] | None,
    partitions: Partitions,
    projection: Projection,
    progress: bool | None,
) -> LoadRequest:
    return LoadRequest(
        columns=columns, projection=projection, partitions=partitions, progress=progress
    )


class SyncArrowExports(ExportsBase, SyncExplain):
    """Blocking analytics methods (``data_bridge.connect``, ``data_bridge.sync`` models)."""

    def to_arrow(
        self,
        *,
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
    ) -> pa.Table:
        """Run the query and return a ``pyarrow.Table`` (one chunk per record batch).

        Args:
            columns: Top-level fields to return; only they are decoded.
            partitions: Read N ``_id`` ranges concurrently (or the given ``[(lo, hi), ...]``
                ranges); rows come back in ``_id`` order.
            projection: ``"client"`` decodes only ``columns`` (default, faster on servers
                where projection is costly); ``"server"`` projects on the server.
            progress: Show a progress bar (``None``: follow ``data_bridge.options``).
            schema: Decode schema overriding the query's (the model's, or inference): a
                ``pyarrow.Schema`` or a dict spec of ``$type`` aliases.

        Example:
            >>> table = orders.find({"total": {"$gt": 10}}).to_arrow(partitions=4)  # doctest: +SKIP

        """
        require("pyarrow", purpose="to_arrow()")
        parts, select_after = load_sync(
            self._spec_with(schema), _request(columns, partitions, projection, progress)
        )
        return _arrow(parts, select_after)

    def to_pandas(
        self,
        *,
        dtype_backend: frames.DtypeBackend = "pyarrow",
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
        drift: frames.Drift | None = None,
    ) -> pd.DataFrame:
        """Run the query and return a pandas DataFrame (``pd.ArrowDtype`` columns by default).

        ``dtype_backend="numpy"`` gives numpy dtypes instead. ObjectIds are ``bson.ObjectId``
        values, decimals ``Decimal128``. A field stored with several types (``user.age``: ints
        and one ``"unknown"``) gets its most common type; the other values are null there and
        listed in ``frame.attrs["drift"]`` (row, ``_id``, type, value) with a ``DriftWarning``;
        ``drift="raw"`` (the default for an ``on_mismatch="raw"`` query) keeps the stored values
        instead. Other arguments as :meth:`to_arrow`.

        Example:
            >>> df = orders.find().to_pandas(columns=["total", "created"])  # doctest: +SKIP

        """
        require("pandas", purpose="to_pandas()")
        table = self.to_arrow(
            columns=columns,
            partitions=partitions,
            projection=projection,
            progress=progress,
            schema=schema,
        )
        return cast("pd.DataFrame", frames.to_pandas(table, dtype_backend, self._drift(drift)))

    def to_polars(
        self,
        *,
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
        drift: frames.Drift | None = None,
    ) -> pl.DataFrame:
        """Run the query and return a polars DataFrame (fixed-width buffers shared).

        ObjectIds are 24-character hex strings, decimals their exact text; drifted fields as in
        :meth:`to_pandas` (``drift="raw"``: each stored value as relaxed extended JSON text).

        Example:
            >>> orders.find().to_polars(columns=["total"])["total"].sum()  # doctest: +SKIP

        """
        require("polars", purpose="to_polars()")
        parts, select_after = load_sync(
            self._spec_with(schema), _request(columns, partitions, projection, progress)
        )
        return _polars(parts, select_after, self._drift(drift))

    def to_numpy(
        self, column: str, *, partitions: Partitions = None, progress: bool | None = None
    ) -> np.ndarray[Any, Any]:
        """Run the query for one numeric/bool/timestamp column and return it as a numpy array.

        Zero-copy when the result is one chunk without nulls; nulls in a float column are NaN,
        in an integer column they raise ``InvalidInput``.

        Example:
            >>> orders.find().to_numpy("total").mean()  # doctest: +SKIP

        """
        parts, _ = load_sync(self._read_spec(), _request([column], partitions, "client", progress))
        return _numpy(parts, column)

    def partitions(
        self, n: int | None = None, *, ranges: Sequence[parts_mod.Bound] | None = None
    ) -> list[parts_mod.Partition]:
        """Picklable descriptions of ``n`` ``_id`` ranges (or of ``ranges``), in ``_id`` order.

        Each :class:`~data_bridge.analytics.Partition` reads itself with ``.to_arrow()``,
        ``.to_pandas()`` or ``.to_polars()`` in any process (Dask, Ray, multiprocessing).

        Example:
            >>> parts = orders.find().partitions(8)  # doctest: +SKIP
            >>> ddf = dask.dataframe.from_map(Partition.to_pandas, parts)  # doctest: +SKIP

        """
        spec = self._read_spec()
        bounds = (
            parts_mod.normalise_ranges(ranges)
            if ranges is not None
            else parts_mod.plan_ranges_sync(spec, n or 1)
        )
        return parts_mod.describe_partitions(spec, bounds)

    def schema_report(self, sample_size: int | None = 1000) -> Any:
        """Infer the schema of (a sample of) the results and report its type conflicts.

        Example:
            >>> orders.find().schema_report().conflicts  # doctest: +SKIP
            [{'path': 'zip', 'types': {'int': 980, 'string': 20}}]

        """
        from data_bridge.analytics.describe import schema_report_sync

        return schema_report_sync(self._read_spec(), sample_size)


class ArrowExports(ExportsBase, AsyncExplain):
    """Awaitable analytics methods (``data_bridge.Document`` queries, ``connect_async``)."""

    async def to_arrow(
        self,
        *,
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
    ) -> pa.Table:
        """Run the query and return a ``pyarrow.Table``; see ``SyncArrowExports.to_arrow``.

        Partitions are read concurrently on the event loop (``asyncio.gather``).

        Example:
            >>> table = await User.find(User.age > 30).to_arrow()  # doctest: +SKIP

        """
        require("pyarrow", purpose="to_arrow()")
        parts, select_after = await load_async(
            self._spec_with(schema), _request(columns, partitions, projection, progress)
        )
        return _arrow(parts, select_after)

    async def to_pandas(
        self,
        *,
        dtype_backend: frames.DtypeBackend = "pyarrow",
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
        drift: frames.Drift | None = None,
    ) -> pd.DataFrame:
        """Run the query and return a pandas DataFrame; see ``SyncArrowExports.to_pandas``.

        Example:
            >>> df = await User.find().to_pandas(dtype_backend="numpy")  # doctest: +SKIP

        """
        require("pandas", purpose="to_pandas()")
        table = await self.to_arrow(
            columns=columns,
            partitions=partitions,
            projection=projection,
            progress=progress,
            schema=schema,
        )
        return cast("pd.DataFrame", frames.to_pandas(table, dtype_backend, self._drift(drift)))

    async def to_polars(
        self,
        *,
        columns: Sequence[str] | None = None,
        partitions: Partitions = None,
        projection: Projection = "client",
        progress: bool | None = None,
        schema: Any = None,
        drift: frames.Drift | None = None,
    ) -> pl.DataFrame:
        """Run the query and return a polars DataFrame; see ``SyncArrowExports.to_polars``.

        Example:
            >>> df = await User.find().to_polars()  # doctest: +SKIP

        """
        require("polars", purpose="to_polars()")
        parts, select_after = await load_async(
            self._spec_with(schema), _request(columns, partitions, projection, progress)
        )
        return _polars(parts, select_after, self._drift(drift))

    async def to_numpy(
        self, column: str, *, partitions: Partitions = None, progress: bool | None = None
    ) -> np.ndarray[Any, Any]:
        """Run the query for one column as a numpy array; see ``SyncArrowExports.to_numpy``.

        Example:
            >>> ages = await User.find().to_numpy("age")  # doctest: +SKIP

        """
        parts, _ = await load_async(
            self._read_spec(), _request([column], partitions, "client", progress)
        )
        return _numpy(parts, column)

    async def partitions(
        self, n: int | None = None, *, ranges: Sequence[parts_mod.Bound] | None = None
    ) -> list[parts_mod.Partition]:
        """Picklable ``_id``-range descriptions; see ``SyncArrowExports.partitions``.

        Example:
            >>> parts = await User.find().partitions(4)  # doctest: +SKIP

        """
        spec = self._read_spec()
        bounds = (
            parts_mod.normalise_ranges(ranges)
            if ranges is not None
            else await parts_mod.plan_ranges_async(spec, n or 1)
        )
        return parts_mod.describe_partitions(spec, bounds)

    async def schema_report(self, sample_size: int | None = 1000) -> Any:
        """Infer the schema and report its conflicts; see ``SyncArrowExports.schema_report``.

        Example:
            >>> (await User.find().schema_report()).conflicts  # doctest: +SKIP
            []

        """
        from data_bridge.analytics.describe import schema_report_async

        return await schema_report_async(self._read_spec(), sample_size)
