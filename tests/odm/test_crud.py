"""Instance and class CRUD over the wire, through the async and the sync API alike."""

import datetime
import decimal
from uuid import UUID

import data_bridge
import data_bridge.sync
import pytest
from bson import ObjectId
from data_bridge import MergeStrategy, PydanticObjectId, UpdateResponse
from data_bridge.errors import (
    ApplyChangesException,
    DecodeError,
    DocumentNotFound,
    DuplicateKeyError,
    ReplaceError,
)
from data_bridge.operators import In, Inc, Set

from .helpers import collect, run
from .models import Address, Color, Projection, Renamed


def make_user(m, i: int, **extra):
    values = {
        "name": f"user{i}",
        "email": f"u{i}@x.org",
        "age": 20 + i,
        "score": i / 2,
        "created": datetime.datetime(2026, 1, 1, 12, 0, i),
        "tags": [f"t{i}", "all"],
        "address": Address(city=f"city{i % 2}", zip=f"{i:05}"),
    }
    values.update(extra)
    return m.User(**values)


async def seed(m, n: int = 5):
    users = [make_user(m, i) for i in range(n)]
    await run(m.User.insert_many(users))
    return users


async def test_insert_sets_id_and_round_trips_every_field_type(m, raw):
    user = make_user(
        m, 1, price=decimal.Decimal("12.50"), color=Color.BLUE, meta={"k": [1, {"x": None}]}
    )
    returned = await run(user.insert())
    assert returned is user
    assert isinstance(user.id, PydanticObjectId)
    stored = raw[m.User.get_collection_name()].find_one({"_id": user.id})
    assert stored["name"] == "user1"
    assert stored["address"] == {"city": "city1", "zip": "00001"}
    assert stored["color"] == "blue"
    assert str(stored["price"]) == "12.50"

    loaded = await run(m.User.get(user.id))
    assert isinstance(loaded, m.User)
    assert loaded == user
    assert isinstance(loaded.id, PydanticObjectId)
    assert loaded.created == datetime.datetime(2026, 1, 1, 12, 0, 1)
    assert loaded.created.tzinfo is None
    assert loaded.price == decimal.Decimal("12.50")
    assert loaded.color is Color.BLUE
    assert loaded.address == Address(city="city1", zip="00001")
    assert loaded.meta == {"k": [1, {"x": None}]}


async def test_get_accepts_str_ids_and_returns_none_when_absent(m):
    users = await seed(m, 2)
    assert (await run(m.User.get(str(users[0].id)))).name == "user0"
    assert await run(m.User.get(ObjectId())) is None


async def test_insert_many_sets_ids_and_count(m, raw):
    users = await seed(m, 7)
    assert all(isinstance(u.id, ObjectId) for u in users)
    assert len({u.id for u in users}) == 7
    assert await run(m.User.count()) == 7
    assert raw[m.User.get_collection_name()].count_documents({}) == 7


async def test_find_filters_sort_skip_limit(m):
    await seed(m, 6)
    found = await run(m.User.find(m.User.age >= 22, m.User.address.city == "city0").to_list())
    assert sorted(u.name for u in found) == ["user2", "user4"]
    ordered = await run(m.User.find_all().sort(-m.User.age).skip(1).limit(2).to_list())
    assert [u.name for u in ordered] == ["user4", "user3"]
    by_kwargs = await run(m.User.find({}, sort=[("age", 1)], skip=2, limit=2).to_list())
    assert [u.age for u in by_kwargs] == [22, 23]
    assert [u.age for u in await run(m.User.find().sort("-age").to_list(2))] == [25, 24]
    combined = await run(m.User.find((m.User.age < 21) | (m.User.name == "user5")).to_list())
    assert sorted(u.name for u in combined) == ["user0", "user5"]
    negated = await run(m.User.find(~(m.User.age > 20)).to_list())
    assert [u.name for u in negated] == ["user0"]
    assert [u.name for u in await run(m.User.all(limit=1, sort="age").to_list())] == ["user0"]
    chained = m.User.find(m.User.age > 20).find(In(m.User.name, ["user1", "user2", "zz"]))
    assert sorted(u.name for u in await run(chained.to_list())) == ["user1", "user2"]


async def test_awaiting_find_many_gives_the_list(m):
    await seed(m, 3)
    assert len(await run(m.User.find(m.User.age > 20))) == 2


async def test_first_or_none_count_exists(m):
    await seed(m, 4)
    first = await run(m.User.find(m.User.age > 21).sort("age").first_or_none())
    assert first.name == "user2"
    assert await run(m.User.find(m.User.age > 99).first_or_none()) is None
    assert await run(m.User.find(m.User.age > 21).count()) == 2
    assert await run(m.User.find(m.User.age > 21).exists()) is True
    assert await run(m.User.find(m.User.age > 99).exists()) is False
    assert await run(m.User.find(m.User.age > 21).limit(1).count()) == 1
    assert await run(m.User.find_one(m.User.age > 21).count()) == 2


async def test_find_one_is_awaitable_and_none_when_missing(m):
    await seed(m, 3)
    found = await run(m.User.find_one(m.User.name == "user1"))
    assert found.age == 21
    assert await run(m.User.find_one(m.User.name == "nobody")) is None


async def test_iteration_streams_documents(m):
    await seed(m, 5)
    names = [u.name for u in await collect(m.User.find(m.User.age > 20).sort("age"))]
    assert names == ["user1", "user2", "user3", "user4"]


async def test_distinct_and_accumulators(m):
    await seed(m, 4)
    assert sorted(await run(m.User.distinct("address.city"))) == ["city0", "city1"]
    assert sorted(await run(m.User.distinct(m.User.age, {"age": {"$gt": 21}}))) == [22, 23]
    assert await run(m.User.sum(m.User.age)) == 20 + 21 + 22 + 23
    assert await run(m.User.avg("age")) == 21.5
    assert await run(m.User.max(m.User.age)) == 23
    assert await run(m.User.min(m.User.age)) == 20
    assert await run(m.User.find(m.User.age > 21).sum(m.User.age)) == 45
    assert await run(m.User.find(m.User.age > 99).avg(m.User.age)) is None


async def test_projection_models(m):
    await seed(m, 3)
    rows = await run(m.User.find(m.User.age > 20).sort("age").project(Projection).to_list())
    assert rows == [Projection(name="user1", age=21), Projection(name="user2", age=22)]
    one = await run(m.User.find_one(m.User.name == "user0", projection_model=Projection))
    assert one == Projection(name="user0", age=20)
    renamed = await run(m.User.find(m.User.age < 22).sort("age").project(Renamed).to_list())
    assert renamed == [Renamed(name="user0", years=20), Renamed(name="user1", years=21)]


async def test_aggregate_with_and_without_projection_model(m):
    await seed(m, 4)
    pipeline = [{"$group": {"_id": "$address.city", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]
    rows = await run(m.User.aggregate(pipeline).to_list())
    assert rows == [{"_id": "city0", "n": 2}, {"_id": "city1", "n": 2}]
    matched = m.User.find(m.User.age > 20).aggregate(
        [{"$project": {"_id": 0, "name": 1, "age": 1}}, {"$sort": {"age": -1}}],
        projection_model=Projection,
    )
    assert await run(matched.to_list()) == [
        Projection(name="user3", age=23),
        Projection(name="user2", age=22),
        Projection(name="user1", age=21),
    ]
    assert len(await collect(m.User.aggregate([{"$match": {"age": 20}}]))) == 1


async def test_save_inserts_then_updates(m, raw):
    user = make_user(m, 1)
    await run(user.save())
    assert user.id is not None
    user.age = 99
    await run(user.save())
    stored = raw[m.User.get_collection_name()].find_one({"_id": user.id})
    assert stored["age"] == 99
    assert raw[m.User.get_collection_name()].count_documents({}) == 1


async def test_replace_and_replace_missing(m, raw):
    users = await seed(m, 2)
    users[0].name = "renamed"
    await run(users[0].replace())
    assert raw[m.User.get_collection_name()].find_one({"_id": users[0].id})["name"] == "renamed"
    ghost = make_user(m, 9, id=PydanticObjectId())
    with pytest.raises(DocumentNotFound):
        await run(ghost.replace())


async def test_replace_many(m, raw):
    users = await seed(m, 3)
    for user in users:
        user.age = 1
    await run(m.User.replace_many(users))
    assert raw[m.User.get_collection_name()].count_documents({"age": 1}) == 3
    with pytest.raises(ReplaceError):
        await run(m.User.replace_many([make_user(m, 8, id=PydanticObjectId())]))


async def test_instance_update_set_inc_current_date(m, raw):
    users = await seed(m, 1)
    user = users[0]
    await run(user.update(Set({m.User.name: "x"}), Inc({m.User.age: 2})))
    assert (user.name, user.age) == ("x", 22)
    await run(user.set({m.User.score: 7.5}))
    assert user.score == 7.5
    await run(user.inc({m.User.age: 1}))
    assert user.age == 23
    await run(user.current_date({"created": True}))
    assert isinstance(user.created, datetime.datetime)
    assert user.created.year >= 2026
    stored = raw[m.User.get_collection_name()].find_one({"_id": user.id})
    assert (stored["name"], stored["age"], stored["score"]) == ("x", 23, 7.5)


async def test_query_updates_and_deletes(m, raw):
    await seed(m, 5)
    coll = raw[m.User.get_collection_name()]
    result = await run(m.User.find(m.User.age > 22).update(Set({m.User.active: False})))
    assert result.modified_count == 2
    assert coll.count_documents({"active": False}) == 2
    await run(m.User.find(m.User.age < 21).update_many(Inc({"score": 10})))
    assert coll.find_one({"name": "user0"})["score"] == 10
    await run(m.User.update_all(Set({"email": None})))
    assert coll.count_documents({"email": None}) == 5
    deleted = await run(m.User.find(m.User.active == False).delete())  # noqa: E712
    assert deleted.deleted_count == 2
    one = await run(m.User.find_one(m.User.name == "user0").delete())
    assert one.deleted_count == 1
    assert (await run(m.User.delete_all())).deleted_count == 2
    assert coll.count_documents({}) == 0


async def test_find_one_update_response_types(m):
    await seed(m, 2)
    query = m.User.find_one(m.User.name == "user0")
    result = await run(query.update(Inc({m.User.age: 1})))
    assert result.matched_count == 1
    old = await run(
        m.User.find_one(m.User.name == "user0").update(
            Inc({m.User.age: 1}), response_type=UpdateResponse.OLD_DOCUMENT
        )
    )
    assert isinstance(old, m.User)
    assert old.age == 21
    new = await run(
        m.User.find_one(m.User.name == "user0").update_one(
            Set({m.User.score: 3.0}), response_type=UpdateResponse.NEW_DOCUMENT
        )
    )
    assert (new.age, new.score) == (22, 3.0)
    missing = await run(
        m.User.find_one(m.User.name == "nobody").update(
            Set({"age": 1}), response_type=UpdateResponse.NEW_DOCUMENT
        )
    )
    assert missing is None


async def test_upsert_inserts_on_insert_document_only_when_nothing_matches(m, raw):
    await seed(m, 1)
    inserted = await run(
        m.User.find_one(m.User.name == "new").upsert(
            Set({m.User.age: 1}), on_insert=make_user(m, 50, name="new")
        )
    )
    assert isinstance(inserted, m.User)
    assert inserted.id is not None
    updated = await run(
        m.User.find(m.User.name == "new").upsert(
            Inc({m.User.age: 5}), on_insert=make_user(m, 51, name="other")
        )
    )
    assert updated.modified_count == 1
    coll = raw[m.User.get_collection_name()]
    assert coll.find_one({"name": "new"})["age"] == 75
    assert coll.count_documents({"name": "other"}) == 0


async def test_find_one_replace_one(m, raw):
    await seed(m, 2)
    replacement = make_user(m, 7, name="replaced")
    result = await run(m.User.find_one(m.User.name == "user1").replace_one(replacement))
    assert result.modified_count == 1
    assert raw[m.User.get_collection_name()].count_documents({"name": "replaced"}) == 1


async def test_delete_instance(m, raw):
    users = await seed(m, 2)
    result = await run(users[0].delete())
    assert result.deleted_count == 1
    assert raw[m.User.get_collection_name()].count_documents({}) == 1


async def test_sync_reloads_remote_and_keeps_local_changes(m, raw):
    users = await seed(m, 1)
    user = users[0]
    raw[m.User.get_collection_name()].update_one(
        {"_id": user.id}, {"$set": {"age": 50, "score": 9.0}}
    )
    user.score = 1.0
    await run(user.sync(MergeStrategy.local))
    assert user.age == 50
    assert user.score == 1.0
    await run(user.sync())
    assert user.score == 9.0
    ghost = make_user(m, 3, id=PydanticObjectId())
    with pytest.raises(DocumentNotFound):
        await run(ghost.sync())


async def test_sync_local_merges_by_path_and_refuses_an_impossible_merge(m, raw):
    users = await seed(m, 1)
    user = users[0]
    collection = raw[m.User.get_collection_name()]
    collection.update_one(
        {"_id": user.id}, {"$set": {"address.zip": "99999", "meta": {"a": {"b": 1}}}}
    )
    user.address.city = "Oslo"
    await run(user.sync(MergeStrategy.local))
    # the remote's change inside the embedded document stays, with the local one on top
    assert (user.address.city, user.address.zip) == ("Oslo", "99999")
    assert user.meta == {"a": {"b": 1}}
    assert user.get_changes() == {"address.city": "Oslo"}

    user.meta["a"]["b"] = {"c": 2}
    collection.update_one({"_id": user.id}, {"$set": {"meta": {"a": "flat"}}})
    with pytest.raises(ApplyChangesException, match=r"meta\.a\.b"):
        await run(user.sync(MergeStrategy.local))


async def test_custom_id_types(m, raw):
    doc = m.IntId(id=7, name="seven")
    await run(doc.insert())
    assert raw[m.IntId.get_collection_name()].find_one({"_id": 7})["name"] == "seven"
    loaded = await run(m.IntId.get(7))
    assert loaded.id == 7
    assert loaded.name == "seven"
    udoc = m.UuidId(name="u")
    await run(udoc.insert())
    loaded_u = await run(m.UuidId.get(udoc.id))
    assert isinstance(loaded_u.id, UUID)
    assert loaded_u.id == udoc.id


async def test_keep_nulls_false_leaves_out_and_unsets_nones(m, raw):
    doc = m.NoNulls(name="a", note=None)
    await run(doc.insert())
    coll = raw[m.NoNulls.get_collection_name()]
    assert "note" not in coll.find_one({"_id": doc.id})
    doc.note = "hello"
    await run(doc.save())
    assert coll.find_one({"_id": doc.id})["note"] == "hello"
    doc.note = None
    await run(doc.save_changes())
    assert "note" not in coll.find_one({"_id": doc.id})


async def test_unique_index_raises_duplicate_key(m):
    await run(m.Unique(email="a@x").insert())
    with pytest.raises(DuplicateKeyError):
        await run(m.Unique(email="a@x").insert())


async def test_inspect_collection(m, raw):
    await seed(m, 2)
    result = await run(m.User.inspect_collection())
    assert result.status == "OK"
    raw[m.User.get_collection_name()].insert_one({"name": 5, "age": "x"})
    result = await run(m.User.inspect_collection())
    assert result.status == "FAIL"
    assert len(result.errors) == 1


async def test_stored_values_that_do_not_fit_the_model_raise_decode_error(m, raw):
    await seed(m, 1)
    raw[m.User.get_collection_name()].insert_one({"name": "bad", "age": "not a number"})
    with pytest.raises(DecodeError) as info:
        await run(m.User.find_all().sort("name").to_list())
    assert info.value.path == "age"
    assert (info.value.expected, info.value.found) == ("long", "string")
    assert info.value.row == 0


async def test_create_and_insert_one(m, raw):
    created = await run(make_user(m, 1).create())
    assert created.id is not None
    inserted = await run(m.User.insert_one(make_user(m, 2)))
    assert inserted.id is not None
    assert raw[m.User.get_collection_name()].count_documents({}) == 2
    with pytest.raises(TypeError, match="original document class"):
        await run(m.User.insert_one(m.Hooked(name="x")))


async def test_bson_encoders_setting_is_applied_on_write(m, raw):
    class Shouting(m.User.__mro__[1]):
        word: str = ""
        color: Color | None = None

        class Settings:
            name = f"shouting_{m.flavour}"
            bson_encoders = {Color: lambda c: c.value.upper()}  # noqa: RUF012 - Beanie settings

    init = data_bridge.init if m.flavour == "async" else data_bridge.sync.init
    await run(
        init(
            database=m.User._db_binding().database.name,
            connection_string=m.User._db_binding().uri,
            document_models=[Shouting],
        )
    )
    doc = await run(Shouting(word="hi", color=Color.RED).insert())
    assert raw[Shouting.get_collection_name()].find_one({"_id": doc.id})["color"] == "RED"
