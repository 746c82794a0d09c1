"""Partitioned reads: a find split into ``_id`` ranges, read by N cursors at once.

Boundaries come from the lowest and highest ``_id`` (evenly spaced cut points between them for
number and date ids), else from ``$bucketAuto`` over ``_id`` (or, on a server without it,
``_id`` values at evenly spaced positions found with ``sort + skip``), or from the caller.
Each range is a :class:`Partition`: a plain, picklable description (URI, database,
collection, filter with the ``_id`` bounds, schema) that any process can read with its own
client — the unit Dask's ``from_map`` or Ray's ``remote`` functions take.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> parts = orders.find({"status": "paid"}).partitions(4)  # doctest: +SKIP
    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> df = dd.from_map(Partition.to_pandas, parts)  # doctest: +SKIP

"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import frames
from data_bridge.analytics.schemas import widen_schema
from data_bridge.analytics.source import ReadSpec

Bound = tuple[Any, Any]
"""``(lower, upper)``: ``lower <= _id < upper``; ``None`` leaves that side open."""

_CLIENTS: dict[tuple[int, str], _engine.Client] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(uri: str) -> _engine.Client:
    """One engine client per URI and process (a client made before ``fork`` is unusable after).

    Example:
        >>> client_for("mongodb://127.0.0.1:27117") is client_for("mongodb://127.0.0.1:27117")
        True

    """
    key = (os.getpid(), uri)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = _engine.Client(uri)
        return client


def bounded_filter(filter: Mapping[str, Any], lower: Any, upper: Any) -> dict[str, Any]:
    """``filter`` AND ``lower <= _id < upper`` (an open side adds no condition).

    Example:
        >>> bounded_filter({"a": 1}, 5, None)
        {'$and': [{'a': 1}, {'_id': {'$gte': 5}}]}

    """
    condition: dict[str, Any] = {}
    if lower is not None:
        condition["$gte"] = lower
    if upper is not None:
        condition["$lt"] = upper
    if not condition:
        return dict(filter)
    bound = {"_id": condition}
    if not filter:
        return bound
    return {"$and": [dict(filter), bound]}


def ranges_from_splits(splits: Sequence[Any]) -> list[Bound]:
    """Consecutive ranges covering everything, cut at ``splits`` (sorted, distinct).

    Example:
        >>> ranges_from_splits([10, 20])
        [(None, 10), (10, 20), (20, None)]

    """
    edges: list[Any] = [None, *splits, None]
    return list(itertools.pairwise(edges))


@dataclasses.dataclass(frozen=True)
class Partition:
    """One ``_id`` range of a find, readable by any process (pickle it, ship it).

    Attributes:
        uri: Connection string of the deployment.
        database: Database name.
        collection: Collection name.
        filter: The query's filter combined with the ``_id`` bounds.
        options: Engine find options (``projection``, ``batch_size``, ``hint``, ...).
        schema: Decode schema (dict spec or pyarrow schema), or ``None`` to infer.
        on_mismatch: ``"error"`` or ``"null"``.
        index: Position of this range (partitions are in ascending ``_id`` order).
        lower: Inclusive lower ``_id`` bound (``None``: open).
        upper: Exclusive upper ``_id`` bound (``None``: open).

    Example:
        >>> import pickle
        >>> p = Partition("mongodb://h", "db", "c", {"_id": {"$lt": 5}}, {}, None, "error", 0,
        ...               None, 5)
        >>> pickle.loads(pickle.dumps(p)) == p
        True

    """

    uri: str
    database: str
    collection: str
    filter: dict[str, Any]
    options: dict[str, Any]
    schema: Any
    on_mismatch: str
    index: int
    lower: Any
    upper: Any

    def read_spec(self) -> ReadSpec:
        """Return the read this partition stands for, on this process's client for ``uri``."""
        coll = client_for(self.uri).database(self.database).collection(self.collection)
        return ReadSpec(
            coll,
            filter=self.filter,
            options=self.options,
            schema=self.schema,
            on_mismatch=self.on_mismatch,  # type: ignore[arg-type]
            uri=self.uri,
        )

    def read(self) -> _engine.Table:
        """Read the range into an engine ``Table`` (blocking, GIL released).

        With ``on_mismatch="raw"``, a top-level field holding a value of another type than the
        schema's is re-read as a raw-BSON column (every value as stored) in this range.
        """
        spec = self.read_spec()
        while True:
            try:
                return spec.read_sync()
            except _engine.DecodeError as error:
                widened = None
                if spec.on_mismatch == "raw" and spec.schema is not None:
                    widened = widen_schema(spec.schema, str(getattr(error, "path", "")))
                if widened is None:
                    raise
                spec = spec.replace(schema=widened)

    def to_arrow(self) -> Any:
        """Read the range as a ``pyarrow.Table``."""
        return frames.arrow_table(self.read())

    def to_pandas(
        self, dtype_backend: frames.DtypeBackend = "pyarrow", drift: frames.Drift | None = None
    ) -> Any:
        """Read the range as a pandas DataFrame (for ``dask.dataframe.from_map``).

        ``drift`` as in ``to_pandas`` of a query (``"raw"`` for an ``on_mismatch="raw"`` read).
        """
        return frames.to_pandas(self.to_arrow(), dtype_backend, self._drift(drift))

    def to_polars(self, drift: frames.Drift | None = None) -> Any:
        """Read the range as a polars DataFrame."""
        return frames.to_polars(self.read(), self._drift(drift))

    def _drift(self, drift: frames.Drift | None) -> frames.Drift:
        if drift is not None:
            return drift
        return "raw" if self.read_spec().on_mismatch == "raw" else "split"


def _check_partitionable(spec: ReadSpec) -> None:
    if spec.is_aggregate:
        raise ValueError(
            "partitions= splits a find by _id ranges; an aggregation cannot be split this way "
            "(put a $match on _id ranges in the pipeline yourself)"
        )
    for option in ("skip", "limit"):
        if spec.options.get(option):
            raise ValueError(f"partitions= cannot be combined with {option}=")
    sort = spec.options.get("sort")
    if sort and list(dict(sort).items()) != [("_id", 1)]:
        raise ValueError("partitions= returns rows in _id order: it cannot honour sort=")
    if spec.session is not None:
        raise ValueError("partitions= reads with several cursors: it cannot use a session")


def _bucket_pipeline(spec: ReadSpec, n: int) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = []
    if spec.filter:
        stages.append({"$match": dict(spec.filter)})
    stages.append({"$bucketAuto": {"groupBy": "$_id", "buckets": n}})
    return stages


def _splits_from_buckets(buckets: Sequence[Mapping[str, Any]]) -> list[Any]:
    # Bucket i's max equals bucket i+1's min and is exclusive, except for the last bucket.
    return [bucket["_id"]["min"] for bucket in buckets[1:]]


def _skip_positions(count: int, n: int) -> list[int]:
    positions = sorted({count * i // n for i in range(1, n)})
    return [p for p in positions if 0 < p < count]


def interpolated_splits(lowest: Any, highest: Any, n: int) -> list[Any] | None:
    """Return ``n - 1`` evenly spaced cut points between two ``_id`` values (or ``None``).

    Only ids of one type that can be interpolated qualify: int, float, datetime. ObjectIds do
    not: a 5-byte random field sits between their seconds and their counter, so ids created
    around a second boundary are two clusters far apart and even cuts would miss both.

    Example:
        >>> interpolated_splits(0, 100, 4)
        [25, 50, 75]

    """
    if type(lowest) is not type(highest) or isinstance(lowest, bool):
        return None
    points: list[Any]
    if isinstance(lowest, int):
        points = [lowest + (highest - lowest) * i // n for i in range(1, n)]
    elif isinstance(lowest, (float, datetime.datetime)):
        points = [lowest + (highest - lowest) * i / n for i in range(1, n)]
    else:
        return None
    distinct: list[Any] = []
    for point in points:
        if lowest < point <= highest and (not distinct or point > distinct[-1]):
            distinct.append(point)
    return distinct


def _edge_query(spec: ReadSpec, direction: int) -> tuple[dict[str, Any], dict[str, Any]]:
    return dict(spec.filter), {"sort": [("_id", direction)], "limit": 1}


def _interpolable(value: Any) -> bool:
    return isinstance(value, (int, float, datetime.datetime)) and not isinstance(value, bool)


def plan_ranges_sync(spec: ReadSpec, n: int) -> list[Bound]:
    """Plan ``n`` ``_id`` ranges covering ``spec``'s documents (fewer if there are fewer ids).

    Number and date ids: the lowest and highest ``_id`` (index lookups on mongod) and evenly
    spaced cut points between them. Other ids (ObjectIds, strings): ``$bucketAuto`` on ``_id``
    (one server pass, exactly balanced); on a server without it, the ids at evenly spaced
    positions (``sort + skip``).
    """
    _check_partitionable(spec)
    if n <= 1:
        return [(None, None)]
    coll = spec.collection
    query, options = _edge_query(spec, 1)
    lowest = [row["_id"] for row in coll.find_raw_sync(query, **options)]
    if not lowest:
        return [(None, None)]
    if _interpolable(lowest[0]):
        query, options = _edge_query(spec, -1)
        highest = [row["_id"] for row in coll.find_raw_sync(query, **options)]
        splits = interpolated_splits(lowest[0], highest[0], n) if highest else None
        if splits is not None:
            return ranges_from_splits(splits)
    try:
        buckets = coll.aggregate_raw_sync(_bucket_pipeline(spec, n))
        return ranges_from_splits(_splits_from_buckets(buckets))
    except _engine.OperationFailure:
        count = coll.count_documents_sync(dict(spec.filter))
        found: list[Any] = []
        for position in _skip_positions(count, n):
            rows = coll.find_raw_sync(dict(spec.filter), sort=[("_id", 1)], skip=position, limit=1)
            found.extend(row["_id"] for row in rows)
        return ranges_from_splits(_distinct_sorted(found))


async def plan_ranges_async(spec: ReadSpec, n: int) -> list[Bound]:
    """Awaitable twin of :func:`plan_ranges_sync`."""
    _check_partitionable(spec)
    if n <= 1:
        return [(None, None)]
    coll = spec.collection
    query, options = _edge_query(spec, 1)
    lowest = [row["_id"] for row in await coll.find_raw(query, **options)]
    if not lowest:
        return [(None, None)]
    if _interpolable(lowest[0]):
        query, options = _edge_query(spec, -1)
        highest = [row["_id"] for row in await coll.find_raw(query, **options)]
        splits = interpolated_splits(lowest[0], highest[0], n) if highest else None
        if splits is not None:
            return ranges_from_splits(splits)
    try:
        buckets = await coll.aggregate_raw(_bucket_pipeline(spec, n))
        return ranges_from_splits(_splits_from_buckets(buckets))
    except _engine.OperationFailure:
        count = await coll.count_documents(dict(spec.filter))
        found: list[Any] = []
        for position in _skip_positions(count, n):
            rows = await coll.find_raw(dict(spec.filter), sort=[("_id", 1)], skip=position, limit=1)
            found.extend(row["_id"] for row in rows)
        return ranges_from_splits(_distinct_sorted(found))


def _distinct_sorted(ids: list[Any]) -> list[Any]:
    distinct: list[Any] = []
    for value in ids:
        if not distinct or value != distinct[-1]:
            distinct.append(value)
    return distinct


def normalise_ranges(ranges: Sequence[Bound]) -> list[Bound]:
    """User-given ranges sorted by lower bound (open lower first).

    Example:
        >>> normalise_ranges([(5, None), (None, 5)])
        [(None, 5), (5, None)]

    """
    checked = []
    for item in ranges:
        if len(item) != 2:
            raise ValueError(f"a range is (lower, upper), got {item!r}")
        checked.append((item[0], item[1]))
    return sorted(checked, key=lambda r: (r[0] is not None, r[0] if r[0] is not None else 0))


def range_specs(spec: ReadSpec, ranges: Sequence[Bound]) -> list[ReadSpec]:
    """One read per range, each returning its rows in ``_id`` order."""
    return [
        spec.replace(
            filter=bounded_filter(spec.filter, lower, upper),
            options={"sort": [("_id", 1)]},
        )
        for lower, upper in ranges
    ]


def describe_partitions(spec: ReadSpec, ranges: Sequence[Bound]) -> list[Partition]:
    """Picklable :class:`Partition` descriptions of ``spec`` cut at ``ranges``."""
    if spec.uri is None:
        raise ValueError(
            "partitions for other processes need the connection string: use "
            "data_bridge.connect(uri) or init the model with connection_string="
        )
    schema = spec.schema
    if schema is not None and not isinstance(schema, Mapping):
        # Engine schemas do not pickle; pyarrow schemas do.
        from data_bridge.analytics.schemas import arrow_schema

        schema = arrow_schema(schema)
    database = spec.collection.database.name
    collection = spec.collection.name
    partitions = []
    for index, (lower, upper) in enumerate(ranges):
        bounded = spec.replace(
            filter=bounded_filter(spec.filter, lower, upper),
            options={"sort": [("_id", 1)]},
        )
        options = {k: v for k, v in bounded.options.items() if v is not None}
        partitions.append(
            Partition(
                uri=spec.uri,
                database=database,
                collection=collection,
                filter=dict(bounded.filter),
                options=options,
                schema=schema,
                on_mismatch=spec.on_mismatch,
                index=index,
                lower=lower,
                upper=upper,
            )
        )
    return partitions
