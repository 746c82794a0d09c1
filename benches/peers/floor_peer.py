"""The raw floors: the server and the wire alone, with no library work around them.

Reads: fetch every byte with PyMongo's ``find_raw_batches`` and decode nothing. Writes: send
documents encoded before the clock starts (``_id`` included) with an ``insert_many`` that
only sends them. No library can read or write faster from this server over this connection: the
floor shows how much of each contender's time is the server and the wire, and how much its own.
"""

from __future__ import annotations

import bson
from bson.raw_bson import RawBSONDocument
from pymongo import InsertOne

from benches.datasets import documents, flat_rows
from benches.model import Contender, Context, Task, Unavailable, require

NAME = "raw floor"


def _write_floor(task: Task, ctx: Context) -> Contender:
    # The rows encoded before the clock starts (``_id`` included); only sending is timed. Through
    # data-bridge's engine, the faster of the two senders here: PyMongo's ``insert_many`` of
    # ``RawBSONDocument`` measured slower than data-bridge's whole write.
    engine = require("data_bridge._engine", what="data_bridge._engine")
    columns = flat_rows(task.count)
    keys = list(columns)
    fields = [("id", "_id", None), *((key, key, None) for key in keys)]
    layout = engine.ModelLayout(fields, id_field="id", id_class=bson.ObjectId)
    rows = [
        {"id": None, **dict(zip(keys, values, strict=True))}
        for values in zip(*columns.values(), strict=True)
    ]
    encoded = engine.encode_models(rows, layout, keep_nulls=True)
    if encoded is None:
        raise Unavailable("encode_models could not encode the write rows")
    client = engine.Client(ctx.uri)
    ctx.on_close(client.close_sync)
    name = f"{task.collection}_floor"
    target = client.database(ctx.db_name).collection(name)
    return Contender(
        NAME,
        "engine insert_many_sync(pre-encoded documents)",
        lambda: target.insert_many_sync(encoded).inserted_count,
        lambda: ctx.db.drop_collection(name),
    )


def _insert_floor(task: Task, ctx: Context) -> Contender:
    # PyMongo sends ``RawBSONDocument``s as they are, in an OP_MSG document sequence: for small
    # batches of big documents that measured faster on SecantusDB than the engine's command
    # (see crates/data-bridge-mongodb/examples/insert_paths.rs).
    encoded = [
        InsertOne(RawBSONDocument(bson.encode({"_id": bson.ObjectId(), **doc})))
        for doc in documents(task.shape, task.count)
    ]
    name = f"{task.collection}_floor"
    target = ctx.db[name]
    return Contender(
        NAME,
        "bulk_write(InsertOne(pre-encoded RawBSONDocument))",
        lambda: target.bulk_write(encoded).inserted_count,
        lambda: ctx.db.drop_collection(name),
    )


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "write_pandas":
        return _write_floor(task, ctx)
    if task.kind == "insert":
        return _insert_floor(task, ctx)
    reads_everything = task.kind == "find_objects" or (
        task.kind == "find_table" and task.output == "arrow"
    )
    if not reads_everything:
        return None
    collection = ctx.db[task.collection]

    def fetch() -> int:
        return sum(len(batch) for batch in collection.find_raw_batches())

    return Contender(NAME, "find_raw_batches(), no decoding", fetch, expect=task.bson_bytes)
