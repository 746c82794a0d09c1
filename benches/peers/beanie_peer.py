"""Beanie 2.x, the ODM data-bridge keeps source-compatible with (on PyMongo's asyncio client)."""

from __future__ import annotations

from typing import Any

from benches.datasets import documents
from benches.model import Contender, Context, Task, require_installed
from benches.peers.odm_models import document_class, touch_models
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "Beanie"


def _model(task: Task, ctx: Context, collection: str) -> Any:
    beanie = require_installed("beanie", "beanie")

    def initialise() -> Any:
        model = document_class(beanie.Document, task.shape, collection)
        database = ctx.async_client[ctx.db_name]
        ctx.run(beanie.init_beanie(database=database, document_models=[model]))
        return model

    return ctx.shared(f"beanie:{collection}", initialise)


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "insert":
        model = _model(task, ctx, f"{task.collection}_beanie")
        source = list(documents(task.shape, task.count))
        batch: list[Any] = []

        async def before_insert() -> None:
            await model.get_pymongo_collection().drop()
            # Building the models is the application's work, not the insert's: untimed.
            batch[:] = [model(**doc) for doc in source]

        async def insert() -> int:
            return len((await model.insert_many(batch)).inserted_ids)

        return Contender(NAME, "await Model.insert_many(models)", insert, before_insert)

    if task.kind not in ("find_objects", "find_read_all", "save_changes"):
        return None
    model = _model(task, ctx, task.collection)
    if task.kind == "find_objects":

        async def find() -> int:
            return touch_models(await model.find_all().to_list())

        return Contender(NAME, "await Model.find_all().to_list()", find)
    if task.kind == "find_read_all":

        async def find_read() -> int:
            return read_all(await model.find_all().to_list())

        return Contender(NAME, "await Model.find_all().to_list() + read fields", find_read)

    round_ = UpdateRound(task, ctx)
    loaded: list[Any] = []

    async def before_update() -> None:
        loaded[:] = await model.find_all().to_list()
        round_.next()

    async def save_changes() -> int:
        for doc in loaded:
            round_.set_on(doc)
            await doc.save_changes()
        return len(loaded)

    return Contender(
        NAME, "doc.field = v; await doc.save_changes()", save_changes, before_update, round_.check
    )
