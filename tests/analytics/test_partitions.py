"""Partitioned reads: ``_id`` ranges read concurrently, in order, complete, picklable."""

from __future__ import annotations

import pickle
from typing import Any

import pyarrow as pa
import pymongo
import pytest
from bson import ObjectId
from data_bridge.analytics import Partition
from data_bridge.analytics.partitions import bounded_filter, ranges_from_splits

from .conftest import N_DOCS, resolve


@pytest.mark.parametrize("n", [1, 3, 8])
async def test_partitioned_read_is_complete_and_in_id_order(
    api: Any, db_name: str, people: list[dict], n: int
) -> None:
    q = api[db_name]["people"].find({})
    table = await resolve(q.to_arrow(partitions=n))
    ids = table.column("_id").to_pylist()
    assert ids == [d["_id"] for d in people]  # people are in ascending _id order
    assert table.column("age").to_pylist() == [d["age"] for d in people]


async def test_partitions_with_filter_and_columns(
    api: Any, db_name: str, people: list[dict]
) -> None:
    q = api[db_name]["people"].find({"active": True})
    table = await resolve(q.to_arrow(partitions=4, columns=["_id", "score"]))
    expected = [d for d in people if d["active"]]
    assert table.column_names == ["_id", "score"]
    assert table.column("score").to_pylist() == [d["score"] for d in expected]


async def test_partitions_to_pandas_and_polars(api: Any, db_name: str, people: list) -> None:
    q = api[db_name]["people"].find({})
    df = await resolve(q.to_pandas(partitions=3))
    assert len(df) == N_DOCS
    frame = await resolve(q.to_polars(partitions=3))
    assert frame["name"].to_list() == [d["name"] for d in people]
    ages = await resolve(q.to_numpy("age", partitions=3))
    assert ages.tolist() == [d["age"] for d in people]


async def test_user_given_ranges(api: Any, db_name: str, people: list[dict]) -> None:
    split = people[1000]["_id"]
    q = api[db_name]["people"].find({})
    table = await resolve(q.to_arrow(partitions=[(split, None), (None, split)]))
    assert table.column("_id").to_pylist() == [d["_id"] for d in people]


async def test_partitions_reject_what_they_cannot_honour(
    api: Any, db_name: str, people: list
) -> None:
    coll = api[db_name]["people"]
    with pytest.raises(ValueError, match="limit"):
        await resolve(coll.find({}, limit=5).to_arrow(partitions=2))
    with pytest.raises(ValueError, match="sort"):
        await resolve(coll.find({}, sort=[("age", 1)]).to_arrow(partitions=2))
    with pytest.raises(ValueError, match="aggregation"):
        await resolve(coll.aggregate([{"$match": {}}]).to_arrow(partitions=2))


async def test_partition_descriptions_pickle_and_read_anywhere(
    api: Any, db_name: str, people: list[dict]
) -> None:
    parts = await resolve(api[db_name]["people"].find({"age": {"$gte": 50}}).partitions(4))
    assert 2 <= len(parts) <= 4
    assert [p.index for p in parts] == list(range(len(parts)))
    restored = pickle.loads(pickle.dumps(parts))
    assert restored == parts
    tables = [p.to_arrow() for p in restored]
    # Without a schema an empty range has no columns at all: skip those.
    ids = [i for t in tables if t.num_rows for i in t.column("_id").to_pylist()]
    assert ids == [d["_id"] for d in people if d["age"] >= 50]


def test_partitions_with_schema_pickle(sync_client: Any, db_name: str, people: list) -> None:
    schema = pa.schema({"_id": pa.binary(12), "age": pa.int64()})
    q = sync_client[db_name]["people"].find({}, schema={"age": "long"})
    parts = q.partitions(2)
    assert pickle.loads(pickle.dumps(parts))[0].schema == {"age": "long"}
    q2 = sync_client[db_name]["people"].find({}, schema=schema)
    part = pickle.loads(pickle.dumps(q2.partitions(2)))[1]
    assert part.to_arrow().schema.names == ["_id", "age"]


def test_dask_recipe(sync_client: Any, db_name: str, people: list[dict]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    import dask

    parts = sync_client[db_name]["people"].find({}, schema={"age": "long", "score": "double"})
    ddf = dd.from_map(Partition.to_pandas, parts.partitions(4))
    with dask.config.set(scheduler="synchronous"):
        total = ddf["age"].sum().compute()
        count = len(ddf)
    assert total == sum(d["age"] for d in people)
    assert count == N_DOCS


def test_partitions_unify_mixed_inferred_types(
    sync_client: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    raw_db.mixed.drop()
    # Low ids hold int32 values, high ids int64 and, once, a string: each partition infers
    # its own schema; the result must hold every value exactly.
    docs = [{"_id": i, "v": i} for i in range(100)]
    docs += [{"_id": 100 + i, "v": 2**40 + i} for i in range(100)]
    docs.append({"_id": 500, "v": "text", "w": 1.5})
    raw_db.mixed.insert_many(docs)
    table = (
        sync_client[db_name]["mixed"]
        .find({})
        .to_arrow(partitions=[(None, 100), (100, 300), (300, None)])
    )
    assert table.num_rows == len(docs)
    assert table.column("_id").to_pylist() == [d["_id"] for d in docs]
    values = table.column("v")
    # "v" holds ints and a string: a lossless raw-BSON column, nothing nulled.
    assert values.null_count == 0
    assert table.column("w").to_pylist()[-1] == 1.5


def test_range_helpers() -> None:
    assert ranges_from_splits([]) == [(None, None)]
    oid = ObjectId()
    assert bounded_filter({}, None, oid) == {"_id": {"$lt": oid}}
    assert bounded_filter({}, None, None) == {}


def test_interpolated_splits() -> None:
    from data_bridge.analytics.partitions import interpolated_splits

    assert interpolated_splits(0, 10, 3) == [3, 6]
    assert interpolated_splits(0, 2, 8) == [1]  # never more cut points than ids allow
    assert interpolated_splits("a", "z", 3) is None  # strings: ask the server instead
    assert interpolated_splits(1, 2.0, 2) is None
    assert interpolated_splits(ObjectId(), ObjectId(), 2) is None  # the server's buckets instead


async def test_partitions_over_string_ids_use_server_buckets(
    api: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    raw_db.named.drop()
    docs = [{"_id": f"key{i:05d}", "v": i} for i in range(1000)]
    raw_db.named.insert_many(docs)
    q = api[db_name]["named"].find({"v": {"$gte": 100}})
    parts = await resolve(q.partitions(4))
    assert len(parts) >= 2
    assert all(isinstance(p.lower or p.upper, str) for p in parts)
    table = await resolve(q.to_arrow(partitions=4))
    assert table.column("_id").to_pylist() == [d["_id"] for d in docs if d["v"] >= 100]


def test_bucket_auto_boundaries_cover_everything(
    sync_client: Any, db_name: str, people: list[dict]
) -> None:
    from data_bridge.analytics.partitions import (
        _bucket_pipeline,
        _splits_from_buckets,
        range_specs,
    )

    q = sync_client[db_name]["people"].find({"active": True})
    spec = q.spec
    buckets = spec.collection.aggregate_raw_sync(_bucket_pipeline(spec, 4))
    ranges = ranges_from_splits(_splits_from_buckets(buckets))
    assert len(ranges) == 4
    ids = [i for s in range_specs(spec, ranges) for i in s.read_sync().column("_id")]
    assert ids == [d["_id"] for d in people if d["active"]]


@pytest.mark.slow
def test_ray_recipe(sync_client: Any, db_name: str, people: list[dict]) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:

        @ray.remote
        def read(part: Partition) -> pa.Table:
            return part.to_arrow()

        q = sync_client[db_name]["people"].find({}, schema={"_id": "objectId", "age": "long"})
        tables = ray.get([read.remote(p) for p in q.partitions(3)])
    finally:
        ray.shutdown()
    table = pa.concat_tables(tables)
    assert table.column("_id").to_pylist() == [d["_id"] for d in people]
    assert table.column("age").to_pylist() == [d["age"] for d in people]
