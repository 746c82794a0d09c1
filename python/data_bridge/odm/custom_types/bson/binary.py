"""``BsonBinary``: ``bson.Binary`` as a field type (``beanie.odm.custom_types.bson.binary``).

Example:
    >>> from pydantic import BaseModel
    >>> class Blob(BaseModel):
    ...     data: BsonBinary
    >>> Blob(data=b"ab").data
    Binary(b'ab', 0)

"""

from __future__ import annotations

from typing import Annotated, Any

from bson import Binary
from pydantic import PlainSerializer, WrapValidator


def _to_binary(value: Any) -> Any:
    if isinstance(value, bytes) and not isinstance(value, Binary):
        return Binary(value)
    return value


BsonBinary = Annotated[
    Binary,
    WrapValidator(lambda value, handler: _to_binary(value)),
    PlainSerializer(lambda value: value.hex(), when_used="json"),
]
"""``bson.Binary`` as a field type; validates from bytes, serialises to hex in JSON."""
