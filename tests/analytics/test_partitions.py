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
    assert ids == [d["_id"].binary for d in people]  # people are in ascending _id order
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
    assert table.column("_id").to_pylist() == [d["_id"].binary for d in people]


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
    ids = [i for t in tables for i in t.column("_id").to_pylist()]
    assert ids == [d["_id"].binary for d in people if d["age"] >= 50]


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
