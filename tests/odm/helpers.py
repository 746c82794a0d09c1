"""Helpers that let one test body drive both the async and the sync API."""

import inspect
from typing import Any

from data_bridge.odm.sync_queries import SyncAggregationQuery, SyncFindMany
from pydantic import BaseModel


async def run(value: Any) -> Any:
    """Await an async result, ``.run()`` a lazy sync query, pass a sync result through."""
    if not isinstance(value, BaseModel) and hasattr(type(value), "run"):
        return value.run()
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(query: Any) -> list[Any]:
    """Iterate a query the way its flavour is iterated (``async for`` / ``for``)."""
    if isinstance(query, (SyncFindMany, SyncAggregationQuery)):
        return list(query)
    return [item async for item in query]


class BulkContext:
    """``async with`` / ``with`` a bulk writer, whichever the flavour needs."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    async def __aenter__(self) -> Any:
        if hasattr(self.writer, "__aenter__"):
            return await self.writer.__aenter__()
        return self.writer.__enter__()

    async def __aexit__(self, *exc: Any) -> None:
        if hasattr(self.writer, "__aexit__"):
            await self.writer.__aexit__(*exc)
        else:
            self.writer.__exit__(*exc)
