"""``validate_self_before`` (Beanie's ``beanie.odm.utils.self_validation``).

Example:
    >>> from data_bridge import Document
    >>> class Note(Document):
    ...     text: str
    ...     @validate_self_before
    ...     async def publish(self) -> None: ...

"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from data_bridge.odm.executor import run_async
from data_bridge.odm.operations import validate_self

P = ParamSpec("P")
R = TypeVar("R")


def validate_self_before(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Validate the document (with its ValidateOnSave hooks) before the decorated async method.

    Validation runs when ``Settings.validate_on_save`` is on, as for ``save``; a
    ``skip_actions=[...]`` keyword argument skips hooks.
    """

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        skip = kwargs.get("skip_actions")
        await run_async(validate_self(args[0], skip))  # type: ignore[arg-type]
        return await method(*args, **kwargs)

    return wrapper
