"""Analytics without a model: ``data_bridge.connect(uri)["db"]["orders"].find({...})``.

``connect`` gives blocking queries (``q.to_arrow()``), like ``data_bridge.sync`` models;
``connect_async`` gives awaitable ones (``await q.to_arrow()``), like ``data_bridge.Document``.
The method names are the same in both; only the waiting differs.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> q = orders.find({"status": "paid"}, sort=[("_id", 1)])
    >>> df = q.to_pandas()  # doctest: +SKIP
    >>> import duckdb  # doctest: +SKIP
    >>> duckdb.sql("select status, sum(total) from q group by all")  # lazy  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from data_bridge import _engine
from data_bridge.analytics import html
from data_bridge.analytics.distributed import DaskExport
from data_bridge.analytics.exports import ArrowExports, SyncArrowExports
from data_bridge.analytics.source import OnMismatch, ReadSpec

Q = TypeVar("Q", "Query", "AsyncQuery")


class _QueryBase:
    def __init__(self, spec: ReadSpec) -> None:
        self._spec = spec

    def _read_spec(self) -> ReadSpec:
        return self._spec

    @property
    def spec(self) -> ReadSpec:
        """What this query reads."""
        return self._spec

    def __repr__(self) -> str:
        kind = "aggregate" if self._spec.is_aggregate else "find"
        return f"{type(self).__name__}({kind} on {self._spec.namespace})"


class Query(_QueryBase, SyncArrowExports, DaskExport):
    """A blocking find or aggregation, and a lazy Arrow stream (``__arrow_c_stream__``).

    Methods: ``to_arrow()``, ``to_pandas()``, ``to_polars()``, ``to_numpy(col)``,
    ``stream()``, ``partitions(n)``, ``to_dask(npartitions=n)``, ``schema_report()``. DuckDB,
    polars and pyarrow read the query itself batch by batch.

    Example:
        >>> q = orders.find({"total": {"$gt": 10}})
        >>> table = q.to_arrow(columns=["total"])  # doctest: +SKIP

    """


class AsyncQuery(_QueryBase, ArrowExports, DaskExport):
    """An awaitable find or aggregation: ``await q.to_arrow()`` and the rest (see ``Query``).

    Example:
        >>> table = await orders.find().to_arrow(partitions=4)  # doctest: +SKIP

    """


class Collection(Generic[Q]):
    """A collection for analytics: ``find``/``aggregate`` return query objects (no I/O).

    ``engine`` is the underlying engine collection, for every other operation.

    Example:
        >>> orders.find({"status": "paid"}).to_polars()  # doctest: +SKIP

    """

    def __init__(self, engine: _engine.Collection, uri: str, query_cls: type[Q]) -> None:
        self.engine = engine
        self.uri = uri
        self._query_cls: type[Q] = query_cls

    @property
    def name(self) -> str:
        """The collection name."""
        return self.engine.name

    @property
    def full_name(self) -> str:
        """``database.collection``."""
        return self.engine.full_name

    def _read_spec(self) -> ReadSpec:
        return ReadSpec(self.engine, uri=self.uri)

    def find(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        schema: Any = None,
        on_mismatch: OnMismatch = "error",
        session: Any = None,
        **options: Any,
    ) -> Q:
        """Return a find over this collection (no I/O until a result is asked for).

        Args:
            filter: Query filter (``{"total": {"$gt": 10}}``).
            schema: Decode schema (``pyarrow.Schema``, engine ``Schema`` or a dict spec of
                ``$type`` aliases); ``None`` infers it from every document read — a field with
                mixed types becomes a lossless raw-BSON column, never nulls.
            on_mismatch: With a schema: ``"error"`` raises on a value of another type,
                ``"null"`` stores null and counts it, ``"raw"`` reads each field that held
                one as a raw-BSON column instead (lossless: every value as stored).
            session: An engine session.
            **options: ``sort``, ``skip``, ``limit``, ``batch_size``, ``projection``, ``hint``,
                ``collation``, ``max_time_ms``, ``comment``.

        Example:
            >>> orders.find({"status": "paid"}, sort=[("created", -1)], limit=100)  # doctest: +SKIP

        """
        spec = ReadSpec(
            self.engine,
            filter=dict(filter or {}),
            options=options,
            schema=schema,
            on_mismatch=on_mismatch,
            session=session,
            uri=self.uri,
        )
        query: Q = self._query_cls(spec)
        return query

    def aggregate(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        schema: Any = None,
        on_mismatch: OnMismatch = "error",
        session: Any = None,
        **options: Any,
    ) -> Q:
        """Return an aggregation over this collection (no I/O until a result is asked for).

        Options: ``allow_disk_use``, ``batch_size``, ``hint``, ``collation``, ``max_time_ms``,
        ``comment``, ``let``; ``schema`` and ``on_mismatch`` as for :meth:`find`.

        Example:
            >>> pipeline = [{"$group": {"_id": "$status", "n": {"$sum": 1}}}]
            >>> orders.aggregate(pipeline).to_pandas()  # doctest: +SKIP

        """
        spec = ReadSpec(
            self.engine,
            pipeline=[dict(stage) for stage in pipeline],
            options=options,
            schema=schema,
            on_mismatch=on_mismatch,
            session=session,
            uri=self.uri,
        )
        query: Q = self._query_cls(spec)
        return query

    def __repr__(self) -> str:
        return f"Collection({self.full_name!r})"

    def _repr_html_(self) -> str:
        return html.mapping_html("Collection", {"namespace": self.full_name})


class Database(Generic[Q]):
    """A database for analytics; ``db["orders"]`` is a :class:`Collection`.

    Example:
        >>> db = data_bridge.connect(uri)["shop"]  # doctest: +SKIP
        >>> db["orders"].find().to_arrow()  # doctest: +SKIP

    """

    def __init__(self, engine: _engine.Database, uri: str, query_cls: type[Q]) -> None:
        self.engine = engine
        self.uri = uri
        self._query_cls: type[Q] = query_cls

    @property
    def name(self) -> str:
        """The database name."""
        return self.engine.name

    def collection(self, name: str) -> Collection[Q]:
        """Return the collection ``name`` (no I/O)."""
        return Collection(self.engine.collection(name), self.uri, self._query_cls)

    def __getitem__(self, name: str) -> Collection[Q]:
        return self.collection(name)

    def __repr__(self) -> str:
        return f"Database({self.name!r})"


class Client(Generic[Q]):
    """A connection for analytics; ``client["shop"]`` is a :class:`Database`.

    Example:
        >>> client = data_bridge.connect("mongodb://127.0.0.1:27117")
        >>> client["shop"]["orders"]
        Collection('shop.orders')

    """

    def __init__(self, uri: str, query_cls: type[Q], **client_options: Any) -> None:
        self.uri = uri
        self.engine = _engine.Client(uri, **client_options)
        self._query_cls: type[Q] = query_cls

    def database(self, name: str) -> Database[Q]:
        """Return the database ``name`` (no I/O)."""
        return Database(self.engine.database(name), self.uri, self._query_cls)

    def __getitem__(self, name: str) -> Database[Q]:
        return self.database(name)

    def __repr__(self) -> str:
        return f"Client({self.uri!r})"


def connect(uri: str, **client_options: Any) -> Client[Query]:
    """Connect for blocking analytics: queries run when ``to_arrow()`` & co. are called.

    Args:
        uri: ``mongodb://`` or ``mongodb+srv://`` connection string.
        **client_options: Engine client options (``app_name``, ``max_pool_size``, ...).

    Example:
        >>> orders = connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
        >>> orders.find({"status": "paid"}).to_pandas()  # doctest: +SKIP

    """
    return Client(uri, Query, **client_options)


def connect_async(uri: str, **client_options: Any) -> Client[AsyncQuery]:
    """Connect for awaitable analytics: ``await q.to_arrow()`` & co.

    Example:
        >>> orders = connect_async("mongodb://127.0.0.1:27117")["shop"]["orders"]
        >>> table = await orders.find().to_arrow()  # doctest: +SKIP

    """
    return Client(uri, AsyncQuery, **client_options)
