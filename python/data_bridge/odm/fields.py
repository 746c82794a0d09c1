"""Field types users annotate models with, and the class-level field expressions of the query DSL.

Example:
    >>> from data_bridge import Document, Indexed, PydanticObjectId
    >>> class User(Document):
    ...     email: Indexed(str, unique=True)
    ...     age: int = 0
    >>> (User.age > 25).query
    {'age': {'$gt': 25}}

"""

from __future__ import annotations

import decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import bson
from bson import Binary, Decimal128, ObjectId
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, PlainSerializer, WrapValidator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from pymongo import ASCENDING, IndexModel

if TYPE_CHECKING:
    from data_bridge.odm.operators_find import BaseFindOperator


class SortDirection(int, Enum):
    """Sort direction of a sort key, as Beanie spells it.

    Example:
        >>> SortDirection.DESCENDING.value
        -1

    """

    ASCENDING = 1
    DESCENDING = -1


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
            from data_bridge.errors import InvalidObjectId

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


class IndexedAnnotation:
    """Marks a field as indexed; ``init`` creates the index. Built by :func:`Indexed`."""

    __slots__ = ("index_type", "options", "unique")

    def __init__(self, index_type: Any = ASCENDING, unique: bool = False, **options: Any) -> None:
        self.index_type = index_type
        self.unique = unique
        self.options = options

    def __repr__(self) -> str:
        return f"IndexedAnnotation({self.index_type!r}, unique={self.unique})"

    def index_model(self, path: str) -> IndexModel:
        """Return the pymongo ``IndexModel`` for this marker on the field stored at ``path``."""
        return IndexModel([(path, self.index_type)], unique=self.unique, **self.options)


def Indexed(
    typ: Any = None, index_type: Any = ASCENDING, unique: bool = False, **options: Any
) -> Any:
    """Annotate a field so that ``init`` creates an index on it (Beanie's ``Indexed``).

    Works both as ``email: Indexed(str, unique=True)`` and as
    ``email: Annotated[str, Indexed(unique=True)]``.

    Example:
        >>> from data_bridge import Document, Indexed
        >>> class Product(Document):
        ...     sku: Indexed(str, unique=True)

    """
    marker = IndexedAnnotation(index_type, unique, **options)
    if typ is None:
        return marker
    return Annotated[typ, marker]


def _to_decimal(value: Any) -> Any:
    if isinstance(value, Decimal128):
        return value.to_decimal()
    return value


DecimalAnnotation = Annotated[
    decimal.Decimal,
    WrapValidator(lambda value, handler: handler(_to_decimal(value))),
]
"""``Decimal`` that also validates from ``bson.Decimal128`` (stored as Decimal128)."""


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


class ExpressionField(str):
    """The dotted storage path of a field; comparisons build find operators.

    ``User.age`` is an ``ExpressionField("age")``; attribute access walks into embedded models
    (``User.address.city`` → ``"address.city"``); ``+field`` / ``-field`` are sort keys.

    Example:
        >>> field = ExpressionField("address")
        >>> field.city
        'address.city'
        >>> (field.city == "NYC").query
        {'address.city': 'NYC'}
        >>> -ExpressionField("age")
        ('age', <SortDirection.DESCENDING: -1>)

    """

    __slots__ = ("_nested",)

    _nested: Any

    def __new__(cls, path: str, nested: Any = None) -> ExpressionField:
        """Return the path ``path``; ``nested`` is the embedded model it leads into, if any."""
        self = super().__new__(cls, path)
        object.__setattr__(self, "_nested", nested)
        return self

    def __getattr__(self, item: str) -> ExpressionField:
        if item.startswith("__"):
            raise AttributeError(item)
        nested = self._nested
        fields = getattr(nested, "__pydantic_fields__", None)
        if fields is not None and item in fields:
            from data_bridge.odm.codecs import embedded_model

            info = fields[item]
            return ExpressionField(f"{self}.{info.alias or item}", embedded_model(info.annotation))
        return ExpressionField(f"{self}.{item}")

    def __getitem__(self, item: Any) -> ExpressionField:
        return ExpressionField(f"{self}.{item}", self._nested)

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import Eq

        if isinstance(other, ExpressionField):
            return str(self) == str(other)  # type: ignore[return-value]
        return Eq(self, other)

    def __ne__(self, other: object) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import NE

        if isinstance(other, ExpressionField):
            return str(self) != str(other)  # type: ignore[return-value]
        return NE(self, other)

    def __gt__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import GT

        return GT(self, other)

    def __ge__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import GTE

        return GTE(self, other)

    def __lt__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import LT

        return LT(self, other)

    def __le__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        from data_bridge.odm.operators_find import LTE

        return LTE(self, other)

    def __pos__(self) -> tuple[str, SortDirection]:
        return (str(self), SortDirection.ASCENDING)

    def __neg__(self) -> tuple[str, SortDirection]:
        return (str(self), SortDirection.DESCENDING)

    def __copy__(self) -> ExpressionField:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ExpressionField:
        return self
