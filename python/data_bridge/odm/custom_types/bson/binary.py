"""``BsonBinary``: ``bson.Binary`` as a field type (``beanie.odm.custom_types.bson.binary``).

Example:
    >>> from pydantic import BaseModel
    >>> class Blob(BaseModel):
    ...     data: BsonBinary
    >>> Blob(data=b"ab").data
    Binary(b'ab', 0)
    >>> Blob(data=b"ab").model_dump_json()
    '{"data":"6162"}'

"""

from __future__ import annotations

from typing import Annotated, Any

from bson import Binary
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema


def _to_binary(value: Any) -> Binary:
    # A plain validator: pydantic has no schema of its own for bson.Binary to wrap.
    if isinstance(value, Binary):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Binary(bytes(value))
    raise ValueError(f"expected bytes or bson.Binary, got {type(value).__name__}")


BsonBinary = Annotated[
    Binary,
    PlainValidator(_to_binary),
    PlainSerializer(lambda value: value.hex(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "binary"}),
]
"""``bson.Binary`` as a field type; validates from bytes, serialises to hex in JSON."""
