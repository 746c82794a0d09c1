"""The raw floor: fetch every byte with PyMongo's ``find_raw_batches`` and decode nothing.

No library can read faster from this server over this connection: the floor shows how much of
each contender's time is the server and the wire, and how much is its own decoding.
"""

from __future__ import annotations

from benches.model import Contender, Context, Task

NAME = "raw floor"


def build(task: Task, ctx: Context) -> Contender | None:
    reads_everything = task.kind == "find_objects" or (
        task.kind == "find_table" and task.output == "arrow"
    )
    if not reads_everything:
        return None
    collection = ctx.db[task.collection]

    def fetch() -> int:
        return sum(len(batch) for batch in collection.find_raw_batches())

    return Contender(NAME, "find_raw_batches(), no decoding", fetch, expect=task.bson_bytes)
