"""BulkWriter: queued writes sent in one bulk_write, with counts."""

import pymongo
import pytest
from data_bridge.errors import BulkWriteError
from data_bridge.odm.bulk import DeleteMany, DeleteOne, InsertOne, ReplaceOne, UpdateMany, UpdateOne
from data_bridge.operators import Inc, Set

from .helpers import BulkContext, run


async def test_bulk_writer_context_commits_document_operations(m, raw):
    existing = m.User(name="old", age=1)
    await run(existing.insert())
    async with BulkContext(m.User.bulk_writer()) as writer:
        await run(m.User.insert_one(m.User(name="a", age=5), bulk_writer=writer))
        await run(m.User.insert_one(m.User(name="b", age=6), bulk_writer=writer))
        await run(m.User.find(m.User.name == "old").update(Inc({"age": 10}), bulk_writer=writer))
        existing.score = 2.0
        await run(existing.save_changes(bulk_writer=writer))
        await run(m.User.find_one(m.User.name == "a").delete(bulk_writer=writer))
        assert raw[m.User.get_collection_name()].count_documents({}) == 1
    coll = raw[m.User.get_collection_name()]
    assert sorted(d["name"] for d in coll.find()) == ["b", "old"]
    assert coll.find_one({"name": "old"})["age"] == 11
    assert coll.find_one({"name": "old"})["score"] == 2.0


async def test_commit_returns_counts_and_upserted_ids(m, raw):
    await run(m.User(name="x", age=1).insert())
    await run(m.User(name="y", age=2).insert())
    writer = m.User.bulk_writer(ordered=False)
    writer.add_operation(m.User, InsertOne(m.User(name="z")))
    writer.add_operation(m.User, UpdateOne({"name": "x"}, Set({"age": 7})))
    writer.add_operation(m.User, UpdateMany({"age": {"$gte": 0}}, {"$inc": {"score": 1}}))
    writer.add_operation(m.User, UpdateOne({"name": "up"}, {"$set": {"age": 3}}, upsert=True))
    writer.add_operation(m.User, ReplaceOne({"name": "y"}, m.User(name="y2")))
    writer.add_operation(m.User, DeleteOne({"name": "z"}))
    writer.add_operation(m.User, DeleteMany({"name": "nothing"}))
    result = await run(writer.commit())
    assert result.inserted_count == 1
    assert result.deleted_count == 1
    assert result.upserted_count == 1
    assert list(result.upserted_ids) == [3]
    assert result.matched_count >= 4
    assert await run(writer.commit()) is None
    names = sorted(d["name"] for d in raw[m.User.get_collection_name()].find())
    assert names == ["up", "x", "y2"]


async def test_pymongo_operations_are_accepted(m, raw):
    writer = m.User.bulk_writer()
    writer.add_operation(m.User, pymongo.InsertOne({"name": "p", "age": 1}))
    writer.add_operation(m.User, pymongo.UpdateOne({"name": "p"}, {"$set": {"age": 2}}))
    await run(writer.commit())
    assert raw[m.User.get_collection_name()].find_one({"name": "p"})["age"] == 2


async def test_operations_for_another_collection_are_refused(m):
    writer = m.User.bulk_writer()
    with pytest.raises(ValueError, match="same collection"):
        writer.add_operation(m.Hooked, InsertOne({"name": "x"}))


async def test_unordered_errors_report_every_failure(m):
    await run(m.Unique(email="dup").insert())
    writer = m.Unique.bulk_writer(ordered=False)
    writer.add_operation(m.Unique, InsertOne({"email": "dup"}))
    writer.add_operation(m.Unique, InsertOne({"email": "fine"}))
    writer.add_operation(m.Unique, InsertOne({"email": "dup"}))
    with pytest.raises(BulkWriteError) as info:
        await run(writer.commit())
    assert [e["index"] for e in info.value.write_errors] == [0, 2]
    assert info.value.inserted_count == 1
