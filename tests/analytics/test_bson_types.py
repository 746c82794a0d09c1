"""BSON-only types read as people expect: ObjectId / Decimal128 / ... in pandas and numpy,
readable text in polars, while ``to_arrow()`` still shares the engine's buffers."""

from __future__ import annotations

import re
from typing import Any

import bson
import data_bridge
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pymongo
import pytest
from bson import Binary, Code, Decimal128, MaxKey, MinKey, ObjectId, Regex, Timestamp
from data_bridge.analytics import frames

from .conftest import resolve

N = 500


@pytest.fixture(scope="module")
def orders(raw_db: pymongo.database.Database) -> list[dict[str, Any]]:
    """Orders with ObjectIds (top level and nested), decimals and a few exotic BSON types."""
    docs = [
        {
            "_id": ObjectId(),
            "n": i,
            "price": Decimal128(f"{i}.25"),
            "customer": {"ref": ObjectId(), "name": f"c{i}"},
            "lines": [{"sku": ObjectId()}],
        }
        for i in range(N)
    ]
    raw_db.orders.drop()
    raw_db.orders.insert_many(docs)
    return docs


async def test_pandas_gives_objectids_and_decimals(
    api: Any, db_name: str, orders: list[dict[str, Any]]
) -> None:
    q = api[db_name]["orders"].find({}, sort=[("_id", 1)])
    for backend in ("pyarrow", "numpy"):
        df = await resolve(q.to_pandas(dtype_backend=backend))
        assert df.columns.tolist() == ["_id", "n", "price", "customer", "lines"]
        assert df["_id"].tolist() == [d["_id"] for d in orders]
        assert all(type(v) is ObjectId for v in df["_id"])
        assert df["price"].tolist() == [d["price"] for d in orders]
        assert df["customer"].tolist() == [d["customer"] for d in orders]  # nested ObjectIds too
        assert df["lines"].tolist() == [d["lines"] for d in orders]
        first = orders[0]["_id"]
        assert df[df["_id"] == first]["n"].tolist() == [0]  # comparable with an ObjectId
    # Columns without BSON-only types keep their Arrow dtype (zero-copy).
    df = await resolve(q.to_pandas())
    assert isinstance(df["n"].dtype, pd.ArrowDtype)


async def test_arrow_stays_zero_copy_with_extension_types(
    sync_client: Any, db_name: str, orders: list[dict[str, Any]]
) -> None:
    engine_table = sync_client[db_name]["orders"].find({}).stream().read_all()
    first = frames.arrow_table(engine_table)
    second = frames.arrow_table(engine_table)
    id_type = first.schema.field("_id").type
    assert isinstance(id_type, pa.ExtensionType)
    assert (id_type.extension_name, id_type.storage_type) == ("data_bridge.objectid", pa.binary(12))
    # The extension type wraps the engine's storage: both imports see the same memory.
    for name in ("_id", "price"):
        a = [c.storage.buffers()[1].address for c in first.column(name).chunks]
        b = [c.storage.buffers()[1].address for c in second.column(name).chunks]
        assert a == b
    assert set(first.column("_id").to_pylist()) == {d["_id"] for d in orders}


async def test_polars_shows_objectid_hex_and_decimal_text(
    api: Any, db_name: str, orders: list[dict[str, Any]]
) -> None:
    q = api[db_name]["orders"].find({}, sort=[("_id", 1)])
    frame = await resolve(q.to_polars())
    assert frame.schema["_id"] == pl.String
    assert frame["_id"].to_list() == [str(d["_id"]) for d in orders]
    assert frame["price"].to_list() == [str(d["price"]) for d in orders]
    assert frame["customer"].struct.field("ref").to_list() == [
        str(d["customer"]["ref"]) for d in orders
    ]
    assert frame["lines"].to_list() == [[{"sku": str(d["lines"][0]["sku"])}] for d in orders]
    assert frame["n"].to_list() == list(range(N))


async def test_numpy_gives_objectids(api: Any, db_name: str, orders: list[dict[str, Any]]) -> None:
    q = api[db_name]["orders"].find({}, sort=[("_id", 1)])
    ids = await resolve(q.to_numpy("_id"))
    assert ids.dtype == np.dtype(object)
    assert ids.tolist() == [d["_id"] for d in orders]
    prices = await resolve(q.to_numpy("price"))
    assert prices.tolist() == [d["price"] for d in orders]


async def test_arrow_table_with_extension_types_writes_back_as_bson_types(
    api: Any, db_name: str, orders: list[dict[str, Any]], raw_db: pymongo.database.Database
) -> None:
    table = await resolve(api[db_name]["orders"].find({}).to_arrow())
    raw_db.orders_copy.drop()
    target = api[db_name]["orders_copy"]
    await resolve(data_bridge.write(target, table))
    copied = {d["_id"]: d for d in raw_db.orders_copy.find()}
    assert copied == {d["_id"]: d for d in orders}  # ObjectIds and decimals, not bytes


EVERY = {
    "oid": ObjectId(b"abcdefghijkl"),
    "dec": Decimal128("-1.5E+10"),
    "regex": Regex("^a.*", "im"),
    "ts": Timestamp(1_700_000_000, 7),
    "code": Code("function () { return 1; }"),
    "scope": Code("x", {"x": 1}),
    "bin": Binary(b"\x01\x02", 128),
    "min": MinKey(),
    "max": MaxKey(),
    "mixed": 1,
}


async def test_every_bson_type_reads_as_pymongo_in_pandas(
    api: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    raw_db.every.drop()
    raw_db.every.insert_many([{**EVERY, "_id": 1}, {**EVERY, "_id": 2, "mixed": "one"}])
    q = api[db_name]["every"].find({}, sort=[("_id", 1)])
    df = await resolve(q.to_pandas(drift="raw"))  # "mixed" as stored (drift: test_drift_frames)
    stored = list(raw_db.every.find({}, sort=[("_id", 1)]))
    for column in EVERY:
        assert df[column].tolist() == [d[column] for d in stored], column
    assert df["mixed"].tolist() == [1, "one"]
    assert isinstance(df["regex"][0], Regex)
    assert re.compile(df["regex"][0].pattern).match("abc")
    assert bson.encode({"v": df["ts"][0]}) == bson.encode({"v": EVERY["ts"]})
