"""Change tracking: what differs between a document and the state it was loaded or saved in.

The saved state is copy-on-write: a loaded document's state is its row in the result Table
(never copied); writes record only what they changed in an overlay dict. Only fields that were
read (materialised) can differ from the loaded state, so untouched fields cost nothing.

Example:
    >>> collect_updates({"a": 1, "b": {"c": 1, "d": 2}}, {"a": 1, "b": {"c": 5, "d": 2}}, False)
    {'b.c': 5}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.encoder import normalize


def same(saved: Any, current: Any) -> bool:
    """Whether two stored values are equal once both are in round-tripped form.

    A key whose value is None and a missing key are the same (Arrow cannot tell them apart).
    """
    return bool(_strip_nulls(normalize(saved)) == _strip_nulls(normalize(current)))


def _strip_nulls(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if kind is list:
        return [_strip_nulls(v) for v in value]
    return value


def collect_updates(old: Any, new: Any, replace_objects: bool, prefix: str = "") -> dict[str, Any]:
    """Dotted paths whose value differs between ``old`` and ``new`` (values from ``new``).

    Embedded documents are compared key by key unless ``replace_objects``; lists are replaced
    whole.
    """
    updates: dict[str, Any] = {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        if not same(old, new):
            updates[prefix] = new
        return updates
    for key, value in new.items():
        path = f"{prefix}.{key}" if prefix else key
        before = old.get(key)
        if same(before, value):
            continue
        if not replace_objects and isinstance(value, dict) and isinstance(before, dict):
            updates.update(collect_updates(before, value, replace_objects, path))
        else:
            updates[path] = value
    return updates
