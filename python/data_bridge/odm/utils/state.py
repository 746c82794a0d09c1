"""Decorators that guard methods needing a document's saved state (``beanie.odm.utils.state``).

data-bridge tracks state for every document (``use_state_management`` is always on), so these
check only that a state was saved (the document was loaded or written) and, for the previous
state, that ``Settings.state_management_save_previous`` is on.

Example:
    >>> from data_bridge import Document
    >>> class Note(Document):
    ...     text: str
    ...     @saved_state_needed
    ...     def changed_text(self) -> bool:
    ...         return "text" in self.get_changes()
    >>> Note(text="x").changed_text()
    Traceback (most recent call last):
    ...
    data_bridge.errors.StateNotSaved: Note: no saved state (insert or load it first)

"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from data_bridge.errors import StateManagementIsTurnedOff, StateNotSaved
from data_bridge.odm.core import DocumentCore

P = ParamSpec("P")
R = TypeVar("R")


def check_if_state_saved(doc: DocumentCore) -> None:
    """Raise ``StateNotSaved`` unless ``doc`` was loaded from or written to MongoDB."""
    if not doc._db_has_state():
        raise StateNotSaved(f"{type(doc).__name__}: no saved state (insert or load it first)")


def check_if_previous_state_saved(doc: DocumentCore) -> None:
    """Raise ``StateManagementIsTurnedOff`` unless the class keeps the previous state."""
    if not type(doc).get_settings().state_management_save_previous:
        raise StateManagementIsTurnedOff(
            f"{type(doc).__name__}: Settings.state_management_save_previous is off"
        )


def _guarded(check: Callable[[DocumentCore], None], method: Callable[P, R]) -> Callable[P, R]:
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            check(args[0])  # type: ignore[arg-type]
            return await method(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        check(args[0])  # type: ignore[arg-type]
        return method(*args, **kwargs)

    return wrapper


def saved_state_needed(method: Callable[P, R]) -> Callable[P, R]:
    """Make a (sync or async) document method raise ``StateNotSaved`` without a saved state."""
    return _guarded(check_if_state_saved, method)


def previous_saved_state_needed(method: Callable[P, R]) -> Callable[P, R]:
    """Make a document method require ``Settings.state_management_save_previous``."""
    return _guarded(check_if_previous_state_saved, method)


def save_state_after(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """After the decorated async method, record the document as saved in its current form."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = await method(*args, **kwargs)
        doc: DocumentCore = args[0]  # type: ignore[assignment]
        doc._db_record_saved(doc._db_encode(), full=True)
        return result

    return wrapper
