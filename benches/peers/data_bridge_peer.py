"""data-bridge as its users call it: the ODM for objects, the analytics API for tables.

* Objects (insert, find, read, save_changes): ``data_bridge.Document`` / ``data_bridge.init``,
  with the Beanie peer's models and calls — only the import differs, which is the promise.
* Tables and writes: ``data_bridge.connect(uri)[db][coll].find().to_arrow()`` / ``to_pandas()`` /
  ``to_polars()`` and ``data_bridge.write(collection, df)``, PyMongoArrow's counterparts.

Every name is looked up when the contender is built: a missing one is reported
"not available yet: <name>", and is measured as soon as it lands.
"""

from __future__ import annotations

import inspect
from typing import Any

from benches.datasets import documents, flat_rows
from benches.model import Contender, Context, Task, Unavailable, require
from benches.peers.odm_models import document_class, touch_models
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "data-bridge"


def _model(task: Task, ctx: Context, collection: str) -> Any:
    document = require("data_bridge", "Document", what="data_bridge.Document (ODM)")
    init = require("data_bridge", "init", what="data_bridge.init (ODM)")

    def initialise() -> Any:
        model = document_class(document, task.shape, collection)
        # As Beanie users call init_beanie: with a pymongo AsyncDatabase.
        result = init(database=ctx.async_client[ctx.db_name], document_models=[model])
        if inspect.isawaitable(result):
            ctx.run(result)
        return model

    return ctx.shared(f"data_bridge:{collection}", initialise)


def _attribute(owner: Any, name: str, where: str) -> Any:
    value = getattr(owner, name, None)
    if value is None:
        raise Unavailable(f"not available yet: {where}.{name}")
    return value


def _analytics_collection(ctx: Context, name: str) -> Any:
    connect = require("data_bridge", "connect", what="data_bridge.connect (analytics)")
    client = ctx.shared("data_bridge_analytics", lambda: connect(ctx.uri))
    return client[ctx.db_name][name]


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "find_table":
        return _find_table(task, ctx)
    if task.kind == "write_pandas":
        return _write_pandas(task, ctx)
    if task.kind == "insert":
        target = f"{task.collection}_data_bridge"
        model = _model(task, ctx, target)
        insert_many = _attribute(model, "insert_many", "Document")
        source = list(documents(task.shape, task.count))
        batch: list[Any] = []

        def before_insert() -> None:
            ctx.db.drop_collection(target)
            batch[:] = [model(**doc) for doc in source]

        async def insert() -> Any:
            return await insert_many(batch)

        return Contender(NAME, "await Model.insert_many(models)", insert, before_insert)

    model = _model(task, ctx, task.collection)
    find_all = _attribute(model, "find_all", "Document")
    if task.kind == "find_objects":

        async def find() -> int:
            return touch_models(await find_all().to_list())

        return Contender(NAME, "await Model.find_all().to_list()", find)
    if task.kind == "find_read_all":

        async def find_read() -> int:
            return read_all(await find_all().to_list())

        return Contender(NAME, "await Model.find_all().to_list() + read fields", find_read)
    if task.kind == "save_changes":
        _attribute(model, "save_changes", "Document")
        round_ = UpdateRound(task, ctx)
        loaded: list[Any] = []

        async def before_update() -> None:
            loaded[:] = await find_all().to_list()
            round_.next()

        async def save_changes() -> int:
            for doc in loaded:
                round_.set_on(doc)
                await doc.save_changes()
            return len(loaded)

        return Contender(
            NAME,
            "doc.field = v; await doc.save_changes()",
            save_changes,
            before_update,
            round_.check,
        )
    return None


def _find_table(task: Task, ctx: Context) -> Contender:
    collection = _analytics_collection(ctx, task.collection)
    method = f"to_{task.output}"
    _attribute(collection.find(), method, "data_bridge.connect(...)[db][coll].find()")

    def read() -> Any:
        return getattr(collection.find(), method)(progress=False)

    return Contender(NAME, f"connect(uri)[db][coll].find().{method}()", read)


def _write_pandas(task: Task, ctx: Context) -> Contender:
    import pandas as pd

    write = require("data_bridge", "write", what="data_bridge.write (analytics)")
    name = f"{task.collection}_data_bridge"
    target = _analytics_collection(ctx, name)
    frame = pd.DataFrame(flat_rows(task.count))
    return Contender(
        NAME,
        "data_bridge.write(collection, df)",
        lambda: write(target, frame, progress=False),
        lambda: ctx.db.drop_collection(name),
    )
