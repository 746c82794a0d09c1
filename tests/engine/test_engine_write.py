"""Writes over the wire: inserts (Python values and Arrow), updates, deletes, find-and-modify,
bulk writes, and the errors each one raises."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pymongo
import pytest
from bson import ObjectId
from data_bridge import _engine
from data_bridge.errors import (
    BulkWriteError,
    DataBridgeError,
    DuplicateKeyError,
    InvalidInput,
    OperationFailure,
    WriteError,
)
from engine_support import MODES, call, fresh_name


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


@pytest.fixture
def coll(client: _engine.Client, db_name: str) -> _engine.Collection:
    return client.database(db_name).collection(fresh_name())


@pytest.fixture
def oracle(
    coll: _engine.Collection, db_name: str, pymongo_client: pymongo.MongoClient
) -> pymongo.collection.Collection:
    """The same collection seen through pymongo, to check what really reached the server."""
    return pymongo_client[db_name][coll.name]


@pytest.mark.parametrize("mode", MODES)
async def test_insert_one_generates_or_keeps_the_id(
    coll: _engine.Collection, oracle: pymongo.collection.Collection, mode: str
) -> None:
    doc = {"name": "ada"}
    result = await call(coll, "insert_one", mode, doc)
    assert isinstance(result.inserted_id, ObjectId)
    assert doc == {"name": "ada"}  # the caller's dict is not modified
    assert oracle.find_one({"_id": result.inserted_id}) == {
        "_id": result.inserted_id,
        "name": "ada",
    }
    kept = await call(coll, "insert_one", mode, {"_id": "mine", "x": 1})
    assert kept.inserted_id == "mine"
    # The generated _id comes first in the stored document, like pymongo's.
    assert next(iter(oracle.find_one({"name": "ada"}))) == "_id"


@pytest.mark.parametrize("mode", MODES)
async def test_insert_many_returns_ids_in_order(
    coll: _engine.Collection, oracle: pymongo.collection.Collection, mode: str
) -> None:
    docs = [{"i": i} if i % 2 else {"_id": i, "i": i} for i in range(10)]
    result = await call(coll, "insert_many", mode, docs)
    assert result.inserted_count == 10
    stored = {d["i"]: d["_id"] for d in oracle.find()}
    assert result.inserted_ids == [stored[i] for i in range(10)]
    with pytest.raises(InvalidInput):
        await call(coll, "insert_many", mode, [])
    with pytest.raises(InvalidInput):
        await call(coll, "insert_many", mode, {"not": "a list"})


@pytest.mark.parametrize("mode", MODES)
async def test_duplicate_key_names_the_key(coll: _engine.Collection, mode: str) -> None:
    await coll.create_indexes([{"keys": [("email", 1)], "unique": True}])
    await call(coll, "insert_one", mode, {"email": "a@x"})
    with pytest.raises(DuplicateKeyError) as info:
        await call(coll, "insert_one", mode, {"email": "a@x"})
    err = info.value
    assert isinstance(err, WriteError)
    assert isinstance(err, OperationFailure)
    assert err.code == 11000
    assert err.key_value == {"email": "a@x"}
    assert err.key_pattern == {"email": 1}
    assert err.index == 0
    await call(coll, "insert_one", mode, {"email": "b@x"})
    with pytest.raises(DuplicateKeyError) as info:
        await call(coll, "update_one", mode, {"email": "b@x"}, {"$set": {"email": "a@x"}})
    assert info.value.key_value == {"email": "a@x"}
    with pytest.raises(DuplicateKeyError):
        await call(coll, "replace_one", mode, {"email": "b@x"}, {"email": "a@x"})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ordered", [True, False])
async def test_insert_many_partial_failure(
    coll: _engine.Collection, mode: str, ordered: bool
) -> None:
    await coll.insert_one({"_id": 2})
    docs = [{"_id": i} for i in range(5)]
    with pytest.raises(BulkWriteError) as info:
        await call(coll, "insert_many", mode, docs, ordered=ordered)
    err = info.value
    assert [e["index"] for e in err.write_errors] == [2]
    assert err.write_errors[0]["code"] == 11000
    assert err.write_errors[0]["keyValue"] == {"_id": 2}
    expected = [0, 1] if ordered else [0, 1, 3, 4]
    assert err.inserted_count == len(expected)
    assert sorted(err.inserted_ids.values()) == expected
    assert sorted(await coll.distinct("_id")) == sorted({*expected, 2})


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"$set": 1}, "$set"),
        ({"a": {"$inc": 1}}, "a.$inc"),
        ({"a": [{"ok": 1}, {"$x": 1}]}, "a[1].$x"),
        ({"a\x00b": 1}, "a\x00b"),
        ({"a": {"b\x00": 1}}, "a"),
    ],
)
async def test_stored_documents_refuse_operator_and_nul_keys(
    coll: _engine.Collection, doc: dict[str, object], path: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        await coll.insert_one(doc)
    assert isinstance(info.value, ValueError)
    assert repr(path)[1:-1].split("\\")[0] in str(info.value)
    with pytest.raises(InvalidInput):
        await coll.replace_one({}, doc)


async def test_unencodable_values_name_their_path(coll: _engine.Collection) -> None:
    with pytest.raises(InvalidInput, match=r"'a\.b\[1\]'.*set"):
        await coll.insert_one({"a": {"b": [1, {1, 2}]}})
    with pytest.raises(InvalidInput, match="out of range"):
        await coll.insert_one({"big": 2**70})
    with pytest.raises(InvalidInput, match="keys must be str"):
        await coll.insert_one({1: "x"})


@pytest.mark.parametrize("mode", MODES)
async def test_updates(coll: _engine.Collection, mode: str) -> None:
    await coll.insert_many([{"_id": i, "n": i, "tags": [1, 2, 3]} for i in range(5)])
    one = await call(coll, "update_one", mode, {"n": {"$gte": 2}}, {"$inc": {"n": 10}})
    assert (one.matched_count, one.modified_count, one.upserted_id) == (1, 1, None)
    many = await call(coll, "update_many", mode, {"n": {"$lt": 2}}, {"$set": {"low": True}})
    assert (many.matched_count, many.modified_count) == (2, 2)
    pipeline = await call(
        coll,
        "update_many",
        mode,
        {"_id": {"$in": [3, 4]}},
        [{"$set": {"double": {"$multiply": ["$n", 2]}}}],
    )
    assert pipeline.modified_count == 2
    filtered = await call(
        coll,
        "update_one",
        mode,
        {"_id": 0},
        {"$set": {"tags.$[t]": 0}},
        array_filters=[{"t": {"$gte": 2}}],
    )
    assert filtered.modified_count == 1
    upsert = await call(coll, "update_one", mode, {"_id": 99}, {"$set": {"n": 99}}, upsert=True)
    assert upsert.upserted_id == 99
    assert upsert.matched_count == 0
    docs = {d["_id"]: d for d in await coll.find_raw({})}
    assert docs[0]["tags"] == [1, 0, 0]
    assert docs[0]["low"] is True
    assert docs[3]["double"] == 6
    assert docs[99] == {"_id": 99, "n": 99}
    with pytest.raises(InvalidInput, match="not an operator"):
        await call(coll, "update_one", mode, {}, {"n": 1})


@pytest.mark.parametrize("mode", MODES)
async def test_replace_and_delete(coll: _engine.Collection, mode: str) -> None:
    await coll.insert_many([{"_id": i, "k": i % 2} for i in range(6)])
    replaced = await call(coll, "replace_one", mode, {"_id": 1}, {"new": True})
    assert replaced.modified_count == 1
    assert await coll.find_one({"_id": 1}) == {"_id": 1, "new": True}
    upserted = await call(coll, "replace_one", mode, {"_id": 50}, {"x": 1}, upsert=True)
    assert upserted.upserted_id == 50
    assert (await call(coll, "delete_one", mode, {"k": 0})).deleted_count == 1
    assert (await call(coll, "delete_many", mode, {"k": 0})).deleted_count == 2
    assert (await call(coll, "delete_many", mode, {"nothing": 1})).deleted_count == 0
    assert await coll.count_documents({}) == 4


@pytest.mark.parametrize("mode", MODES)
async def test_find_one_and_modify(coll: _engine.Collection, mode: str) -> None:
    await coll.insert_many([{"_id": i, "n": i} for i in range(3)])
    before = await call(coll, "find_one_and_update", mode, {"_id": 1}, {"$inc": {"n": 5}})
    assert before == {"_id": 1, "n": 1}
    after = await call(
        coll, "find_one_and_update", mode, {"_id": 1}, {"$inc": {"n": 1}},
        return_document="after", projection={"_id": 0},
    )  # fmt: skip
    assert after == {"n": 7}
    top = await call(
        coll, "find_one_and_update", mode, {}, {"$set": {"top": True}}, sort={"n": -1},
        return_document="after",
    )  # fmt: skip
    assert top == {"_id": 1, "n": 7, "top": True}
    created = await call(
        coll, "find_one_and_update", mode, {"_id": 9}, {"$set": {"n": 9}}, upsert=True,
        return_document="after",
    )  # fmt: skip
    assert created == {"_id": 9, "n": 9}
    old = await call(coll, "find_one_and_replace", mode, {"_id": 2}, {"r": 1})
    assert old == {"_id": 2, "n": 2}
    new = await call(
        coll, "find_one_and_replace", mode, {"_id": 2}, {"r": 2}, return_document="after"
    )
    assert new == {"_id": 2, "r": 2}
    gone = await call(coll, "find_one_and_delete", mode, {"_id": 0})
    assert gone == {"_id": 0, "n": 0}
    assert await call(coll, "find_one_and_delete", mode, {"_id": 0}) is None
    with pytest.raises(InvalidInput, match="return_document"):
        await call(coll, "find_one_and_update", mode, {}, {"$set": {"a": 1}}, return_document="x")


async def test_find_one_and_update_duplicate_key(coll: _engine.Collection) -> None:
    await coll.create_indexes([{"keys": {"u": 1}, "unique": True}])
    await coll.insert_many([{"_id": 1, "u": 1}, {"_id": 2, "u": 2}])
    with pytest.raises(DuplicateKeyError) as info:
        await coll.find_one_and_update({"_id": 2}, {"$set": {"u": 1}})
    assert info.value.code == 11000
    assert info.value.key_value == {"u": 1}


@pytest.mark.parametrize("mode", MODES)
async def test_bulk_write(coll: _engine.Collection, mode: str) -> None:
    await coll.insert_many([{"_id": i, "n": i} for i in range(5)])
    result = await call(
        coll,
        "bulk_write",
        mode,
        [
            {"insert_one": {"document": {"_id": 10, "n": 10}}},
            {"insert_one": {"n": 11}},
            {"update_one": {"filter": {"_id": 0}, "update": {"$set": {"n": 100}}}},
            {"update_many": {"filter": {"n": {"$lt": 3}}, "update": {"$inc": {"n": 1}}}},
            {"update_one": {"filter": {"_id": 77}, "update": {"$set": {"n": 77}}, "upsert": True}},
            {"replace_one": {"filter": {"_id": 4}, "replacement": {"r": True}}},
            {"delete_one": {"filter": {"_id": 3}}},
            {"delete_many": {"filter": {"n": {"$gte": 10, "$lt": 12}}}},
        ],
    )
    assert result.inserted_count == 2
    assert result.inserted_ids[0] == 10
    assert isinstance(result.inserted_ids[1], ObjectId)
    assert result.matched_count == 1 + 2 + 1
    assert result.modified_count == 4
    assert result.upserted_count == 1
    assert result.upserted_ids == {4: 77}
    assert result.deleted_count == 3
    docs = {d["_id"]: d for d in await coll.find_raw({})}
    assert docs == {
        0: {"_id": 0, "n": 100},
        1: {"_id": 1, "n": 2},
        2: {"_id": 2, "n": 3},
        4: {"_id": 4, "r": True},
        77: {"_id": 77, "n": 77},
    }


@pytest.mark.parametrize("ordered", [True, False])
async def test_bulk_write_errors(coll: _engine.Collection, ordered: bool) -> None:
    await coll.insert_one({"_id": 1})
    requests = [
        {"insert_one": {"_id": 0}},
        {"insert_one": {"_id": 1}},
        {"delete_one": {"filter": {"_id": 0}}},
        {"insert_one": {"_id": 2}},
    ]
    with pytest.raises(BulkWriteError) as info:
        await coll.bulk_write(requests, ordered=ordered)
    err = info.value
    assert [e["index"] for e in err.write_errors] == [1]
    assert err.write_errors[0]["keyValue"] == {"_id": 1}
    if ordered:
        assert (err.inserted_count, err.deleted_count) == (1, 0)
        assert sorted(await coll.distinct("_id")) == [0, 1]
    else:
        assert (err.inserted_count, err.deleted_count) == (2, 1)
        assert sorted(await coll.distinct("_id")) == [1, 2]
    with pytest.raises(InvalidInput, match="unknown operation"):
        await coll.bulk_write([{"upsert_one": {}}])
    with pytest.raises(InvalidInput, match=r"needs .filter."):
        await coll.bulk_write([{"delete_one": {}}])


@pytest.mark.parametrize("mode", MODES)
async def test_insert_arrow(coll: _engine.Collection, mode: str) -> None:
    table = pa.table({"a": [1, 2, None], "b": ["x", None, "z"]})
    result = await call(coll, "insert_arrow", mode, table)
    assert result.inserted_count == 3
    rows = await coll.find_raw({}, projection={"_id": 0}, sort={"a": 1})
    assert sorted(rows, key=str) == sorted([{"a": 1, "b": "x"}, {"a": 2}, {"b": "z"}], key=str)
    frame = pl.DataFrame({"a": [10, 11], "c": [True, False]})
    result = await call(coll, "insert_arrow", mode, frame, keep_nulls=True)
    assert result.inserted_count == 2
    assert await coll.count_documents({"c": {"$exists": True}}) == 2
    with pytest.raises(InvalidInput, match="__arrow_c_stream__"):
        await call(coll, "insert_arrow", mode, [{"a": 1}])


async def test_insert_arrow_round_trips_a_find(coll: _engine.Collection) -> None:
    await coll.insert_many([{"_id": ObjectId(), "n": i, "s": str(i)} for i in range(100)])
    table = await coll.find({})
    target = coll.database.collection(fresh_name("copy"))
    assert (await target.insert_arrow(table)).inserted_count == 100
    assert sorted((await target.find_raw({})), key=lambda d: d["n"]) == sorted(
        await coll.find_raw({}), key=lambda d: d["n"]
    )


@pytest.mark.slow
async def test_large_insert_is_split_by_the_driver(coll: _engine.Collection) -> None:
    # More documents than maxWriteBatchSize (100,000) and more bytes than one 48 MB message.
    n = 120_000
    pad = "x" * 420
    result = await coll.insert_many([{"i": i, "pad": pad} for i in range(n)])
    assert result.inserted_count == n
    assert await coll.count_documents({}) == n
    arrow = pa.table({"i": list(range(n)), "pad": [pad] * n})
    target = coll.database.collection(fresh_name("arrowbig"))
    assert (await target.insert_arrow(arrow)).inserted_count == n
    assert await target.estimated_document_count() == n


async def test_errors_share_one_base(coll: _engine.Collection) -> None:
    assert issubclass(InvalidInput, DataBridgeError)
    assert issubclass(InvalidInput, ValueError)
    assert issubclass(BulkWriteError, OperationFailure)
