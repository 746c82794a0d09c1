"""The shape of a filter, update or pipeline: its structure with the values hidden.

Logs and slow-operation reports show shapes by default, so user data (emails, tokens, ids)
never reaches a log file unless asked for (``show_values=True``).

Example:
    >>> redact({"age": {"$gt": 30}, "name": {"$in": ["a", "b"]}})
    {'age': {'$gt': '?'}, 'name': {'$in': '?'}}

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

HIDDEN = "?"

# Operators whose argument is itself a query or a list of queries: their structure is kept.
_QUERY_OPERATORS = frozenset({"$and", "$or", "$nor", "$not", "$elemMatch"})
# Pipeline stages holding expressions whose *field paths* are structure, not data.
# ($addFields / $set / $lookup can carry literals, so they are hidden like any other stage.)
_STRUCTURAL_STAGES = frozenset({"$group", "$project", "$sort", "$unwind", "$unset", "$count"})


def redact(value: Any) -> Any:
    """Return ``value`` with every literal replaced by ``"?"`` (keys and operators kept).

    Example:
        >>> redact({"$or": [{"a": 1}, {"b": {"$exists": True}}]})
        {'$or': [{'a': '?'}, {'b': {'$exists': '?'}}]}

    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            key = str(key)
            if key in _QUERY_OPERATORS and isinstance(item, (Mapping, list, tuple)):
                out[key] = (
                    [redact(part) for part in item]
                    if isinstance(item, (list, tuple))
                    else redact(item)
                )
            elif isinstance(item, Mapping) and (
                not item or all(str(k).startswith("$") for k in item)
            ):
                # An operator document ({"$gt": 3}): keep its operators, hide their arguments.
                out[key] = {str(k): _operator_argument(str(k), v) for k, v in item.items()}
            else:
                out[key] = HIDDEN
        return out
    return HIDDEN


def _operator_argument(operator: str, argument: Any) -> Any:
    if operator in _QUERY_OPERATORS and isinstance(argument, Mapping):
        return redact(argument)
    return HIDDEN


def redact_pipeline(pipeline: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return a pipeline's shape: ``$match`` filters redacted, structural stages kept as they are.

    Example:
        >>> redact_pipeline([{"$match": {"age": 3}}, {"$limit": 5}])
        [{'$match': {'age': '?'}}, {'$limit': '?'}]

    """
    shaped: list[dict[str, Any]] = []
    for stage in pipeline:
        if not isinstance(stage, Mapping) or len(stage) != 1:
            shaped.append({"?": HIDDEN})
            continue
        ((name, body),) = stage.items()
        if name == "$match" and isinstance(body, Mapping):
            shaped.append({name: redact(body)})
        elif name in _STRUCTURAL_STAGES:
            shaped.append({name: body})
        else:
            shaped.append({name: HIDDEN})
    return shaped


def filter_fields(query: Mapping[str, Any]) -> list[str]:
    """Top-level field paths a filter tests (inside ``$and`` too), in order, without repeats.

    Example:
        >>> filter_fields({"$and": [{"a": 1}, {"b.c": {"$gt": 2}}], "a": 3})
        ['a', 'b.c']

    """
    seen: dict[str, None] = {}
    for key, value in query.items():
        if key == "$and" and isinstance(value, (list, tuple)):
            for part in value:
                if isinstance(part, Mapping):
                    seen.update(dict.fromkeys(filter_fields(part)))
        elif not str(key).startswith("$"):
            seen[str(key)] = None
    return list(seen)
