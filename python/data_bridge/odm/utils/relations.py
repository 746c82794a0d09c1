"""Query paths through links, at Beanie's ``beanie.odm.utils.relations`` path.

A path built through a link field (``House.door.id``) names the stored reference: its
``ExpressionField`` carries ``FieldResolution(is_link=True)``. ``resolve_query_paths`` turns the
keys of a filter into what the query must say: without ``fetch_links`` a link's ``_id`` is the
DBRef's ``$id``; with it, the looked-up document's ``_id``.

Example:
    >>> from data_bridge.odm.fields import ExpressionField, FieldResolution
    >>> key = ExpressionField("door._id", FieldResolution(is_link=True))
    >>> resolve_query_paths({key: 1}, None, fetch_links=False)
    {'door.$id': 1}

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.fields import ExpressionField


def _translate(key: Any, fetch_links: bool) -> Any:
    if fetch_links or not isinstance(key, ExpressionField):
        return key
    if not key._field_resolution.is_link:
        return key
    return str(key).replace("._id", ".$id")


def resolve_query_paths(query: Mapping[Any, Any], doc: Any, fetch_links: bool) -> dict[Any, Any]:
    """Return ``query`` with link paths translated for a find with or without ``fetch_links``.

    Plain string keys are left as they are; mappings and lists of mappings are walked.
    ``doc`` (the document class) is accepted for Beanie's signature.
    """
    resolved: dict[Any, Any] = {}
    for key, value in query.items():
        if isinstance(value, Mapping):
            value = resolve_query_paths(value, doc, fetch_links)
        elif isinstance(value, list):
            value = [
                resolve_query_paths(v, doc, fetch_links) if isinstance(v, Mapping) else v
                for v in value
            ]
        resolved[_translate(key, fetch_links)] = value
    return resolved
