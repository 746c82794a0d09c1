"""Document ids: the ``PydanticObjectId`` field type, and the filter of a lookup by id.

The lookup filter (``Document.get``) is built so user input cannot change its meaning.

Example:
    >>> id_filter("abc", None)
    {'_id': 'abc'}
    >>> id_filter({"$ne": None}, None)
    {'_id': {'$eq': {'$ne': None}}}

"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import bson
from bson import ObjectId
from bson.errors import InvalidId
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

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


class PydanticObjectId(ObjectId):
    """A ``bson.ObjectId`` that pydantic validates from ObjectId / 24-hex str / 12 bytes.

    In JSON (FastAPI responses, ``model_dump_json``) it is a string; in Python dumps it stays an
    ObjectId, so it is written to MongoDB as one.

    Example:
        >>> PydanticObjectId("5f0f0f0f0f0f0f0f0f0f0f0f")
        ObjectId('5f0f0f0f0f0f0f0f0f0f0f0f')

    """

    def __init__(self, oid: Any = None) -> None:
        try:
            super().__init__(oid)
        except (bson.errors.InvalidId, TypeError) as exc:
            raise InvalidObjectId(
                f"{oid!r} is not a valid ObjectId: expected 24 hex digits or 12 bytes"
            ) from exc

    @classmethod
    def _validate(cls, value: Any) -> PydanticObjectId:
        if isinstance(value, bytes) and len(value) != 12:
            value = value.decode("utf-8")
        try:
            return cls(value)
        except (bson.errors.InvalidId, TypeError) as exc:
            raise ValueError(f"Id must be of type PydanticObjectId, got {value!r}") from exc

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(
                cls._validate, core_schema.str_schema()
            ),
            python_schema=core_schema.no_info_plain_validator_function(cls._validate),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
            # One definition in JSON schemas, referenced as "#/$defs/PydanticObjectId" (as Beanie).
            ref="PydanticObjectId",
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": "^[0-9a-f]{24}$",
            "minLength": 24,
            "maxLength": 24,
            "example": "5eb7cf5a86d9755df3a6c593",
        }


BeanieObjectId = PydanticObjectId
