"""Reads over the wire: find / aggregate into Arrow tables and streams, point reads, counts."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import numpy as np
import polars as pl
import pyarrow as pa
import pymongo
import pytest
from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from data_bridge import _engine
from data_bridge.errors import DecodeError, InvalidInput, OperationFailure, SchemaError
from engine_support import MODES, call, fresh_name

ROWS = 500


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


@pytest.fixture(scope="module")
def people_name(db_name: str, pymongo_client: pymongo.MongoClient) -> str:
    """A collection of ROWS simple documents, written by pymongo (an independent writer)."""
    name = fresh_name("people")
    pymongo_client[db_name][name].insert_many(
        [
            {
                "_id": i,
                "name": f"user{i:04d}",
                "age": i % 90,
                "score": i / 4,
                "active": i % 2 == 0,
                "created": datetime(2026, 1, 1, 0, 0, i % 60),
                "tags": ["a", "b"][: i % 3],
                "address": {"city": f"city{i % 7}", "zip": f"{i:05d}"},
            }
            for i in range(ROWS)
        ]
    )
    return name


@pytest.fixture(scope="module")
def people(client: _engine.Client, db_name: str, people_name: str) -> _engine.Collection:
    return client.database(db_name).collection(people_name)


@pytest.mark.parametrize("mode", MODES)
async def test_find_returns_every_document_as_arrow(people: _engine.Collection, mode: str) -> None:
    table = await call(people, "find", mode, {}, sort={"_id": 1})
    assert isinstance(table, _engine.Table)
    assert table.num_rows == ROWS == len(table)
    assert table.column_names == [
        "_id", "name", "age", "score", "active", "created", "tags", "address",
    ]  # fmt: skip
    arrow = pa.table(table)
    assert arrow.column("name").to_pylist() == [f"user{i:04d}" for i in range(ROWS)]
    assert arrow.schema.field("created").type == pa.timestamp("ms", tz="UTC")
    assert arrow.column("address").to_pylist()[8] == {"city": "city1", "zip": "00008"}
    assert arrow.column("tags").to_pylist()[:3] == [[], ["a"], ["a", "b"]]


async def test_pyarrow_and_polars_share_the_buffers(people: _engine.Collection) -> None:
    table = await people.find({})
    first, second = pa.table(table), pa.table(table)
    for column in ("age", "score", "name"):
        a = [b.address for b in first.column(column).chunk(0).buffers() if b]
        b = [b.address for b in second.column(column).chunk(0).buffers() if b]
        assert a == b
    frame = pl.DataFrame(table)
    assert frame.height == ROWS
    assert frame["score"].sum() == pytest.approx(sum(i / 4 for i in range(ROWS)))
    # polars reads any capsule exporter as a struct Series; unnesting gives the same frame.
    from_arrow = pl.from_arrow(table)
    assert isinstance(from_arrow, pl.Series)
    assert from_arrow.struct.unnest().equals(frame)
    # Fixed-width columns are shared with polars too: each polars chunk points at the
    # Rust buffer of the matching record batch.
    polars_chunks = frame["score"].get_chunks()
    arrow_chunks = first.column("score").chunks
    assert len(polars_chunks) == len(arrow_chunks) == table.num_batches
    assert [c._s.as_single_ptr() for c in polars_chunks] == [
        a.buffers()[1].address for a in arrow_chunks
    ]


async def test_find_options_reach_the_server(people: _engine.Collection) -> None:
    table = await people.find(
        {"age": {"$gte": 10}},
        projection={"name": 1, "age": 1},
        sort=[("age", -1), ("_id", 1)],
        skip=2,
        limit=5,
        batch_size=2,
        hint=[("_id", 1)],
        collation={"locale": "en", "strength": 2},
        max_time_ms=10_000,
        comment="engine test",
    )
    rows = table.to_pylist()
    expected = sorted(
        ({"_id": i, "name": f"user{i:04d}", "age": i % 90} for i in range(ROWS) if i % 90 >= 10),
        key=lambda d: (-d["age"], d["_id"]),
    )[2:7]
    assert rows == expected


async def test_small_batches_decode_into_one_table(people: _engine.Collection) -> None:
    table = await people.find({}, batch_size=7, schema={"_id": "int", "age": "int"})
    assert table.num_rows == ROWS
    assert table.num_batches >= ROWS // 7
    assert sorted(table.column("_id")) == list(range(ROWS))


@pytest.mark.parametrize("mode", MODES)
async def test_find_one_and_find_raw(people: _engine.Collection, mode: str) -> None:
    doc = await call(people, "find_one", mode, {"_id": 3})
    assert doc == {
        "_id": 3,
        "name": "user0003",
        "age": 3,
        "score": 0.75,
        "active": False,
        "created": datetime(2026, 1, 1, 0, 0, 3),
        "tags": [],
        "address": {"city": "city3", "zip": "00003"},
    }
    assert await call(people, "find_one", mode, {"_id": -1}) is None
    newest = await call(people, "find_one", mode, sort={"_id": -1}, projection={"_id": 1})
    assert newest == {"_id": ROWS - 1}
    raw = await call(people, "find_raw", mode, {"age": 5}, sort={"_id": 1})
    assert [d["_id"] for d in raw] == [i for i in range(ROWS) if i % 90 == 5]


@pytest.mark.parametrize("mode", MODES)
async def test_counts_and_distinct(people: _engine.Collection, mode: str) -> None:
    assert await call(people, "count_documents", mode, {"active": True}) == ROWS // 2
    assert await call(people, "count_documents", mode, {}, skip=10, limit=20) == 20
    assert await call(people, "estimated_document_count", mode) == ROWS
    cities = await call(people, "distinct", mode, "address.city", {"age": {"$lt": 50}})
    assert sorted(cities) == [f"city{i}" for i in range(7)]


@pytest.mark.parametrize("mode", MODES)
async def test_aggregate(people: _engine.Collection, mode: str) -> None:
    pipeline = [
        {"$group": {"_id": "$address.city", "n": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]
    table = await call(people, "aggregate", mode, pipeline, allow_disk_use=True, batch_size=3)
    expected = {f"city{c}": sum(1 for i in range(ROWS) if i % 7 == c) for c in range(7)}
    assert dict(zip(table.column("_id"), table.column("n"), strict=True)) == expected
    raw = await call(
        people, "aggregate_raw", mode, [{"$match": {"_id": 1}}, {"$project": {"age": 1}}]
    )
    assert raw == [{"_id": 1, "age": 1}]


@pytest.mark.parametrize("mode", MODES)
async def test_bad_pipeline_is_an_operation_failure_with_a_code(
    people: _engine.Collection, mode: str
) -> None:
    with pytest.raises(OperationFailure) as info:
        await call(people, "aggregate", mode, [{"$bogus": 1}])
    assert isinstance(info.value.code, int)
    assert info.value.code != 0
    assert "$bogus" in str(info.value)


async def test_every_bson_type_round_trips_to_python(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("types"))
    oid, uid = ObjectId(), uuid.uuid4()
    doc = {
        "_id": oid,
        "int": 7,
        "long": Int64(2**40),
        "double": 1.5,
        "string": "héllo",
        "bool": True,
        "null": None,
        "date": datetime(2024, 2, 29, 12, 30, 15, 123000),
        "decimal": Decimal128("1.10"),
        "uuid": uid,
        "bytes": b"\x00\x01",
        "binary": Binary(b"xyz", 0x80),
        "regex": Regex("^a.*", "i"),
        "ts": Timestamp(1_700_000_000, 5),
        "code": Code("function() {}"),
        "min": MinKey(),
        "max": MaxKey(),
        "nested": {"list": [1, 2, 3], "doc": {"x": "y"}},
    }
    await coll.insert_one(doc)
    expected = dict(doc, long=2**40)
    assert await coll.find_one({"_id": oid}) == expected
    table = await coll.find({})
    assert table.to_pylist() == [expected]
    assert table.row(0) == expected
    assert table.column("_id") == [oid]
    # Aware datetimes are converted to UTC, decimal.Decimal becomes Decimal128.
    await coll.insert_one(
        {"_id": 2, "date": datetime(2024, 1, 1, 1, tzinfo=timezone.utc), "d": Decimal("2.5")}
    )
    second = await coll.find_one({"_id": 2})
    assert second == {"_id": 2, "date": datetime(2024, 1, 1, 1), "d": Decimal128("2.5")}


async def test_regex_pattern_and_python_re(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("re"))
    await coll.insert_many([{"s": "Apple"}, {"s": "banana"}])
    found = await coll.find_raw({"s": re.compile("^a", re.IGNORECASE)}, projection={"_id": 0})
    assert found == [{"s": "Apple"}]


async def test_column_row_and_numpy(people: _engine.Collection) -> None:
    table = await people.find({}, sort={"_id": 1})
    assert table.column("age") == [i % 90 for i in range(ROWS)]
    assert table.row(-1)["_id"] == ROWS - 1
    with pytest.raises(IndexError):
        table.row(ROWS)
    with pytest.raises(KeyError):
        table.column("nope")
    ages = table.to_numpy("age")
    assert ages.dtype == np.int32
    assert ages.tolist() == [i % 90 for i in range(ROWS)]
    created = table.to_numpy("created")
    assert created.dtype == np.dtype("datetime64[ms]")
    if table.num_batches == 1:
        # One chunk without nulls: a read-only view of the Arrow buffer.
        assert not ages.flags.writeable
        again = table.to_numpy("age")
        assert again.__array_interface__["data"][0] == ages.__array_interface__["data"][0]


async def test_numpy_with_nulls(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("nulls"))
    await coll.insert_many([{"_id": 1, "x": 1.5, "n": 1}, {"_id": 2}])
    table = await coll.find({}, sort={"_id": 1})
    x = table.to_numpy("x")
    assert x[0] == 1.5
    assert np.isnan(x[1])
    with pytest.raises(InvalidInput, match="nulls"):
        table.to_numpy("n")
    with pytest.raises(KeyError):
        table.to_numpy("missing_col")
    strings = await coll.find({}, schema={"_id": "string"}, on_mismatch="null")
    with pytest.raises(InvalidInput, match="to_numpy handles"):
        strings.to_numpy("_id")


async def test_inference_sees_every_document(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("late"))
    docs = [{"_id": i, "a": i} for i in range(300)] + [{"_id": 300, "late": "field"}]
    await coll.insert_many(docs)
    table = await coll.find({}, batch_size=50)
    assert "late" in table.column_names
    assert table.column("late")[-1] == "field"


async def test_explicit_schemas(people: _engine.Collection) -> None:
    spec = {"_id": "int", "name": "string", "address": {"city": "string"}, "tags": ["string"]}
    table = await people.find({}, schema=spec, sort={"_id": 1})
    assert table.column_names == ["_id", "name", "address", "tags"]
    assert table.row(1) == {
        "_id": 1,
        "name": "user0001",
        "address": {"city": "city1"},
        "tags": ["a"],
    }
    arrow_schema = pa.schema([("_id", pa.int32()), ("score", pa.float64())])
    table = await people.find({}, schema=arrow_schema)
    assert pa.table(table).schema == arrow_schema
    with pytest.raises(SchemaError):
        await people.find({}, schema={"name": "no-such-type"})
    with pytest.raises(SchemaError):
        await people.find({}, schema={"name": 3})


async def test_mismatch_error_or_null(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("mixed"))
    await coll.insert_many([{"_id": 0, "v": 1}, {"_id": 1, "v": "one"}, {"_id": 2, "v": 3}])
    with pytest.raises(DecodeError) as info:
        await coll.find({}, schema={"_id": "int", "v": "int"}, sort={"_id": 1})
    assert info.value.row == 1
    assert info.value.path == "v"
    assert info.value.expected is not None
    assert info.value.found == "string"
    table = await coll.find(
        {}, schema={"_id": "int", "v": "int"}, on_mismatch="null", sort={"_id": 1}
    )
    assert table.column("v") == [1, None, 3]
    assert table.nulled == 1
    with pytest.raises(InvalidInput):
        await coll.find({}, on_mismatch="ignore")


@pytest.mark.parametrize("mode", MODES)
async def test_streams(people: _engine.Collection, mode: str) -> None:
    stream = people.find_stream({}, sort={"_id": 1}, batch_size=100)
    seen: list[int] = []
    if mode == "async":
        async for part in stream:
            seen.extend(part.column("_id"))
    else:
        for part in stream:
            seen.extend(part.column("_id"))
    assert seen == list(range(ROWS))


async def test_stream_exports_lazily_to_pyarrow(people: _engine.Collection) -> None:
    stream = people.aggregate_stream([{"$sort": {"_id": 1}}], batch_size=64)
    assert stream.schema.names[0] == "_id"
    reader = pa.RecordBatchReader.from_stream(stream)
    table = reader.read_all()
    assert table.num_rows == ROWS
    assert table.column("_id").to_pylist() == list(range(ROWS))
    with pytest.raises(InvalidInput, match="already exported"):
        stream.read_all()


async def test_stream_read_all_and_close(people: _engine.Collection) -> None:
    table = people.find_stream({"age": {"$lt": 3}}).read_all()
    assert table.num_rows == sum(1 for i in range(ROWS) if i % 90 < 3)
    stream = people.find_stream({}, batch_size=10)
    first = next(iter(stream))
    assert first.num_rows > 0
    stream.close()


async def test_stream_schema_mismatch_suggests_schema(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("drift"))
    await coll.insert_many([{"_id": i, "v": i} for i in range(20)] + [{"_id": 20, "v": "x"}])
    stream = coll.find_stream({}, sort={"_id": 1}, batch_size=10)
    with pytest.raises(DecodeError, match="schema=") as info:
        stream.read_all()
    assert info.value.row == 20
    assert info.value.path == "v"


async def test_empty_results(client: _engine.Client, db_name: str) -> None:
    coll = client.database(db_name).collection(fresh_name("empty"))
    table = await coll.find({})
    assert table.num_rows == 0
    assert pa.table(table).num_rows == 0
    assert list(coll.find_stream({})) == []
