"""Writes from frames: pyarrow, pandas and polars in, pymongo reads back exactly what went in."""

from __future__ import annotations

import datetime
from typing import Any

import data_bridge
import pandas as pd
import polars as pl
import pyarrow as pa
import pymongo
import pytest
from bson import ObjectId
from data_bridge.analytics import AsyncQuery
from data_bridge.analytics.write import object_id_array

from .conftest import reference_docs, resolve


def _write(api: Any, coll: Any, data: Any, **kwargs: Any) -> Any:
    """``write`` through the API flavour under test (blocking or awaitable)."""
    if api._query_cls is AsyncQuery:
        return data_bridge.write_async(coll, data, **kwargs)
    return data_bridge.write(coll, data, **kwargs)


@pytest.fixture
def target(raw_db: pymongo.database.Database) -> pymongo.collection.Collection:
    raw_db.written.drop()
    return raw_db.written


def _frame_rows() -> dict[str, list[Any]]:
    docs = reference_docs(500, seed=3)
    return {
        "name": [d["name"] for d in docs],
        "age": [d["age"] for d in docs],
        "score": [d["score"] for d in docs],
        "active": [d["active"] for d in docs],
        "created": [d["created"] for d in docs],
        "tags": [d["tags"] for d in docs],
    }


def _assert_round_trip(target: pymongo.collection.Collection, rows: dict[str, list]) -> None:
    stored = list(target.find({}, sort=[("_id", 1)]))
    assert len(stored) == len(rows["name"])
    for key, values in rows.items():
        assert [doc[key] for doc in stored] == values, key


async def test_write_pyarrow_round_trip(api: Any, db_name: str, target: Any) -> None:
    rows = _frame_rows()
    table = pa.table(rows)
    result = await resolve(_write(api, api[db_name]["written"], table))
    assert result.inserted_count == 500
    assert len(result.inserted_ids) == 500
    _assert_round_trip(target, rows)
    # The generated ids are the stored ones, in row order (ObjectIds ascend within a write).
    stored_ids = [d["_id"] for d in target.find({}, {"_id": 1}, sort=[("_id", 1)])]
    assert result.object_ids() == stored_ids


async def test_write_polars_round_trip(api: Any, db_name: str, target: Any) -> None:
    rows = _frame_rows()
    frame = pl.DataFrame(rows)
    result = await resolve(_write(api, api[db_name]["written"], frame))
    assert result.inserted_count == 500
    _assert_round_trip(target, rows)


async def test_write_pandas_round_trip(api: Any, db_name: str, target: Any) -> None:
    rows = _frame_rows()
    frame = pd.DataFrame(rows)
    result = await resolve(_write(api, api[db_name]["written"], frame))
    assert result.inserted_count == 500
    _assert_round_trip(target, rows)


async def test_read_write_read_round_trip(
    api: Any, db_name: str, people: list[dict], target: Any
) -> None:
    table = await resolve(api[db_name]["people"].find({}, sort=[("_id", 1)]).to_arrow())
    result = await resolve(_write(api, api[db_name]["written"], table))
    assert result.inserted_count == len(people)
    assert result.inserted_ids is None  # the table carried its own _id column
    assert list(target.find({}, sort=[("_id", 1)])) == people


async def test_write_keeps_given_ids_and_reports_duplicates(
    api: Any, db_name: str, target: Any
) -> None:
    ids = [ObjectId() for _ in range(3)]
    table = pa.table(
        {
            "_id": pa.array([i.binary for i in ids], pa.binary(12)),
            "x": [1, 2, 3],
        }
    ).cast(
        pa.schema(
            [
                pa.field(
                    "_id", pa.binary(12), metadata={"ARROW:extension:name": "data_bridge.objectid"}
                ),
                pa.field("x", pa.int64()),
            ]
        )
    )
    await resolve(_write(api, api[db_name]["written"], table))
    assert [d["_id"] for d in target.find({}, sort=[("_id", 1)])] == ids
    with pytest.raises(data_bridge._engine.DataBridgeError):
        await resolve(_write(api, api[db_name]["written"], table))


def test_write_nulls_are_omitted_or_kept(sync_client: Any, db_name: str, target: Any) -> None:
    table = pa.table({"a": [1, None], "b": ["x", None]})
    data_bridge.write(sync_client[db_name]["written"], table)
    stored = list(target.find({}, {"_id": 0}, sort=[("_id", 1)]))
    assert stored == [{"a": 1, "b": "x"}, {}]
    target.delete_many({})
    data_bridge.write(sync_client[db_name]["written"], table, keep_nulls=True)
    stored = list(target.find({}, {"_id": 0}, sort=[("_id", 1)]))
    assert stored == [{"a": 1, "b": "x"}, {"a": None, "b": None}]


def test_write_without_id_generation(sync_client: Any, db_name: str, target: Any) -> None:
    result = data_bridge.write(
        sync_client[db_name]["written"], pa.table({"a": [1, 2]}), generate_ids=False
    )
    assert result.inserted_count == 2
    assert result.inserted_ids is None
    assert result.object_ids() == []
    assert target.count_documents({}) == 2


def test_object_id_array_layout() -> None:
    before = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    ids = [ObjectId(b) for b in object_id_array(1000).to_pylist()]
    assert len(set(ids)) == 1000
    assert all(abs(int(i.generation_time.timestamp()) - before) <= 2 for i in ids)


def test_write_rejects_unknown_target() -> None:
    with pytest.raises(TypeError, match="collection"):
        data_bridge.write("orders", pa.table({"a": [1]}))
