"""The filter of a lookup by id (``Document.get``), built so user input cannot change its meaning.

Example:
    >>> id_filter("abc", None)
    {'_id': 'abc'}
    >>> id_filter({"$ne": None}, None)
    {'_id': {'$eq': {'$ne': None}}}

"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bson.errors import InvalidId

from data_bridge.errors import InvalidObjectId


def id_filter(document_id: Any, convert: Callable[[Any], Any] | None) -> dict[str, Any]:
    """``{"_id": value}``, with ``value`` converted to the id field's type first.

    A value the id type refuses raises ``InvalidObjectId`` (a ``ValueError`` and a
    ``bson.errors.InvalidId``) before any I/O. A mapping is compared with ``$eq``: as a bare
    value, ``{"$ne": None}`` would be read as an operator and match any document.
    """
    if convert is not None and document_id is not None:
        try:
            document_id = convert(document_id)
        except (InvalidId, TypeError) as exc:
            if isinstance(exc, InvalidObjectId):
                raise
            raise InvalidObjectId(
                f"{document_id!r} is not a valid id: expected 24 hex digits or 12 bytes"
            ) from exc
    if isinstance(document_id, Mapping):
        return {"_id": {"$eq": document_id}}
    return {"_id": document_id}
