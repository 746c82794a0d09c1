"""Motor, the asyncio wrapper around PyMongo's sync client (deprecated, still widely deployed)."""

from __future__ import annotations

from typing import Any

from benches.model import Contender, Context, Task, require_installed
from benches.peers.pymongo_async_peer import crud

NAME = "Motor"


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind not in ("insert", "find_objects", "find_read_all", "save_changes"):
        return None
    motor_asyncio = require_installed("motor", "motor.motor_asyncio")

    def connect() -> Any:
        async def make() -> Any:
            return motor_asyncio.AsyncIOMotorClient(ctx.uri)

        client = ctx.run(make())
        ctx.on_close(client.close)
        return client

    database = ctx.shared("motor_client", connect)[ctx.db_name]
    return crud(NAME, lambda name: database[name], task, ctx)
