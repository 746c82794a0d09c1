"""Fields a ``before_event(Update)`` hook changed, merged into the update being sent.

Beanie 2.1's ``beanie.odm.utils.update_merge``. ``doc.update(...)`` (and ``set``, ``inc``,
``current_date``) sends update operators, not the whole document; a hook that changes a field
would otherwise be lost. The fields a hook changed are ``$set`` together with the update, and
``Settings.action_conflict_resolution`` decides what happens when both touch the same field:

- ``UPDATE_WINS`` (default): the explicit update keeps its fields; the hook's other changes
  are added.
- ``ACTION_WINS``: the hook's value replaces the update's for the fields both touch, whatever
  the update's operator was (an ``$inc`` of that field is dropped).
- ``ACTION_OVERRIDE``: only the hook's changes are sent; the update's operators are dropped.
- ``RAISE``: a field touched by both raises :class:`MergeConflictError` before anything is sent.

Revision ids (``SetRevisionId``) and aggregation pipelines (lists) pass through untouched.

Example:
    >>> from data_bridge.odm.operators.update.general import Inc
    >>> merge_update_expressions([Inc({"n": 1})], {"n": 5, "tag": "x"})
    [{'$inc': {'n': 1}, '$set': {'tag': 'x'}}]
    >>> merge_update_expressions([Inc({"n": 1})], {"n": 5}, ActionConflictResolution.ACTION_WINS)
    [{'$set': {'n': 5}}]

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from data_bridge.odm.operators.update.general import SetRevisionId

# Keys a hook cannot meaningfully change through an update: the id selects the document and
# the revision is managed by the update itself.
_UNTRACKED = frozenset({"_id", "revision_id"})


class ActionConflictResolution(str, Enum):
    """What wins when a ``before_event(Update)`` hook and the update touch the same field.

    Example:
        >>> from data_bridge import Document
        >>> class Post(Document):
        ...     title: str
        ...     class Settings:
        ...         action_conflict_resolution = ActionConflictResolution.ACTION_WINS

    """

    UPDATE_WINS = "update_wins"
    ACTION_WINS = "action_wins"
    ACTION_OVERRIDE = "action_override"
    RAISE = "raise"


class MergeConflictError(Exception):
    """A hook and the update both changed these fields, under ``ActionConflictResolution.RAISE``.

    ``conflicting_fields`` holds the storage paths both touched.

    Example:
        >>> str(MergeConflictError({"b", "a"})).split(":")[0]
        'before_event(Update) and the update expression both modify a, b'

    """

    def __init__(self, conflicting_fields: set[str]) -> None:
        self.conflicting_fields = set(conflicting_fields)
        names = ", ".join(sorted(self.conflicting_fields))
        super().__init__(
            f"before_event(Update) and the update expression both modify {names}: choose "
            "another Settings.action_conflict_resolution or change the hook"
        )


def _passes_through(expression: Any) -> bool:
    return isinstance(expression, SetRevisionId | list)


def _consolidate_update_query(update_args: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Fold update expressions into one ``{operator: {field: value}}`` (later values win).

    Revision ids and pipelines are left out: they travel separately.

    Example:
        >>> _consolidate_update_query([{"$set": {"a": 1}}, {"$set": {"b": 2}, "$inc": {"n": 1}}])
        {'$set': {'a': 1, 'b': 2}, '$inc': {'n': 1}}

    """
    folded: dict[str, dict[str, Any]] = {}
    for expression in update_args:
        if _passes_through(expression):
            continue
        if not isinstance(expression, Mapping):
            raise TypeError(
                f"an update expression must be a mapping or an operator, got {expression!r}"
            )
        for operator, fields in dict(expression).items():
            if isinstance(fields, Mapping):
                target = folded.setdefault(str(operator), {})
                target.update({str(k): v for k, v in fields.items()})
    return folded


def _extract_targeted_fields(consolidated: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Every field path some operator of ``consolidated`` writes.

    Example:
        >>> sorted(_extract_targeted_fields({"$set": {"a": 1}, "$unset": {"b": ""}}))
        ['a', 'b']

    """
    return {field for fields in consolidated.values() for field in fields}


def merge_update_expressions(
    update_args: Sequence[Any],
    action_changes: Mapping[str, Any],
    strategy: ActionConflictResolution = ActionConflictResolution.UPDATE_WINS,
) -> list[Any]:
    """Return the update expressions with the hook's ``action_changes`` merged in by ``strategy``.

    The result is one consolidated expression followed by the pass-through ones (revision id,
    pipelines); with no changes it is a copy of ``update_args``.

    Example:
        >>> merge_update_expressions([{"$set": {"a": 1}}], {"a": 2, "b": 3})
        [{'$set': {'a': 1, 'b': 3}}]

    """
    if not action_changes:
        return list(update_args)
    passthrough = [e for e in update_args if _passes_through(e)]
    if strategy is ActionConflictResolution.ACTION_OVERRIDE:
        return [{"$set": dict(action_changes)}, *passthrough]
    folded = _consolidate_update_query(update_args)
    conflicts = set(action_changes) & _extract_targeted_fields(folded)
    if conflicts and strategy is ActionConflictResolution.RAISE:
        raise MergeConflictError(conflicts)
    if strategy is ActionConflictResolution.ACTION_WINS:
        for operator, fields in folded.items():
            if operator != "$set":
                for field in conflicts:
                    fields.pop(field, None)
        added = dict(action_changes)
    else:
        added = {k: v for k, v in action_changes.items() if k not in conflicts}
    if added:
        folded.setdefault("$set", {}).update(added)
    merged = {operator: fields for operator, fields in folded.items() if fields}
    return [merged, *passthrough] if merged else passthrough


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level stored fields whose value differs between two encodings of one document.

    ``_id`` and ``revision_id`` are never reported: the update selects and revises by them.
    A field that is new and None counts as unchanged, as in Beanie.

    Example:
        >>> changed_fields({"_id": 1, "a": 1, "b": 2}, {"_id": 2, "a": 1, "b": 3, "c": None})
        {'b': 3}

    """
    return {
        key: value
        for key, value in after.items()
        if key not in _UNTRACKED and before.get(key) != value
    }
