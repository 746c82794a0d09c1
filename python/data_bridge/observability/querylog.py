"""Query logging: each operation's namespace, command, filter shape, timings, size.

Off by default. :func:`enable_query_logging` (or ``DATA_BRIDGE_QUERY_LOG=1`` in the environment
at import time) sets the module flag :data:`enabled`; the ODM executor and the analytics reads
check that one flag per operation and, only when it is set, run through the instrumented
runners in :mod:`data_bridge.observability.runner`. Nothing else is paid when logging is off.

Loggers: ``data_bridge.odm`` (model operations), ``data_bridge.analytics`` (Arrow reads), and
``data_bridge.slow`` (WARNING, operations over ``slow_ms``), all children of ``data_bridge``.
The line format is documented in ``docs/observability.md``; each record also carries the
operation as a dict in ``record.data_bridge``.

Example:
    >>> import data_bridge
    >>> data_bridge.enable_query_logging(slow_ms=100)  # doctest: +SKIP
    >>> User.find(User.age > 30).to_list()  # doctest: +SKIP
    INFO data_bridge.odm: find app.users {"age": {"$gt": "?"}} total=3.10ms server=... docs=90 ...

"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from typing import Any

from data_bridge.observability.shape import redact, redact_pipeline

ENV_FLAG = "DATA_BRIDGE_QUERY_LOG"
ENV_SLOW_MS = "DATA_BRIDGE_SLOW_MS"

# The one flag the hot paths read: a module global, so the check is a single attribute load.
enabled = False

ROOT_LOGGER = logging.getLogger("data_bridge")
SLOW_LOGGER = logging.getLogger("data_bridge.slow")


@dataclasses.dataclass
class Settings:
    """What :func:`enable_query_logging` configured."""

    level: int = logging.INFO
    show_values: bool = False
    slow_ms: float | None = None
    explain_slow: bool = True


settings = Settings()
_handler: logging.Handler | None = None
# The ``data_bridge`` logger's level before enable_query_logging, restored by disable.
_saved_level: int | None = None

# Methods whose first positional argument is a filter / a pipeline / documents.
_FILTER_FIRST = frozenset(
    {
        "find",
        "find_one",
        "find_raw",
        "find_stream",
        "count_documents",
        "update_one",
        "update_many",
        "replace_one",
        "delete_one",
        "delete_many",
        "find_one_and_update",
        "find_one_and_replace",
        "find_one_and_delete",
    }
)
_PIPELINE_FIRST = frozenset({"aggregate", "aggregate_raw", "aggregate_stream"})
_UPDATE_SECOND = frozenset({"update_one", "update_many", "find_one_and_update"})


@dataclasses.dataclass
class Operation:
    """One logged operation.

    Attributes:
        area: ``"odm"`` or ``"analytics"`` (the child logger it went to).
        namespace: ``database.collection``.
        command: The engine method (``find``, ``aggregate``, ``update_many``...).
        query / pipeline / sort / update: Shapes (values hidden unless ``show_values``).
        docs: Documents returned (reads) or written (writes); None when not applicable.
        bson_bytes: BSON bytes of the documents the server returned (reads into tables).
        batches: Server batches received (reads into tables).
        engine_ms: The engine call as a whole: server round trips plus decoding in Rust.
        server_ms: The part of ``engine_ms`` spent waiting for the server (reads into tables).
        decode_ms: The part of ``engine_ms`` spent decoding BSON in Rust (reads into tables).
        python_ms: Python work on the result until the operation's next step (building model
            instances); None where the result leaves the library undecoded (Arrow exports).
        total_ms: ``engine_ms + python_ms``.
        error: The exception's class name when the operation failed.

    Example:
        >>> Operation("odm", "app.users", "find", total_ms=1.0).line()
        'find app.users total=1.00ms'
        >>> Operation("odm", "app.users", "find", docs=2, bson_bytes=80, engine_ms=0.9,
        ...           server_ms=0.5, decode_ms=0.1, python_ms=0.1, total_ms=1.0).line()
        'find app.users total=1.00ms server=0.50ms decode=0.10ms python=0.10ms docs=2 bytes=80'

    """

    area: str
    namespace: str
    command: str
    query: Any = None
    pipeline: Any = None
    sort: Any = None
    update: Any = None
    docs: int | None = None
    bson_bytes: int | None = None
    batches: int | None = None
    engine_ms: float | None = None
    server_ms: float | None = None
    decode_ms: float | None = None
    python_ms: float | None = None
    total_ms: float = 0.0
    error: str | None = None
    # The unredacted query and options, kept in memory only (explain needs real values).
    raw: dict[str, Any] | None = dataclasses.field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Return the logged fields as a plain dict (what ``record.data_bridge`` holds)."""
        out = dataclasses.asdict(self)
        out.pop("raw", None)
        return out

    def line(self) -> str:
        """Return the log line (format documented in ``docs/observability.md``)."""
        parts = [self.command, self.namespace]
        if self.pipeline is not None:
            parts.append(_json(self.pipeline))
        elif self.query is not None:
            parts.append(_json(self.query))
        if self.sort:
            parts.append(f"sort={_json(self.sort)}")
        if self.update is not None:
            parts.append(f"update={_json(self.update)}")
        parts.append(f"total={self.total_ms:.2f}ms")
        if self.server_ms is not None and self.decode_ms is not None:
            # The engine's own split replaces the engine call's wall time.
            parts.append(f"server={self.server_ms:.2f}ms decode={self.decode_ms:.2f}ms")
        elif self.engine_ms is not None:
            parts.append(f"engine={self.engine_ms:.2f}ms")
        if self.python_ms is not None:
            parts.append(f"python={self.python_ms:.2f}ms")
        if self.docs is not None:
            parts.append(f"docs={self.docs}")
        if self.bson_bytes is not None:
            parts.append(f"bytes={self.bson_bytes}")
        if self.error is not None:
            parts.append(f"error={self.error}")
        return " ".join(parts)


def _json(value: Any) -> str:
    return json.dumps(value, default=str, separators=(", ", ": "))


def _sort_document(sort: Any) -> Any:
    if isinstance(sort, (list, tuple)):
        return {str(field): direction for field, direction in sort}
    return sort


def describe(
    area: str, collection: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Operation:
    """Build the :class:`Operation` for an engine call (timings filled in later)."""
    show = settings.show_values
    namespace = str(getattr(collection, "full_name", "?"))
    op = Operation(area, namespace, method)
    sort = _sort_document(kwargs.get("sort"))
    op.sort = sort
    first = args[0] if args else kwargs.get("filter", kwargs.get("pipeline"))
    raw: dict[str, Any] = {"sort": sort, "hint": kwargs.get("hint")}
    if method in _PIPELINE_FIRST and isinstance(first, list):
        raw["pipeline"] = first
        op.pipeline = first if show else redact_pipeline(first)
    elif method in _FILTER_FIRST or method == "distinct":
        query = first
        if method == "distinct":
            query = args[1] if len(args) > 1 else kwargs.get("filter")
        query = query if isinstance(query, dict) else {}
        raw["filter"] = query
        op.query = query if show else redact(query)
        if method in _UPDATE_SECOND and len(args) > 1:
            update = args[1]
            if isinstance(update, list):
                op.update = update if show else redact_pipeline(update)
            elif isinstance(update, dict):
                op.update = update if show else redact(update)
    elif method == "insert_one":
        op.docs = 1
    elif method in ("insert_many", "bulk_write") and isinstance(first, list):
        op.docs = len(first)
    op.raw = raw
    return op


def _take_stats(op: Operation, stats: dict[str, float]) -> None:
    op.server_ms = float(stats["server_ms"])
    op.decode_ms = float(stats["decode_ms"])
    op.batches = int(stats["batches"])
    op.bson_bytes = int(stats["bson_bytes"])


def measure_result(op: Operation, result: Any) -> None:
    """Fill ``docs`` and, for tables, the engine's read stats from what it returned."""
    if op.docs is not None:
        return
    num_rows = getattr(result, "num_rows", None)
    if isinstance(num_rows, int):
        op.docs = num_rows
        stats = getattr(result, "stats", None)
        if isinstance(stats, dict):
            _take_stats(op, stats)
    elif isinstance(result, list):
        op.docs = len(result)
    elif isinstance(result, dict):
        op.docs = 1
    elif result is None and op.command.startswith("find_one"):
        op.docs = 0
    else:
        for name in ("modified_count", "deleted_count", "inserted_count"):
            count = getattr(result, name, None)
            if isinstance(count, int):
                op.docs = count
                break


def now() -> float:
    """Return the clock every timing uses (``time.perf_counter``), in seconds."""
    return time.perf_counter()


def emit(op: Operation) -> bool:
    """Log ``op`` and return whether it crossed the slow threshold (caller records it)."""
    logger = logging.getLogger(f"data_bridge.{op.area}")
    if logger.isEnabledFor(settings.level):
        logger.log(settings.level, op.line(), extra={"data_bridge": op.as_dict()})
    slow = settings.slow_ms is not None and op.total_ms >= settings.slow_ms
    if slow and SLOW_LOGGER.isEnabledFor(logging.WARNING):
        SLOW_LOGGER.warning(
            "slow operation (over %sms): %s",
            settings.slow_ms,
            op.line(),
            extra={"data_bridge": op.as_dict()},
        )
    return slow


def enable_query_logging(
    level: int | str = logging.INFO,
    *,
    show_values: bool = False,
    slow_ms: float | None = None,
    explain_slow: bool = True,
    handler: bool | None = None,
) -> None:
    """Log every operation to the ``data_bridge`` loggers; collect slow ones.

    Args:
        level: Level of the per-operation records (``logging.INFO`` or ``"DEBUG"``...); the
            ``data_bridge`` logger is set to it.
        show_values: Log filter and update values instead of ``"?"``.
        slow_ms: Operations taking at least this long are logged at WARNING on
            ``data_bridge.slow`` and kept in :func:`data_bridge.slow_operations`.
        explain_slow: Explain each slow find/aggregate (one extra round trip, slow ones only)
            so the report can say which plan ran and which index would serve it.
        handler: Attach a stderr handler to ``data_bridge``. ``None`` (default): only when
            neither it nor the root logger has one, so the records are visible somewhere.

    Example:
        >>> import data_bridge
        >>> data_bridge.enable_query_logging(level="DEBUG", slow_ms=50)
        >>> data_bridge.disable_query_logging()

    """
    global enabled, _handler, _saved_level
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        raise ValueError(f"unknown logging level {level!r}")
    settings.level = numeric
    settings.show_values = show_values
    settings.slow_ms = slow_ms
    settings.explain_slow = explain_slow
    if _saved_level is None:
        _saved_level = ROOT_LOGGER.level
    ROOT_LOGGER.setLevel(min(numeric, logging.WARNING))
    wants_handler = (
        handler
        if handler is not None
        else not (ROOT_LOGGER.handlers or logging.getLogger().handlers)
    )
    if wants_handler and _handler is None:
        _handler = logging.StreamHandler()
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        ROOT_LOGGER.addHandler(_handler)
    enabled = True


def disable_query_logging() -> None:
    """Stop logging operations (the hot paths go back to a single flag check).

    Example:
        >>> import data_bridge
        >>> data_bridge.disable_query_logging()

    """
    global enabled, _handler, _saved_level
    enabled = False
    if _handler is not None:
        ROOT_LOGGER.removeHandler(_handler)
        _handler = None
    if _saved_level is not None:
        ROOT_LOGGER.setLevel(_saved_level)
        _saved_level = None


def enable_from_environment(environ: dict[str, str] | None = None) -> bool:
    """Turn logging on when ``DATA_BRIDGE_QUERY_LOG`` is set to a true value; return whether.

    ``DATA_BRIDGE_QUERY_LOG`` may also name a level (``DEBUG``); ``DATA_BRIDGE_SLOW_MS`` sets
    the slow threshold.

    Example:
        >>> enable_from_environment({"DATA_BRIDGE_QUERY_LOG": "0"})
        False

    """
    env = os.environ if environ is None else environ
    flag = env.get(ENV_FLAG, "").strip()
    if flag.lower() in ("", "0", "false", "no", "off"):
        return False
    named = logging.getLevelName(flag.upper())
    level: int | str = named if isinstance(named, int) else logging.INFO
    slow = env.get(ENV_SLOW_MS, "").strip()
    try:
        slow_ms = float(slow) if slow else None
    except ValueError:
        raise ValueError(f"{ENV_SLOW_MS} must be a number of milliseconds, not {slow!r}") from None
    enable_query_logging(level, slow_ms=slow_ms)
    return True
