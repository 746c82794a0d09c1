"""data-bridge's ODM (``data_bridge.Document`` / ``data_bridge.init``), used as Beanie users would.

The models and calls are the Beanie peer's, with the import changed: that is the promise. The
analytics tasks use the query's ``to_arrow()`` / ``to_pandas()`` / ``to_polars()``. Every name is
looked up when the contender is built: a missing one is reported "not available yet: <name>".
"""

from __future__ import annotations

import inspect
from typing import Any

from benches.datasets import documents
from benches.model import Contender, Context, Task, Unavailable, require
from benches.peers.odm_models import document_class, touch_models
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "data-bridge"


async def _init(init: Any, ctx: Context, model: type[Any]) -> None:
    parameters = inspect.signature(init).parameters
    if "connection_string" in parameters:
        connection = f"{ctx.uri.rstrip('/')}/{ctx.db_name}"
        result = init(connection_string=connection, document_models=[model])
    else:
        engine_client = require("data_bridge._engine", "Client", what="data_bridge._engine.Client")
        database = engine_client(ctx.uri).database(ctx.db_name)
        result = init(database=database, document_models=[model])
    if inspect.isawaitable(result):
        await result


def _model(task: Task, ctx: Context, collection: str) -> Any:
    document = require("data_bridge", "Document", what="data_bridge.Document (ODM)")
    init = require("data_bridge", "init", what="data_bridge.init (ODM)")

    def initialise() -> Any:
        model = document_class(document, task.shape, collection)
        ctx.run(_init(init, ctx, model))
        return model

    return ctx.shared(f"data_bridge:{collection}", initialise)


def _attribute(owner: Any, name: str, where: str) -> Any:
    value = getattr(owner, name, None)
    if value is None:
        raise Unavailable(f"not available yet: {where}.{name}")
    return value


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "insert":
        model = _model(task, ctx, f"{task.collection}_data_bridge")
        _attribute(model, "insert_many", "Document")
        source = list(documents(task.shape, task.count))
        batch: list[Any] = []

        def before_insert() -> None:
            ctx.db.drop_collection(f"{task.collection}_data_bridge")
            batch[:] = [model(**doc) for doc in source]

        async def insert() -> int:
            result = await _maybe_await(model.insert_many(batch))
            return len(result.inserted_ids)

        return Contender(NAME, "await Model.insert_many(models)", insert, before_insert)

    if task.kind == "write_pandas":
        return None
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
    # find_table
    method = f"to_{task.output}"
    query = find_all()
    _attribute(query, method, "FindMany")

    async def to_table() -> int:
        table = await _maybe_await(getattr(find_all(), method)())
        return len(table) if task.output == "pandas" else int(table.num_rows if task.output == "arrow" else table.height)

    return Contender(NAME, f"await Model.find_all().{method}()", to_table)
