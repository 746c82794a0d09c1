"""Helpers shared by the engine tests: run one operation either awaited or blocking.

Tests are parametrized over ``MODES`` instead of being written twice: ``await call(obj, "find",
mode, ...)`` awaits ``obj.find(...)`` in ``"async"`` mode and calls ``obj.find_sync(...)`` in
``"sync"`` mode.
"""

from __future__ import annotations

import uuid
from typing import Any

MODES = ["async", "sync"]


async def call(target: Any, name: str, mode: str, *args: Any, **kwargs: Any) -> Any:
    """Run ``target.name(...)`` awaited, or ``target.name_sync(...)`` blocking."""
    if mode == "async":
        return await getattr(target, name)(*args, **kwargs)
    return getattr(target, f"{name}_sync")(*args, **kwargs)


def fresh_name(prefix: str = "c") -> str:
    """A collection name no other test uses."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
