"""Index suggestions from a query's filter and sort, following the ESR rule.

An index serves a query best when its keys are the fields tested for **E**quality first, then the
**S**ort keys, then the fields tested with a **R**ange (``$gt``, ``$in`` over many values,
``$regex``...). :func:`suggest_index` applies that rule; :func:`plan_hint` phrases it for a plan
that scanned the whole collection or sorted in memory.

Example:
    >>> suggest_index({"status": "paid", "total": {"$gt": 10}}, [("created", -1)]).keys
    [('status', 1), ('created', -1), ('total', 1)]

"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

# Operators that pin a field to one value (an equality prefix of an index).
_EQUALITY_OPERATORS = frozenset({"$eq"})
# Operators an index can serve as a range scan; anything else ($where, $expr, $text...) is not
# a field test an index orders, so it does not shape the suggestion.
_RANGE_OPERATORS = frozenset(
    {"$gt", "$gte", "$lt", "$lte", "$in", "$ne", "$nin", "$regex", "$exists", "$type", "$all"}
)


@dataclasses.dataclass(frozen=True)
class IndexSuggestion:
    """Keys of an index that would serve a query, and the fields each ESR part came from.

    Example:
        >>> s = suggest_index({"a": 1}, [("b", -1)])
        >>> s.index_model_line()
        'IndexModel([("a", ASCENDING), ("b", DESCENDING)])'

    """

    keys: list[tuple[str, int]]
    equality: list[str]
    sort: list[str]
    range: list[str]

    @property
    def name(self) -> str:
        """The name MongoDB gives the index (``a_1_b_-1``)."""
        return "_".join(f"{field}_{direction}" for field, direction in self.keys)

    def fields_text(self) -> str:
        """Return the key fields, comma separated and quoted with backticks."""
        return ", ".join(f"`{field}`" for field, _ in self.keys)

    def index_model_line(self) -> str:
        """Return a ``pymongo.IndexModel(...)`` expression creating this index."""
        parts = ", ".join(
            f'("{field}", {"ASCENDING" if direction == 1 else "DESCENDING"})'
            for field, direction in self.keys
        )
        return f"IndexModel([{parts}])"

    def settings_line(self) -> str:
        """Return an entry for ``class Settings: indexes = [...]`` (a plain list of key pairs)."""
        parts = ", ".join(f'("{field}", {direction})' for field, direction in self.keys)
        return f"[{parts}]"

    def served_by(self, index_keys: Sequence[tuple[str, Any]]) -> bool:
        """Whether an existing index (its keys, in order) already starts with these keys.

        Example:
            >>> suggest_index({"a": 1}, None).served_by([("a", 1), ("b", 1)])
            True

        """
        if len(index_keys) < len(self.keys):
            return False
        for (field, direction), (index_field, index_direction) in zip(
            self.keys, index_keys, strict=False
        ):
            if field != index_field:
                return False
            # Equality fields serve in either direction; sort keys need the same (or fully
            # reversed) order, which a single-key comparison approximates.
            if field in self.sort and index_direction not in (direction, -direction):
                return False
        return True


def _classify(query: Mapping[str, Any], equality: dict[str, None], ranges: dict[str, None]) -> None:
    for key, value in query.items():
        key = str(key)
        if key == "$and" and isinstance(value, (list, tuple)):
            for part in value:
                if isinstance(part, Mapping):
                    _classify(part, equality, ranges)
            continue
        if key.startswith("$"):
            continue  # $or / $nor / $expr: no single index prefix serves them
        if isinstance(value, Mapping) and value and all(str(k).startswith("$") for k in value):
            operators = {str(k) for k in value}
            if operators & _EQUALITY_OPERATORS:
                equality[key] = None
            elif operators == {"$in"} and _short_list(value["$in"]):
                equality[key] = None  # a one-value $in is an equality
            elif operators & _RANGE_OPERATORS:
                ranges[key] = None
        else:
            equality[key] = None


def _short_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) <= 1


def _sort_pairs(sort: Any) -> list[tuple[str, int]]:
    if not sort:
        return []
    items = sort.items() if isinstance(sort, Mapping) else sort
    pairs: list[tuple[str, int]] = []
    for item in items:
        field, direction = item
        pairs.append((str(field), -1 if direction in (-1, "-1", "desc", "descending") else 1))
    return pairs


def suggest_index(query: Mapping[str, Any] | None, sort: Any) -> IndexSuggestion | None:
    """Return the ESR index for ``query`` and ``sort``, or None when no index would help.

    No suggestion is made for an empty query without sort, or for a query on ``_id`` alone
    (already indexed).

    Example:
        >>> suggest_index({"age": {"$gt": 3}}, None).keys
        [('age', 1)]
        >>> suggest_index({"_id": 1}, None) is None
        True

    """
    equality: dict[str, None] = {}
    ranges: dict[str, None] = {}
    _classify(query or {}, equality, ranges)
    sort_pairs = [(f, d) for f, d in _sort_pairs(sort) if f not in equality]
    sort_fields = [f for f, _ in sort_pairs]
    range_fields = [f for f in ranges if f not in equality and f not in sort_fields]
    keys = [(f, 1) for f in equality] + sort_pairs + [(f, 1) for f in range_fields]
    if not keys or keys[0][0] == "_id":
        return None
    return IndexSuggestion(keys, list(equality), sort_fields, range_fields)


def plan_hint(
    summary: Any, query: Mapping[str, Any] | None, sort: Any, existing: Sequence[Any] = ()
) -> str | None:
    """One sentence saying which index would serve a query whose plan scanned or sorted badly.

    ``summary`` is a :class:`~data_bridge.observability.explain.PlanSummary`; ``existing`` the
    keys of the collection's indexes (lists of ``(field, direction)``), when known. Returns None
    when the plan already uses a fitting index.

    Example:
        >>> from data_bridge.observability.explain import PlanSummary
        >>> plan = PlanSummary(stage="COLLSCAN", stages=["COLLSCAN"], docs_examined=100000)
        >>> plan_hint(plan, {"age": {"$gt": 3}}, None)
        'COLLSCAN over 100000 documents filtering on `age`: an index on `age` would serve it'

    """
    suggestion = suggest_index(query, sort)
    if suggestion is None:
        return None
    if any(suggestion.served_by(keys) for keys in existing):
        return None
    stages = set(summary.stages)
    if "COLLSCAN" in stages:
        tested = ", ".join(f"`{f}`" for f in [*suggestion.equality, *suggestion.range])
        what = f"filtering on {tested}" if tested else "to sort"
        if suggestion.sort and tested:
            what += " and sorting on " + ", ".join(f"`{f}`" for f in suggestion.sort)
        examined = summary.docs_examined
        scanned = f"over {examined} documents " if examined is not None else ""
        return f"COLLSCAN {scanned}{what}: an index on {suggestion.fields_text()} would serve it"
    if "SORT" in stages and suggestion.sort:
        return (
            f"in-memory SORT on {', '.join(f'`{f}`' for f in suggestion.sort)}: an index on "
            f"{suggestion.fields_text()} would return the documents already sorted"
        )
    return None
