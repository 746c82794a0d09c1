"""Field types users annotate models with, and the class-level field expressions of the query DSL.

Beanie's ``beanie.odm.fields`` path: ``PydanticObjectId``, ``Indexed``, ``Link``, ``BackLink``,
``WriteRules``, ``DeleteRules`` and ``ExpressionField`` all import from here. Their homes are
the modules below this one (``ids``, ``links``, ``enums``); ``ExpressionField`` and
``FieldResolution`` live here.

Example:
    >>> from data_bridge import Document, Indexed, PydanticObjectId
    >>> class User(Document):
    ...     email: Indexed(str, unique=True)
    ...     age: int = 0
    >>> (User.age > 25).query
    {'age': {'$gt': 25}}

"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from data_bridge.odm.codecs import _strip, embedded_model
from data_bridge.odm.custom_types.bson.binary import BsonBinary
from data_bridge.odm.custom_types.decimal import DecimalAnnotation
from data_bridge.odm.enums import SortDirection
from data_bridge.odm.expressions import FieldHelpers
from data_bridge.odm.ids import BeanieObjectId, PydanticObjectId
from data_bridge.odm.indexes import Indexed, IndexedAnnotation
from data_bridge.odm.links import (
    BackLink,
    DeleteRules,
    Link,
    LinkInfo,
    LinkTypes,
    WriteRules,
)
from data_bridge.odm.operators.find.comparison import GT, GTE, LT, LTE, NE, Eq
from data_bridge.odm.operators.find.logical import BaseFindOperator

__all__ = [
    "BackLink",
    "BeanieObjectId",
    "BsonBinary",
    "DecimalAnnotation",
    "DeleteRules",
    "ExpressionField",
    "FieldResolution",
    "Indexed",
    "IndexedAnnotation",
    "Link",
    "LinkInfo",
    "LinkTypes",
    "PydanticObjectId",
    "SortDirection",
    "WriteRules",
]


@dataclass(frozen=True)
class FieldResolution:
    """What a field path leads into: the model its sub-fields resolve in, and whether it is a link.

    ``model_class`` is the embedded or linked model whose aliases name the next step of the path;
    ``is_link`` says the path went through a ``Link`` / ``BackLink``, where a stored ``_id`` is
    the DBRef's ``$id`` (see ``data_bridge.odm.utils.relations.resolve_query_paths``).

    Example:
        >>> FieldResolution() == FieldResolution(model_class=None, is_link=False)
        True

    """

    model_class: type | None = None
    is_link: bool = False
    # The field's declared type: which query helpers apply (string or array ones).
    annotation: Any = field(default=None, repr=False, compare=False)


def _is_link(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return isinstance(origin, type) and issubclass(origin, (Link, BackLink))


class ExpressionField(FieldHelpers, str):  # type: ignore[misc]
    """The dotted storage path of a field; comparisons build find operators.

    ``User.age`` is an ``ExpressionField("age")``; attribute access walks into embedded and
    linked models, resolving aliases (``User.address.city`` → ``"address.city"``);
    ``+field`` / ``-field`` are sort keys.

    Example:
        >>> field = ExpressionField("address")
        >>> field.city
        'address.city'
        >>> (field.city == "NYC").query
        {'address.city': 'NYC'}
        >>> -ExpressionField("age")
        ('age', <SortDirection.DESCENDING: -1>)

    """

    __slots__ = ("_field_resolution",)

    _field_resolution: FieldResolution

    def __new__(
        cls, path: str, field_resolution: FieldResolution | type | None = None
    ) -> ExpressionField:
        """Return the path ``path``; ``field_resolution`` says what it leads into.

        A model class is accepted for ``field_resolution`` and means "an embedded model".
        """
        self = super().__new__(cls, path)
        if not isinstance(field_resolution, FieldResolution):
            field_resolution = FieldResolution(model_class=field_resolution)
        object.__setattr__(self, "_field_resolution", field_resolution)
        return self

    @staticmethod
    def _resolve_field(annotation: Any) -> FieldResolution:
        """Return what a field annotation leads into (through Optional / Annotated / list).

        Example:
            >>> ExpressionField._resolve_field(int)
            FieldResolution(model_class=None, is_link=False)

        """
        if annotation is None:
            return FieldResolution()
        core, _, _ = _strip(annotation)
        if typing.get_origin(core) in (list, set, tuple, frozenset):
            args = typing.get_args(core)
            core = _strip(args[0])[0] if args else None
        if _is_link(core):
            # As Beanie: the linked document's fields name the path (``door.id`` is "door._id");
            # a find rewrites "._id" through a link to the stored DBRef's "$id" (compile.py).
            target = next(iter(typing.get_args(core)), None)
            model = target if isinstance(target, type) and issubclass(target, BaseModel) else None
            return FieldResolution(model_class=model, is_link=True, annotation=annotation)
        return FieldResolution(model_class=embedded_model(annotation), annotation=annotation)

    def __getattr__(self, item: str) -> ExpressionField:
        if item.startswith("_"):
            raise AttributeError(item)
        resolution = self._field_resolution
        fields = getattr(resolution.model_class, "__pydantic_fields__", None)
        if fields is not None and item in fields:
            info = fields[item]
            child = ExpressionField._resolve_field(info.annotation)
            if resolution.is_link and not child.is_link:
                child = FieldResolution(child.model_class, True, child.annotation)
            return ExpressionField(f"{self}.{info.alias or item}", child)
        if resolution.is_link and item == "id":  # a linked class not known yet: its id is _id
            return ExpressionField(f"{self}._id", FieldResolution(is_link=True))
        return ExpressionField(f"{self}.{item}", FieldResolution(is_link=resolution.is_link))

    def __getitem__(self, item: Any) -> ExpressionField:
        return ExpressionField(
            f"{self}.{item}", FieldResolution(is_link=self._field_resolution.is_link)
        )

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> BaseFindOperator:  # type: ignore[override]
        if isinstance(other, ExpressionField):
            return str(self) == str(other)  # type: ignore[return-value]
        return Eq(self, other)

    def __ne__(self, other: object) -> BaseFindOperator:  # type: ignore[override]
        if isinstance(other, ExpressionField):
            return str(self) != str(other)  # type: ignore[return-value]
        return NE(self, other)

    def __gt__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        return GT(self, other)

    def __ge__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        return GTE(self, other)

    def __lt__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        return LT(self, other)

    def __le__(self, other: Any) -> BaseFindOperator:  # type: ignore[override]
        return LTE(self, other)

    def __pos__(self) -> tuple[str, SortDirection]:
        return (str(self), SortDirection.ASCENDING)

    def __neg__(self) -> tuple[str, SortDirection]:
        return (str(self), SortDirection.DESCENDING)

    def __copy__(self) -> ExpressionField:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ExpressionField:
        return self
