"""Slow operations: the ones over ``slow_ms``, kept in a bounded ring, with index hints.

Filled while query logging is on with a ``slow_ms`` threshold
(:func:`data_bridge.enable_query_logging`). :func:`slow_operations` returns a snapshot as a
:class:`SlowOperationReport`: a text table (``print``), an HTML table (Jupyter), and a JSON file
(``save``) that ``data-bridge index suggest`` reads. Saved entries hold query *shapes* (values
hidden unless logging was enabled with ``show_values=True``).

Example:
    >>> import data_bridge
    >>> data_bridge.enable_query_logging(slow_ms=100)  # doctest: +SKIP
    >>> print(data_bridge.slow_operations())  # doctest: +SKIP
    >>> data_bridge.slow_operations().save("slow.json")  # doctest: +SKIP

"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from data_bridge.observability import hints
from data_bridge.observability.explain import PlanSummary

RING_SIZE = 256
FILE_VERSION = 1


@dataclasses.dataclass(frozen=True)
class SlowOperation:
    """One operation that took at least ``slow_ms``.

    Attributes:
        at: When it finished (UTC, ISO 8601).
        namespace / command / query / pipeline / sort: What ran (shapes).
        total_ms / docs: How long it took, how many documents it returned or wrote.
        plan: The explain summary, when the operation was explained (finds, aggregations).
        hint: The index advice (from the plan when there is one, else from the query's shape).
        suggested_keys: The ESR index keys, or None when no index would help.

    Example:
        >>> op = SlowOperation("2026-01-01T00:00:00+00:00", "app.users", "find",
        ...     query={"age": {"$gt": "?"}}, total_ms=120.0)
        >>> op.suggestion().keys
        [('age', 1)]

    """

    at: str
    namespace: str
    command: str
    query: Any = None
    pipeline: Any = None
    sort: Any = None
    total_ms: float = 0.0
    docs: int | None = None
    plan: PlanSummary | None = None
    hint: str | None = None
    suggested_keys: list[tuple[str, int]] | None = None

    def filter_and_sort(self) -> tuple[dict[str, Any], Any]:
        """Return the filter and sort an index would serve (an aggregation's leading stages)."""
        if self.pipeline is None:
            return dict(self.query or {}), self.sort
        query: dict[str, Any] = {}
        sort: Any = None
        for stage in self.pipeline:
            if "$match" in stage and not query and sort is None:
                query = dict(stage["$match"])
            elif "$sort" in stage and sort is None:
                sort = stage["$sort"]
            else:
                break
        return query, sort

    def suggestion(self) -> hints.IndexSuggestion | None:
        """Return the ESR index for this operation's filter and sort."""
        query, sort = self.filter_and_sort()
        return hints.suggest_index(query, sort)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (what :meth:`SlowOperationReport.save` writes)."""
        out = dataclasses.asdict(self)
        out["plan"] = self.plan.as_dict() if self.plan is not None else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlowOperation:
        """Inverse of :meth:`as_dict`."""
        values: dict[str, Any] = {
            f.name: data.get(f.name) for f in dataclasses.fields(cls) if f.name in data
        }
        plan = values.get("plan")
        values["plan"] = PlanSummary(**plan) if isinstance(plan, dict) else None
        keys = values.get("suggested_keys")
        values["suggested_keys"] = [(str(f), int(d)) for f, d in keys] if keys else None
        return cls(**values)


def _shape_text(op: SlowOperation) -> str:
    shape = op.pipeline if op.pipeline is not None else op.query
    text = json.dumps(shape, default=str) if shape is not None else ""
    if op.sort:
        text += f" sort={json.dumps(op.sort, default=str)}"
    return text


_COLUMNS = ("at", "ms", "command", "namespace", "query", "plan", "hint")


class SlowOperationReport(Sequence[SlowOperation]):
    """A snapshot of slow operations: print it, show it in Jupyter, or save it as JSON.

    Example:
        >>> report = SlowOperationReport([])
        >>> print(report)
        no slow operations recorded

    """

    def __init__(self, operations: Sequence[SlowOperation]) -> None:
        self._operations = list(operations)

    def __len__(self) -> int:
        return len(self._operations)

    def __getitem__(self, index: Any) -> Any:
        return self._operations[index]

    def __iter__(self) -> Iterator[SlowOperation]:
        return iter(self._operations)

    def rows(self) -> list[tuple[str, ...]]:
        """One tuple of strings per operation, in the order of the table's columns."""
        return [
            (
                op.at[11:23] if len(op.at) > 23 else op.at,
                f"{op.total_ms:.1f}",
                op.command,
                op.namespace,
                _shape_text(op),
                op.plan.text() if op.plan is not None else "",
                op.hint or "",
            )
            for op in self._operations
        ]

    def __str__(self) -> str:
        if not self._operations:
            return "no slow operations recorded"
        rows = [_COLUMNS, *self.rows()]
        widths = [min(60, max(len(r[i]) for r in rows)) for i in range(len(_COLUMNS))]
        lines = []
        for row in rows:
            cells = [
                c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(row, widths, strict=True)
            ]
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        # Hints are the point of the report: print them in full under the table.
        full_hints = [f"- {op.hint}" for op in self._operations if op.hint]
        if full_hints:
            lines += ["", "hints:", *dict.fromkeys(full_hints)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"SlowOperationReport({len(self)} operations)"

    def _repr_html_(self) -> str:
        from data_bridge.analytics.html import rows_html

        title = f"{len(self)} slow operations"
        table = rows_html(_COLUMNS, self.rows())
        return f'<div class="data-bridge"><strong>{title}</strong>{table}</div>'

    def save(self, path: str | Path) -> Path:
        """Write the operations to a JSON file (for ``data-bridge index suggest --from``).

        Example:
            >>> data_bridge.slow_operations().save("slow.json")  # doctest: +SKIP

        """
        target = Path(path)
        payload = {"version": FILE_VERSION, "operations": [op.as_dict() for op in self]}
        target.write_text(json.dumps(payload, default=str, indent=1), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> SlowOperationReport:
        """Read a file written by :meth:`save`.

        Example:
            >>> SlowOperationReport.load("slow.json")  # doctest: +SKIP

        """
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(payload, dict) or "operations" not in payload:
            raise ValueError(f"{path}: not a slow-operation file (no 'operations' list)")
        return cls([SlowOperation.from_dict(item) for item in payload["operations"]])


_ring: collections.deque[SlowOperation] = collections.deque(maxlen=RING_SIZE)
_lock = threading.Lock()


def record(op: SlowOperation) -> None:
    """Append to the ring (the oldest entry goes when it is full)."""
    with _lock:
        _ring.append(op)


def set_ring_size(size: int) -> None:
    """Keep at most ``size`` slow operations (existing newest ones are kept)."""
    global _ring
    if size < 1:
        raise ValueError(f"ring size must be at least 1, not {size}")
    with _lock:
        _ring = collections.deque(_ring, maxlen=size)


def slow_operations(clear: bool = False) -> SlowOperationReport:
    """Return the slow operations recorded so far (oldest first); ``clear`` empties the ring.

    Example:
        >>> import data_bridge
        >>> len(data_bridge.slow_operations(clear=True)) >= 0
        True

    """
    with _lock:
        snapshot = list(_ring)
        if clear:
            _ring.clear()
    return SlowOperationReport(snapshot)


def utc_now() -> str:
    """Return the current time as ISO 8601 UTC (slow-operation timestamps)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat()
