"""Beanie's query-object interface: ``find_many`` / ``find_one`` on queries, ``clone()``,
``update_query``, ``FindOne.exists``, ``build_aggregation_pipeline`` and the stage order of an
aggregation over a find (the find's match first, its sort / skip / limit after the user's stages).
Async and sync flavours, over the wire.
"""

from __future__ import annotations

import enum
from typing import Any

import data_bridge.sync
import pymongo
import pytest
from data_bridge import Document, init
from data_bridge.odm.operators.update.general import Max, Set
from pydantic import BaseModel, Field


class Item(Document):
    n: int
    kind: str

    class Settings:
        name = "query_interface_items"


class SyncItem(data_bridge.sync.Document):
    n: int
    kind: str

    class Settings:
        name = "query_interface_sync_items"


class Total(BaseModel):
    id: str = Field(alias="_id")
    total: int


@pytest.fixture
async def items(mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Item])
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncItem]
    )
    rows = [{"n": i, "kind": "odd" if i % 2 else "even"} for i in range(6)]
    for model in (Item, SyncItem):
        collection = pymongo_client[db_name][model.get_collection_name()]
        collection.delete_many({})
        collection.insert_many([dict(row) for row in rows])


async def test_find_many_and_find_one_narrow_a_query(items: None) -> None:
    many = await Item.find(Item.n > 1).find_many(Item.kind == "odd").sort(Item.n).to_list()
    one = await Item.find_one(Item.n > 1).find_one(Item.kind == "even")
    missing = await Item.find_one(Item.n > 100).find_one(Item.kind == "even")

    assert [item.n for item in many] == [3, 5]
    assert one is not None
    assert (one.n, one.kind) == (2, "even")
    assert missing is None
    assert [
        i.n for i in SyncItem.find(SyncItem.n > 3).find_many(SyncItem.kind == "odd").to_list()
    ] == [5]


async def test_clone_is_independent(items: None) -> None:
    query = Item.find(Item.n >= 1).sort(Item.n).limit(4)
    narrower = query.clone().find(Item.kind == "odd").limit(1)

    assert [item.n for item in await query.to_list()] == [1, 2, 3, 4]
    assert [item.n for item in await narrower.to_list()] == [1]
    assert query.get_filter_query() == {"n": {"$gte": 1}}

    update = Item.find(Item.n == 1).update(Set({Item.n: 10}))
    more = update.clone().update(Max({Item.n: 20}))
    assert update.update_query == {"$set": {"n": 10}}
    assert more.update_query == {"$set": {"n": 10}, "$max": {"n": 20}}

    pipeline = Item.find(Item.n >= 4).aggregate([{"$count": "c"}])
    longer = pipeline.clone()
    longer.aggregation_pipeline.append({"$project": {"c": 1}})
    assert pipeline.get_aggregation_pipeline() == [{"$match": {"n": {"$gte": 4}}}, {"$count": "c"}]
    assert await longer.to_list() == [{"c": 2}]


async def test_find_one_exists(items: None) -> None:
    assert await Item.find_one(Item.kind == "odd").exists() is True
    assert await Item.find_one(Item.kind == "none").exists() is False
    assert SyncItem.find_one(SyncItem.kind == "odd").exists() is True


async def test_aggregate_applies_the_finds_sort_skip_limit_after_the_users_stages(
    items: None,
) -> None:
    group: dict[str, Any] = {"$group": {"_id": "$kind", "total": {"$sum": "$n"}}}
    query = Item.find(Item.n >= 1, sort="_id", skip=1).aggregate([group])

    assert query.get_aggregation_pipeline() == [
        {"$match": {"n": {"$gte": 1}}},
        group,
        {"$sort": {"_id": 1}},
        {"$skip": 1},
    ]
    assert await query.to_list() == [{"_id": "odd", "total": 9}]

    typed = Item.find(Item.n >= 1).aggregate([group], projection_model=Total)
    assert typed.get_aggregation_pipeline()[-1] == {"$project": {"_id": 1, "total": 1}}
    assert sorted((t.id, t.total) for t in await typed.to_list()) == [("even", 6), ("odd", 9)]


def test_build_aggregation_pipeline_puts_text_conditions_first() -> None:
    text = {"$text": {"$search": "x"}}
    query = Item.find(Item.kind == "odd", text, sort=[("n", -1)], limit=2)

    assert query.build_aggregation_pipeline({"$count": "c"}) == [
        {"$match": text},
        {"$match": {"kind": "odd"}},
        {"$count": "c"},
        {"$sort": {"n": -1}},
        {"$limit": 2},
    ]


async def test_unknown_pymongo_options_are_refused_as_pymongo_does(items: None) -> None:
    with pytest.raises(TypeError, match="find\\(\\) got an unexpected keyword argument 'wrong'"):
        await Item.find(Item.n > 1, wrong=1).to_list()
    with pytest.raises(TypeError, match="'wrong'"):
        await Item.find(Item.n > 4).update(Set({Item.n: 0}), wrong=1)
    with pytest.raises(TypeError, match="'wrong'"):
        await Item.find(Item.n > 4).delete(wrong=1)

    assert len(await Item.find(Item.n > 1, hint=[("_id", 1)]).to_list()) == 4
    # a fetch_links find runs as an aggregation in Beanie: aggregate's options are accepted
    assert len(await Item.find(Item.n > 1, fetch_links=True, allowDiskUse=True).to_list()) == 4
    await Item.find(Item.n > 4).update(Set({Item.n: 50}), hint=[("_id", 1)])
    await Item.find_one(Item.n == 50).delete(hint=[("_id", 1)])
    assert await Item.find(Item.n == 50).count() == 0


async def test_aggregate_sends_options_it_does_not_know_to_the_server(items: None) -> None:
    group: dict[str, Any] = {"$group": {"_id": "$kind", "total": {"$sum": "$n"}}}

    # as pymongo: an unknown option goes into the aggregate command and the server refuses it
    with pytest.raises(pymongo.errors.OperationFailure):
        await Item.find(Item.n >= 4).aggregate([group], wrong=True).to_list()
    with pytest.raises(pymongo.errors.OperationFailure):
        SyncItem.find(SyncItem.n >= 4).aggregate([group], wrong=True).to_list()

    # an option the server knows runs, over every batch (getMore), typed or not
    sort: dict[str, Any] = {"$sort": {"n": 1}}
    rows = await Item.aggregate([sort], batchSize=2, bypassDocumentValidation=False).to_list()
    assert [row["n"] for row in rows] == [0, 1, 2, 3, 4, 5]
    typed = await Item.aggregate(
        [group, {"$sort": {"_id": 1}}], projection_model=Total, bypassDocumentValidation=False
    ).to_list()
    assert [(t.id, t.total) for t in typed] == [("even", 6), ("odd", 9)]
    # pymongo's camelCase names of the options the engine takes stay on the engine's path
    assert len(await Item.aggregate([sort], allowDiskUse=True, maxTimeMS=5000).to_list()) == 6


def test_update_and_delete_queries_take_a_session_later(items: None) -> None:
    from data_bridge.odm.queries.delete import DeleteMany
    from data_bridge.odm.queries.update import UpdateMany, UpdateQuery

    marker = object()
    update = Item.find(Item.n > 1).set({Item.n: 1}).set_session(marker)
    delete = Item.find(Item.n > 1).delete().set_session(marker)

    assert isinstance(update, UpdateMany)
    assert isinstance(update, UpdateQuery)
    assert isinstance(delete, DeleteMany)
    assert update.session is marker
    assert delete.session is marker


async def test_enum_keys_in_a_filter_stand_for_their_values(items: None) -> None:
    class Keys(str, enum.Enum):
        N = Item.n
        KIND = "kind"

    found = await Item.find({Keys.N: {"$gt": 1}, Keys.KIND: "odd"}).sort(Item.n).to_list()

    assert [item.n for item in found] == [3, 5]


async def test_native_upsert_option_on_update_queries(items: None) -> None:
    from data_bridge import BulkWriter

    await Item.find_one(Item.n == 100).update_one({"$set": {"kind": "new"}}, upsert=True)
    async with BulkWriter() as bulk_writer:
        await Item.find_one(Item.n == 200).update_one(
            {"$setOnInsert": {"kind": "bulk"}}, bulk_writer=bulk_writer, upsert=True
        )

    assert await Item.find(Item.kind == "new").count() == 1
    assert await Item.find(Item.kind == "bulk").count() == 1
