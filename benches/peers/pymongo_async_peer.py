"""PyMongo's asyncio client (``AsyncMongoClient``), the driver under Beanie 2.x."""

from __future__ import annotations

from typing import Any

from benches.datasets import documents
from benches.model import Contender, Context, Task
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "PyMongo async"


def crud(name: str, collection_of: Any, task: Task, ctx: Context) -> Contender | None:
    """The CRUD contenders of an asyncio driver whose API mirrors pymongo's (PyMongo async, Motor).

    ``collection_of(name)`` returns that driver's collection object.
    """
    slug = name.lower().replace(" ", "_")
    if task.kind == "insert":
        target = collection_of(f"{task.collection}_{slug}")
        source = list(documents(task.shape, task.count))
        batch: list[dict[str, Any]] = []

        async def before_insert() -> None:
            await target.drop()
            batch[:] = [dict(doc) for doc in source]

        async def insert() -> int:
            return len((await target.insert_many(batch)).inserted_ids)

        return Contender(name, "await collection.insert_many(dicts)", insert, before_insert)

    collection = collection_of(task.collection)
    if task.kind == "find_objects":

        async def find() -> int:
            return len(await collection.find().to_list(None))

        return Contender(name, "await collection.find().to_list()", find)
    if task.kind == "find_read_all":

        async def find_read() -> int:
            return read_all(await collection.find().to_list(None))

        return Contender(name, "await find().to_list() + read fields", find_read)
    if task.kind == "save_changes":
        round_ = UpdateRound(task, ctx)
        loaded: list[dict[str, Any]] = []

        async def before_update() -> None:
            loaded[:] = await collection.find().to_list(None)
            round_.next()

        async def update() -> int:
            change = {"$set": {round_.field: round_.value}}
            matched = 0
            for doc in loaded:
                matched += (await collection.update_one({"_id": doc["_id"]}, change)).matched_count
            return matched

        return Contender(
            name, "await update_one($set) per document", update, before_update, round_.check
        )
    return None


def build(task: Task, ctx: Context) -> Contender | None:
    database = ctx.async_client[ctx.db_name]
    return crud(NAME, lambda name: database[name], task, ctx)
