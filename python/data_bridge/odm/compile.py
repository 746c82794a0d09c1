"""Turning the query DSL into MongoDB documents: filters, sorts, updates and projections.

Example:
    >>> from data_bridge.operators import GT
    >>> compile_filter([GT("age", 3), {"name": "x"}])
    {'$and': [{'age': {'$gt': 3}}, {'name': 'x'}]}
    >>> compile_sort(["-age", ("name", 1)])
    [('age', -1), ('name', 1)]
    >>> compile_sort([("score", {"$meta": "textScore"})])
    [('score', {'$meta': 'textScore'})]

"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel

from data_bridge.odm.encoder import Encoders, encode


def compile_filter(expressions: Iterable[Any], encoders: Encoders | None = None) -> dict[str, Any]:
    """AND-combine find expressions (operators, dicts, ``bool``) into one encoded filter."""
    parts: list[dict[str, Any]] = []
    for expression in expressions:
        if isinstance(expression, bool):
            # Beanie accepts `find(True)`; `find(False)` matches nothing.
            if not expression:
                parts.append({"$expr": False})
            continue
        if not isinstance(expression, Mapping):
            raise TypeError(
                f"a find expression must be a mapping or an operator, got "
                f"{type(expression).__qualname__}: {expression!r}"
            )
        compiled = dict(expression)
        if compiled:
            parts.append(compiled)
    if not parts:
        return {}
    combined = parts[0] if len(parts) == 1 else {"$and": parts}
    return encode(_link_paths(combined), encoders)  # type: ignore[no-any-return]


def _link_paths(query: Any) -> Any:
    """Rewrite ``._id`` in paths built through a link to the stored DBRef's ``.$id``.

    ``House.door.id`` is ``"door._id"`` (the linked document's field, as in Beanie); a stored
    link is a DBRef, so the filter must say ``"door.$id"``. With ``fetch_links`` the two match
    the same documents, and ``$id`` needs no ``$lookup``. Plain string keys are left alone.
    """
    if isinstance(query, Mapping):
        out = {}
        for key, value in query.items():
            resolution = getattr(key, "_field_resolution", None)
            if resolution is not None and resolution.is_link:
                key = str(key).replace("._id", ".$id")
            out[key] = _link_paths(value)
        return out
    if isinstance(query, list):
        return [_link_paths(item) for item in query]
    return query


def compile_sort(keys: Iterable[Any]) -> list[tuple[str, int]]:
    """Sort keys from ``"field"`` / ``"-field"`` / ``(field, direction)`` / lists of those."""
    out: list[tuple[str, int]] = []
    for key in keys:
        if key is None:
            continue
        if isinstance(key, str):
            # A plain str first: a field expression's startswith() builds a query.
            key = str(key)
            if key.startswith("-"):
                out.append((key[1:], -1))
            elif key.startswith("+"):
                out.append((key[1:], 1))
            else:
                out.append((key, 1))
        elif isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], Mapping):
            # ("score", {"$meta": "textScore"}): sort by a computed value, passed as is.
            out.append((str(key[0]), dict(key[1])))  # type: ignore[arg-type]
        elif isinstance(key, tuple) and len(key) == 2 and not isinstance(key[1], tuple):
            direction = key[1].value if isinstance(key[1], Enum) else int(key[1])
            out.append((str(key[0]), direction))
        elif isinstance(key, (list, tuple)):
            out.extend(compile_sort(key))
        else:
            raise TypeError(f"cannot sort by {key!r}: use 'field', '-field' or (field, direction)")
    return out


def compile_update(
    operations: Iterable[Any], encoders: Encoders | None = None
) -> dict[str, Any] | list[Any]:
    """Merge update operators / dicts into one update document (same operators merged).

    Lists are aggregation pipelines (``[{"$set": ...}, ...]``, MongoDB 4.2+): their stages are
    sent in order, as one pipeline; a pipeline cannot be mixed with update operators.

    Example:
        >>> compile_update([{"$set": {"a": 1}}, {"$inc": {"n": 1}}, {"$set": {"b": 2}}])
        {'$set': {'a': 1, 'b': 2}, '$inc': {'n': 1}}
        >>> compile_update([[{"$set": {"a": 1}}], [{"$unset": "b"}]])
        [{'$set': {'a': 1}}, {'$unset': 'b'}]

    """
    operations = list(operations)
    pipelines = [op for op in operations if isinstance(op, list)]
    if pipelines:
        if len(pipelines) != len(operations):
            raise TypeError(
                "an update pipeline (a list of stages) cannot be mixed with update operators"
            )
        stages = [dict(stage) for pipeline in pipelines for stage in pipeline]
        return encode(stages, encoders)  # type: ignore[no-any-return]
    merged: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, Mapping):
            raise TypeError(f"an update must be a mapping or an operator, got {operation!r}")
        for operator, expression in dict(operation).items():
            operator = str(operator)
            if not operator.startswith("$"):
                raise ValueError(
                    f"update documents must use operators ($set, $inc, ...); got key {operator!r}"
                )
            current = merged.get(operator)
            if isinstance(current, dict) and isinstance(expression, Mapping):
                current.update({str(k): v for k, v in expression.items()})
            elif isinstance(expression, Mapping):
                merged[operator] = {str(k): v for k, v in expression.items()}
            else:
                merged[operator] = expression
    return encode(merged, encoders)  # type: ignore[no-any-return]


def projection_of(model: type[BaseModel]) -> dict[str, Any] | None:
    """Return the server projection a projection model asks for, if it declares one.

    Only ``Settings.projection`` is sent to the server: otherwise the model's fields become the
    decode schema, which skips other fields client-side (cheaper than server projection).
    """
    settings = getattr(model, "Settings", None)
    projection = getattr(settings, "projection", None)
    return dict(projection) if projection else None


def full_projection(model: type[BaseModel]) -> dict[str, Any]:
    """``{storage key: 1}`` for every field of ``model`` (for aggregation ``$project``)."""
    custom = projection_of(model)
    if custom:
        return custom
    return {(info.alias or name): 1 for name, info in model.__pydantic_fields__.items()}
