"""The whole road in one test module: server -> Rust (raw BSON -> Arrow) -> Python, zero-copy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import polars as pl
import pyarrow as pa
import pytest
from bson import ObjectId
from data_bridge import _engine

ROWS = 2_000


@pytest.fixture(scope="module")
async def collection(mongodb_uri: str, db_name: str) -> AsyncIterator[_engine.Collection]:
    client = _engine.Client(mongodb_uri)
    coll = client.database(db_name).collection("slice")
    docs = [
        {
            "_id": ObjectId(),
            "name": f"user{i}",
            "age": i % 90,
            "score": i / 7,
            "created": datetime(2026, 1, 1, 0, 0, i % 60),
        }
        for i in range(ROWS)
    ]
    result = await coll.insert_many(docs)
    assert result.inserted_ids == [d["_id"] for d in docs]
    yield coll
    await client.close()


async def test_awaited_find_exports_an_arrow_stream(collection: _engine.Collection) -> None:
    table = await collection.find({"age": {"$lt": 10}}, sort={"name": 1})
    assert hasattr(table, "__arrow_c_stream__")
    arrow = pa.table(table)
    expected = sorted(f"user{i}" for i in range(ROWS) if i % 90 < 10)
    assert arrow.num_rows == len(expected)
    assert arrow.column("name").to_pylist() == expected
    assert arrow.schema.field("created").type == pa.timestamp("ms", tz="UTC")
    assert arrow.column("created")[0].as_py() == datetime(2026, 1, 1, tzinfo=timezone.utc)


async def test_pyarrow_import_shares_the_rust_buffers(collection: _engine.Collection) -> None:
    table = await collection.find({})
    first, second = pa.table(table), pa.table(table)
    for name in ("age", "score", "name"):
        a = first.column(name).chunk(0).buffers()
        b = second.column(name).chunk(0).buffers()
        # Two imports of one export point at the same memory: nothing was copied on the way.
        assert [x.address for x in a if x] == [y.address for y in b if y]


async def test_polars_consumes_without_copying(collection: _engine.Collection) -> None:
    table = await collection.find({})
    arrow = pa.table(table)
    frame = pl.DataFrame(table)
    assert frame.height == ROWS
    assert frame["age"].sum() == sum(i % 90 for i in range(ROWS))
    assert frame.schema["created"] == pl.Datetime("ms", "UTC")
    # polars keeps fixed-width Arrow buffers as they are: same address as pyarrow's import.
    rust_side = {chunk.buffers()[1].address for chunk in arrow.column("score").chunks}
    polars_side = {chunk.buffers()[1].address for chunk in frame.to_arrow().column("score").chunks}
    assert polars_side <= rust_side
    assert pl.from_arrow(pa.table(table)).shape == (ROWS, 5)  # type: ignore[union-attr]


async def test_object_id_round_trips(collection: _engine.Collection) -> None:
    oid = ObjectId()
    await collection.insert_one({"_id": oid, "name": "round-trip"})
    table = await collection.find({"_id": oid})
    assert table.column("_id") == [oid]
    assert table.to_pylist()[0]["_id"] == oid
    arrow = pa.table(table)
    field = arrow.schema.field("_id")
    # pyarrow wraps it in the registered extension type: same storage, ObjectId values.
    assert field.type.storage_type == pa.binary(12)
    assert field.type.extension_name == "data_bridge.objectid"
    assert arrow.column("_id")[0].as_py() == oid
    again = await collection.find_one({"_id": arrow.column("_id")[0].as_py()})
    assert again is not None
    assert again["name"] == "round-trip"
