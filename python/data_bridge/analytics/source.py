"""What a query reads: one engine collection, a filter or a pipeline, options and a schema.

A :class:`ReadSpec` is the single description every export path runs from: materialised
(``find``/``aggregate``), lazy (``find_stream``/``aggregate_stream``), partitioned, or
sampled for a schema report. It holds no open cursor and can be re-run.

Example:
    >>> from data_bridge import _engine
    >>> coll = _engine.Client("mongodb://127.0.0.1:27117").database("shop").collection("orders")
    >>> spec = ReadSpec(coll, filter={"status": "paid"}, options={"sort": [("_id", 1)]})
    >>> spec.is_aggregate
    False
    >>> table = spec.read_sync()  # doctest: +SKIP

"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from data_bridge import _engine
from data_bridge.observability import querylog as _querylog

OnMismatch = Literal["error", "null", "raw"]
Projection = Literal["client", "server"]

# Options the engine accepts for find / aggregate (everything but schema, on_mismatch, session).
FIND_OPTIONS = frozenset(
    {
        "projection",
        "sort",
        "skip",
        "limit",
        "batch_size",
        "hint",
        "collation",
        "max_time_ms",
        "comment",
    }
)
AGGREGATE_OPTIONS = frozenset(
    {"allow_disk_use", "batch_size", "hint", "collation", "max_time_ms", "comment", "let"}
)

# Documents read to learn the types of requested columns when no schema is known.
COLUMN_SAMPLE_SIZE = 1000


@dataclasses.dataclass(frozen=True)
class ReadSpec:
    """A re-runnable read: ``find(filter, **options)`` or ``aggregate(pipeline, **options)``.

    Attributes:
        collection: The engine ``Collection``.
        filter: The find filter (ignored for aggregations).
        pipeline: Aggregation stages; ``None`` means a find.
        options: Engine options (``sort``, ``limit``, ``batch_size``, ...).
        schema: Decode schema (``__arrow_c_schema__`` object or ``$type`` dict spec), or
            ``None`` to infer it from every document read.
        on_mismatch: ``"error"`` raises on a value that does not fit the schema, ``"null"``
            stores null and counts it in ``Table.nulled``, ``"raw"`` is the lossless fallback:
            the load re-reads with each top-level field that held such a value decoded as raw
            BSON (every value as stored; see ``schemas.widen_schema``).
        session: An engine ``Session``.
        uri: The connection string, needed to describe partitions for other processes.

    Example:
        >>> ReadSpec(None, pipeline=[{"$match": {}}]).is_aggregate
        True

    """

    collection: Any
    filter: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    pipeline: Sequence[Mapping[str, Any]] | None = None
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    schema: Any = None
    on_mismatch: OnMismatch = "error"
    session: Any = None
    uri: str | None = None

    @property
    def is_aggregate(self) -> bool:
        """Whether this read is an aggregation pipeline."""
        return self.pipeline is not None

    @property
    def namespace(self) -> str:
        """``database.collection``."""
        full_name = getattr(self.collection, "full_name", None)
        return str(full_name) if full_name is not None else "?"

    def replace(self, **changes: Any) -> ReadSpec:
        """Return a copy with ``changes`` applied (options are merged, ``None`` removes one)."""
        if "options" in changes:
            merged = dict(self.options)
            for key, value in changes["options"].items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            changes["options"] = merged
        return dataclasses.replace(self, **changes)

    def engine_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the engine's find/aggregate methods."""
        allowed = AGGREGATE_OPTIONS if self.is_aggregate else FIND_OPTIONS
        kwargs = {k: v for k, v in self.options.items() if k in allowed and v is not None}
        kwargs["schema"] = self.schema
        # "raw" is carried out by the loader (widen and re-read); the engine raises for it.
        kwargs["on_mismatch"] = "error" if self.on_mismatch == "raw" else self.on_mismatch
        if self.session is not None:
            kwargs["session"] = self.session
        return kwargs

    def read_sync(self) -> _engine.Table:
        """Run the read, blocking (GIL released), and return every row in one ``Table``."""
        if _querylog.enabled:  # query logging: the one check paid when it is off
            from data_bridge.observability import runner

            return runner.read_sync(self)  # type: ignore[no-any-return]
        table: _engine.Table
        if self.pipeline is not None:
            table = self.collection.aggregate_sync(list(self.pipeline), **self.engine_kwargs())
        else:
            table = self.collection.find_sync(dict(self.filter), **self.engine_kwargs())
        return table

    async def read_async(self) -> _engine.Table:
        """Run the read on the running event loop and return every row in one ``Table``."""
        if _querylog.enabled:  # query logging: the one check paid when it is off
            from data_bridge.observability import runner

            return await runner.read_async(self)  # type: ignore[no-any-return]
        table: _engine.Table
        if self.pipeline is not None:
            table = await self.collection.aggregate(list(self.pipeline), **self.engine_kwargs())
        else:
            table = await self.collection.find(dict(self.filter), **self.engine_kwargs())
        return table

    def open_stream(self) -> _engine.RecordBatchStream:
        """Start the read lazily: no I/O until the first batch is pulled."""
        stream: _engine.RecordBatchStream
        if self.pipeline is not None:
            stream = self.collection.aggregate_stream(list(self.pipeline), **self.engine_kwargs())
        else:
            stream = self.collection.find_stream(dict(self.filter), **self.engine_kwargs())
        return stream

    def sample(self, size: int) -> ReadSpec:
        """Return the same read limited to its first ``size`` results (for schema sampling)."""
        if self.pipeline is not None:
            return self.replace(pipeline=[*self.pipeline, {"$limit": size}])
        limit = self.options.get("limit")
        return self.replace(options={"limit": min(size, limit) if limit else size})

    def count_sync(self) -> int | None:
        """Rows this read returns, when a count is cheap to ask (finds only)."""
        if self.pipeline is not None:
            return None
        return int(self.collection.count_documents_sync(dict(self.filter), **self._count_kwargs()))

    async def count_async(self) -> int | None:
        """Awaitable twin of :meth:`count_sync`."""
        if self.pipeline is not None:
            return None
        count = await self.collection.count_documents(dict(self.filter), **self._count_kwargs())
        return int(count)

    def _count_kwargs(self) -> dict[str, Any]:
        kwargs = {k: self.options.get(k) for k in ("skip", "limit", "hint", "collation")}
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        if self.session is not None:
            kwargs["session"] = self.session
        return kwargs

    def describe(self) -> dict[str, Any]:
        """Return a plain summary of the read (namespace, filter or pipeline, options, schema)."""
        summary: dict[str, Any] = {"namespace": self.namespace}
        if self.pipeline is not None:
            summary["pipeline"] = list(self.pipeline)
        else:
            summary["filter"] = dict(self.filter)
        summary.update({k: v for k, v in self.options.items() if v is not None})
        if self.schema is not None:
            summary["schema"] = self.schema
        return summary
