"""PyMongo's synchronous client: dicts in, dicts out; DataFrames built from the dicts."""

from __future__ import annotations

from typing import Any

from benches.datasets import documents, flat_rows
from benches.model import Contender, Context, Task
from benches.peers.reading import read_all
from benches.peers.updates import UpdateRound

NAME = "PyMongo sync"


def ids_to_bytes(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace each ObjectId ``_id`` by its 12 bytes, which Arrow and polars can hold."""
    for doc in docs:
        doc["_id"] = doc["_id"].binary
    return docs


def build(task: Task, ctx: Context) -> Contender | None:
    db = ctx.db
    if task.kind == "insert":
        target = db[f"{task.collection}_pymongo_sync"]
        source = list(documents(task.shape, task.count))
        batch: list[dict[str, Any]] = []

        def before_insert() -> None:
            target.drop()
            batch[:] = [dict(doc) for doc in source]  # insert_many adds `_id` to each dict

        return Contender(
            NAME,
            "collection.insert_many(dicts)",
            lambda: len(target.insert_many(batch).inserted_ids),
            before_insert,
        )

    source_collection = db[task.collection]
    if task.kind == "find_objects":
        return Contender(
            NAME, "list(collection.find())", lambda: len(list(source_collection.find()))
        )
    if task.kind == "find_read_all":
        return Contender(
            NAME,
            "list(collection.find()) + read fields",
            lambda: read_all(list(source_collection.find())),
        )
    if task.kind == "save_changes":
        round_ = UpdateRound(task, ctx)
        loaded: list[dict[str, Any]] = []

        def before_update() -> None:
            loaded[:] = list(source_collection.find())
            round_.next()

        def update() -> int:
            change = {"$set": {round_.field: round_.value}}
            matched = 0
            for doc in loaded:
                matched += source_collection.update_one({"_id": doc["_id"]}, change).matched_count
            return matched

        return Contender(NAME, "update_one($set) per document", update, before_update, round_.check)
    if task.kind == "find_table":
        return _find_table(task, ctx)
    if task.kind == "write_pandas":
        import pandas as pd

        frame = pd.DataFrame(flat_rows(task.count))
        target = db[f"{task.collection}_pymongo_sync"]
        return Contender(
            NAME,
            'insert_many(df.to_dict("records"))',
            lambda: len(target.insert_many(frame.to_dict("records")).inserted_ids),
            target.drop,
        )
    return None


def _find_table(task: Task, ctx: Context) -> Contender:
    collection = ctx.db[task.collection]
    if task.output == "arrow":
        import pyarrow as pa

        def to_arrow() -> int:
            return pa.Table.from_pylist(ids_to_bytes(list(collection.find()))).num_rows

        return Contender(NAME, "pa.Table.from_pylist(list(find()))", to_arrow)
    if task.output == "pandas":
        import pandas as pd

        def to_pandas() -> int:
            return len(pd.DataFrame(list(collection.find())))

        return Contender(NAME, "pd.DataFrame(list(find()))", to_pandas)
    import polars as pl

    def to_polars() -> int:
        return pl.DataFrame(ids_to_bytes(list(collection.find()))).height

    return Contender(NAME, "pl.DataFrame(list(find()))", to_polars)
