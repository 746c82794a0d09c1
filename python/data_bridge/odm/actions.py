"""Event hooks: ``@before_event(Insert, Save)`` / ``@after_event(...)`` on document methods.

Beanie's ``beanie.odm.actions`` path: the event types, the decorators, and
``wrap_with_actions`` for methods of your own that should fire an event's hooks.

Example:
    >>> from data_bridge import Document, Insert, before_event
    >>> class Note(Document):
    ...     text: str
    ...     @before_event(Insert)
    ...     def strip(self) -> None:
    ...         self.text = self.text.strip()

"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, ParamSpec, TypeVar

from data_bridge.odm.executor import Gather, Hook, Plan, run_async

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")


class EventTypes(str, Enum):
    """The document operations that fire events."""

    INSERT = "INSERT"
    REPLACE = "REPLACE"
    SAVE = "SAVE"
    SAVE_CHANGES = "SAVE_CHANGES"
    VALIDATE_ON_SAVE = "VALIDATE_ON_SAVE"
    DELETE = "DELETE"
    UPDATE = "UPDATE"


Insert = EventTypes.INSERT
Replace = EventTypes.REPLACE
Save = EventTypes.SAVE
SaveChanges = EventTypes.SAVE_CHANGES
ValidateOnSave = EventTypes.VALIDATE_ON_SAVE
Delete = EventTypes.DELETE
Update = EventTypes.UPDATE


class ActionDirections(str, Enum):
    """Before or after the operation."""

    BEFORE = "BEFORE"
    AFTER = "AFTER"


Before = ActionDirections.BEFORE
After = ActionDirections.AFTER

SkipActions = list[ActionDirections | str] | None


def _register(
    events: tuple[list[EventTypes] | EventTypes, ...], direction: ActionDirections
) -> Callable[[F], F]:
    flat: list[EventTypes] = []
    for event in events:
        flat.extend(event if isinstance(event, list) else [event])

    def decorator(fn: F) -> F:
        fn.has_action = True  # type: ignore[attr-defined]
        fn.event_types = flat  # type: ignore[attr-defined]
        fn.action_direction = direction  # type: ignore[attr-defined]
        return fn

    return decorator


def before_event(*events: list[EventTypes] | EventTypes) -> Callable[[F], F]:
    """Run the decorated method (sync or async) before the given events.

    Example:
        >>> @before_event(Insert, Replace)
        ... def touch(self) -> None: ...

    """
    return _register(events, ActionDirections.BEFORE)


def after_event(*events: list[EventTypes] | EventTypes) -> Callable[[F], F]:
    """Run the decorated method (sync or async) after the given events.

    Example:
        >>> @after_event(Delete)
        ... async def audit(self) -> None: ...

    """
    return _register(events, ActionDirections.AFTER)


Registry = dict[EventTypes, dict[ActionDirections, list[Callable[..., Any]]]]


def collect_actions(cls: type) -> Registry:
    """Every hook declared on ``cls`` or its bases, by event and direction (MRO order)."""
    registry: Registry = {e: {d: [] for d in ActionDirections} for e in EventTypes}
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, attr in vars(klass).items():
            if name in seen or not getattr(attr, "has_action", False):
                continue
            seen.add(name)
            for event in attr.event_types:
                registry[event][attr.action_direction].append(attr)
    return registry


def run_actions(
    doc: Any, event: EventTypes, direction: ActionDirections, skip: SkipActions
) -> Plan[None]:
    """Plan step: run the hooks of ``doc``'s class for (event, direction) unless skipped."""
    if skip and direction in skip:
        return
    actions = type(doc)._db_actions()[event][direction]
    hooks = [Hook(a, doc) for a in actions if not (skip and a.__name__ in skip)]
    if hooks:
        yield Gather(hooks)  # type: ignore[arg-type]


def wrap_with_actions(
    event_type: EventTypes,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Run ``event_type``'s before hooks, then the decorated async method, then its after hooks.

    The method's first argument is the document; a ``skip_actions=[...]`` keyword argument
    skips hooks as it does for ``insert`` and friends.

    Example:
        >>> from data_bridge import Document
        >>> class Note(Document):
        ...     text: str
        ...     @wrap_with_actions(EventTypes.SAVE)
        ...     async def publish(self, skip_actions=None) -> None: ...

    """

    def decorator(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(method)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            doc = args[0]
            skip: SkipActions = kwargs.get("skip_actions")  # type: ignore[assignment]
            await run_async(run_actions(doc, event_type, ActionDirections.BEFORE, skip))
            result = await method(*args, **kwargs)
            await run_async(run_actions(doc, event_type, ActionDirections.AFTER, skip))
            return result

        return wrapper

    return decorator
