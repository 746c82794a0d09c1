"""Turning engine results into model instances (lazy for documents, validated otherwise)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel

from data_bridge.odm import drift, inheritance
from data_bridge.odm.codecs import _prepare, model_plan


class UpdateResponse(str, Enum):
    """What ``FindOne.update`` returns: the engine's UpdateResult, or the document before/after.

    Example:
        >>> UpdateResponse.NEW_DOCUMENT.value
        'NEW_DOCUMENT'

    """

    UPDATE_RESULT = "UPDATE_RESULT"
    OLD_DOCUMENT = "OLD_DOCUMENT"
    NEW_DOCUMENT = "NEW_DOCUMENT"


def is_document(model: type) -> bool:
    """Whether ``model`` is a data-bridge document class (lazy instances)."""
    return hasattr(model, "_db_from_table")


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """Return the engine decode schema for ``model``'s fields."""
    if is_document(model):
        family = inheritance.family_of(model)
        if family is not None:
            return family.spec
        return drift.read_spec(model, model._db_model_plan())  # type: ignore[attr-defined]
    return model_plan(model).spec


def from_table(model: type[Any], table: Any) -> list[Any]:
    """Instances of ``model`` for every row of an engine Table."""
    if is_document(model):
        family = inheritance.family_of(model)
        if family is not None:
            return inheritance.from_table(model, family, table)
        return model._db_from_table(table)  # type: ignore[no-any-return]
    return [model.model_validate(_prepare(row)) for row in table.to_pylist()]


def from_raw(model: type[Any], raw: dict[str, Any]) -> Any:
    """Return an instance of ``model`` for one raw document dict."""
    if is_document(model):
        family = inheritance.family_of(model)
        if family is not None:
            return inheritance.from_raw(model, family, raw)
        return model._db_from_raw(raw)
    return model.model_validate(_prepare(raw))
