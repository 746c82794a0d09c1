"""Build a document or model from a stored dict, as Beanie's ``parse_obj`` does.

Beanie's ``beanie.odm.utils.parsing``. A document built this way counts as loaded: its saved
state is what was parsed, so ``is_changed`` / ``save_changes`` compare against it.

Example:
    >>> doc = parse_obj(User, {"_id": oid, "name": "Ada"})  # doctest: +SKIP
    >>> doc.is_changed  # doctest: +SKIP
    False

"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from data_bridge.errors import DocWasNotRegisteredInUnionClass, UnionHasNoRegisteredDocs
from data_bridge.odm import inheritance
from data_bridge.odm.core import DocumentCore

M = TypeVar("M", bound=BaseModel)


def _member_for(model: Any, data: Any) -> Any:
    """Return the class of a family or union that ``data`` names by its class id."""
    is_union = hasattr(model, "_db_family")
    family = model._db_family() if is_union else inheritance.family_of(model)
    if family is None:
        return model
    if is_union and not family.members:
        raise UnionHasNoRegisteredDocs(f"{model.__name__} has no registered documents")
    class_id = (
        data.get(family.class_key) if isinstance(data, dict) else getattr(data, "_class_id", None)
    )
    member = family.member(class_id, None if is_union else model)
    if member is None:
        raise DocWasNotRegisteredInUnionClass(
            f"{class_id!r} is not a document registered in {model.__name__}"
        )
    return member


def parse_obj(model: type[M], data: Any, lazy_parse: bool = False) -> M:
    """Validate ``data`` into ``model`` (a document, union, or plain pydantic model).

    For a document class or union, the class stored in ``data``'s class id is used, and the
    result's saved state is set to what was parsed. ``lazy_parse`` is accepted for Beanie's
    signature: documents are lazy here anyway.
    """
    if isinstance(model, type) and (
        issubclass(model, DocumentCore) or hasattr(model, "_db_family")
    ):
        model = _member_for(model, data)
    result = model.model_validate(data)
    if isinstance(result, DocumentCore):
        result._db_record_saved(result._db_encode(), full=True)
    return result
