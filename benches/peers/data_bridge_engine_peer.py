"""data-bridge's engine API (``data_bridge._engine``): dicts, Arrow tables, Arrow writes.

Each method is looked up on the built module when the contender is built: until it exists the
contender is reported "not available yet: Collection.<method>", and it runs once it lands.
"""

from __future__ import annotations

from typing import Any

from benches.datasets import documents, flat_rows
from benches.model import Contender, Context, Task, Unavailable, require
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "data-bridge engine"


def _collection(ctx: Context, name: str) -> Any:
    def connect() -> Any:
        client_class = require("data_bridge._engine", "Client", what="data_bridge._engine.Client")
        client = client_class(ctx.uri)
        ctx.on_close(client.close_sync)
        return client

    client = ctx.shared("data_bridge_engine_client", connect)
    return client.database(ctx.db_name).collection(name)


def _method(collection: Any, name: str) -> Any:
    method = getattr(collection, name, None)
    if method is None:
        raise Unavailable(f"not available yet: data_bridge._engine.Collection.{name}")
    return method


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "insert":
        target = _collection(ctx, f"{task.collection}_data_bridge_engine")
        insert_many = _method(target, "insert_many_sync")
        source = list(documents(task.shape, task.count))
        batch: list[dict[str, Any]] = []

        def before_insert() -> None:
            target.drop_sync()
            batch[:] = [dict(doc) for doc in source]

        return Contender(
            NAME,
            "collection.insert_many_sync(dicts)",
            lambda: insert_many(batch).inserted_count,
            before_insert,
        )
    if task.kind == "write_pandas":
        import pandas as pd

        target = _collection(ctx, f"{task.collection}_data_bridge_engine")
        insert_arrow = _method(target, "insert_arrow_sync")
        frame = pd.DataFrame(flat_rows(task.count))
        return Contender(
            NAME,
            "collection.insert_arrow_sync(df)",
            lambda: insert_arrow(frame).inserted_count,
            target.drop_sync,
        )

    collection = _collection(ctx, task.collection)
    if task.kind == "find_objects":
        find_raw = _method(collection, "find_raw_sync")
        return Contender(NAME, "collection.find_raw_sync() (dicts)", lambda: len(find_raw()))
    if task.kind == "find_read_all":
        find_raw = _method(collection, "find_raw_sync")
        return Contender(
            NAME, "collection.find_raw_sync() + read fields", lambda: read_all(find_raw())
        )
    if task.kind == "save_changes":
        find_raw = _method(collection, "find_raw_sync")
        update_one = _method(collection, "update_one_sync")
        round_ = UpdateRound(task, ctx)
        loaded: list[dict[str, Any]] = []

        def before_update() -> None:
            loaded[:] = find_raw()
            round_.next()

        def update() -> int:
            change = {"$set": {round_.field: round_.value}}
            return sum(update_one({"_id": doc["_id"]}, change).matched_count for doc in loaded)

        return Contender(
            NAME, "update_one_sync($set) per document", update, before_update, round_.check
        )
    if task.kind == "find_table":
        return _find_table(task, collection)
    return None


def _find_table(task: Task, collection: Any) -> Contender:
    find = _method(collection, "find_sync")
    if task.output == "arrow":
        import pyarrow as pa

        return Contender(
            NAME, "pa.table(collection.find_sync())", lambda: pa.table(find()).num_rows
        )
    if task.output == "pandas":
        import pyarrow as pa

        return Contender(
            NAME,
            "pa.table(collection.find_sync()).to_pandas()",
            lambda: len(pa.table(find()).to_pandas()),
        )
    import polars as pl

    return Contender(
        NAME, "pl.DataFrame(collection.find_sync())", lambda: pl.DataFrame(find()).height
    )
