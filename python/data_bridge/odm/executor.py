"""One implementation, two calling conventions: operations are written once as generators.

An operation yields :class:`Call` (engine I/O) and :class:`Hook` (user event handlers) steps and
returns its result; :func:`run_async` awaits each step through the engine's awaitable methods,
:func:`run_sync` calls their ``*_sync`` twins. So ``data_bridge.Document`` and
``data_bridge.sync.Document`` share every line of logic.

Example:
    >>> def plan():
    ...     value = yield Hook(lambda: 20)
    ...     return value + 1
    >>> run_sync(plan())
    21

"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
from collections.abc import Callable, Generator
from typing import Any, TypeVar

from data_bridge import _engine
from data_bridge.observability import querylog as _querylog
from data_bridge.odm.pymongo_sessions import PymongoRoute, is_pymongo_session

T = TypeVar("T")

# The session of the enclosing ``data_bridge.transaction()`` block, if any.
CURRENT_SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "data_bridge_session", default=None
)


class Call:
    """Call ``method`` of an engine object (``method_sync`` when running synchronously)."""

    __slots__ = ("args", "kwargs", "method", "target")

    def __init__(self, target: Any, method: str, *args: Any, **kwargs: Any) -> None:
        session = kwargs.get("session", 0)
        if session is None:
            # Inside a transaction block, operations given no session join its session.
            kwargs["session"] = session = CURRENT_SESSION.get()
        if is_pymongo_session(session):
            # The engine's connections cannot join a pymongo session: run through pymongo.
            if not isinstance(target, PymongoRoute):
                target = PymongoRoute(target, session)
        elif session not in (0, None) and not isinstance(session, _engine.Session):
            raise TypeError(
                f"session= takes a data-bridge session (data_bridge.transaction(), or "
                f"start_session() on data-bridge's client) or a pymongo session, not "
                f"{type(session).__name__}"
            )
        self.target = target
        self.method = method
        self.args = args
        self.kwargs = kwargs


class Hook:
    """Call a user function that may be sync or async."""

    __slots__ = ("args", "fn")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self.args = args


class Gather:
    """Run several steps; asynchronously they run concurrently (event handlers, as Beanie)."""

    __slots__ = ("steps",)

    def __init__(self, steps: list[Call | Hook]) -> None:
        self.steps = steps


Step = Call | Hook | Gather
Plan = Generator[Step, Any, T]


async def _step_async(step: Call | Hook) -> Any:
    if type(step) is Call:
        return await getattr(step.target, step.method)(*step.args, **step.kwargs)
    result = step.fn(*step.args)  # type: ignore[union-attr]
    if inspect.isawaitable(result):
        return await result
    return result


def _step_sync(step: Call | Hook) -> Any:
    if type(step) is Call:
        return getattr(step.target, step.method + "_sync")(*step.args, **step.kwargs)
    result = step.fn(*step.args)  # type: ignore[union-attr]
    if inspect.isawaitable(result):
        # An async event handler on a synchronous model: run it to completion on its own loop
        # (in a helper thread when this thread already runs one).
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(_await(result))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _await(result)).result()
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def run_async(plan: Plan[T]) -> T:
    """Drive ``plan`` on the running event loop."""
    if _querylog.enabled:  # query logging: the one check paid when it is off
        from data_bridge.observability import runner

        return await runner.run_async(plan)
    try:
        step = next(plan)
        while True:
            try:
                if type(step) is Gather:
                    result: Any = await asyncio.gather(*(_step_async(s) for s in step.steps))
                else:
                    result = await _step_async(step)  # type: ignore[arg-type]
            except Exception as exc:
                step = plan.throw(exc)
            else:
                step = plan.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


def run_sync(plan: Plan[T]) -> T:
    """Drive ``plan`` in the calling thread (engine calls block with the GIL released)."""
    if _querylog.enabled:  # query logging: the one check paid when it is off
        from data_bridge.observability import runner

        return runner.run_sync(plan)
    try:
        step = next(plan)
        while True:
            try:
                if type(step) is Gather:
                    result: Any = [_step_sync(s) for s in step.steps]
                else:
                    result = _step_sync(step)  # type: ignore[arg-type]
            except Exception as exc:
                step = plan.throw(exc)
            else:
                step = plan.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
