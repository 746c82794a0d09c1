"""Per-field decoding plans derived from a model: the engine schema and the raw → value step.

A model's fields define the schema its query results decode to (fields not in the model are
skipped by the engine), and how each raw column value becomes the field's Python value on first
access: immutable scalars pass through untouched, containers are copied (so the loaded snapshot
stays pristine for change tracking), everything else is validated by pydantic for that field only.

Example:
    >>> from pydantic import BaseModel
    >>> class Address(BaseModel):
    ...     city: str
    >>> class User(BaseModel):
    ...     name: str
    ...     tags: list[str] = []
    ...     address: Address | None = None
    >>> model_plan(User).spec
    {'name': 'string', 'tags': ['string'], 'address': {'city': 'string'}}
"""

from __future__ import annotations

import datetime
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Union

from bson import Binary, Decimal128, ObjectId
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from data_bridge.odm.fields import PydanticObjectId

_SCALAR_SPECS: dict[Any, str] = {
    str: "string",
    bool: "bool",
    int: "long",
    float: "double",
    datetime.datetime: "date",
    ObjectId: "objectId",
    PydanticObjectId: "objectId",
    bytes: "binData",
}
# Values of these types come out of the engine ready to use and cannot be mutated in place.
_PASSTHROUGH: frozenset[Any] = frozenset({str, bool, int, datetime.datetime, ObjectId, bytes})


@dataclass(slots=True)
class FieldPlan:
    """How one model field is stored and decoded."""

    name: str
    key: str
    spec: Any
    convert: Callable[[Any], Any] | None
    nullable: bool
    default: Callable[[], Any] | None
    native: bool


@dataclass(slots=True)
class ModelPlan:
    """The decoding plan of a whole model."""

    fields: dict[str, FieldPlan]
    by_key: dict[str, FieldPlan]
    spec: dict[str, Any]
    native: bool


_PLANS: dict[type, ModelPlan] = {}


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(core type, accepts None, Annotated metadata) of an annotation."""
    metadata: list[Any] = []
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = annotation.__origin__
            continue
        if origin is Union or origin is types.UnionType:
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) < len(typing.get_args(annotation)):
                nullable = True
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, nullable, metadata


def embedded_model(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel class an annotation holds (through Optional / Annotated / list), if any."""
    core, _, _ = _strip(annotation)
    origin = typing.get_origin(core)
    if origin in (list, set, tuple, frozenset):
        args = typing.get_args(core)
        return embedded_model(args[0]) if args else None
    if isinstance(core, type) and issubclass(core, BaseModel):
        return core
    return None


def _is_model(core: Any) -> bool:
    return isinstance(core, type) and issubclass(core, BaseModel)


def spec_of(annotation: Any) -> tuple[Any, bool]:
    """(engine schema spec, values need no re-encoding on write) of an annotation."""
    core, _, _ = _strip(annotation)
    if core in _SCALAR_SPECS:
        return _SCALAR_SPECS[core], True
    if _is_model(core):
        plan = model_plan(core)
        return dict(plan.spec), plan.native
    origin = typing.get_origin(core)
    if origin is list:
        args = typing.get_args(core)
        if args:
            inner, native = spec_of(args[0])
            return [inner], native
        return ["any"], False
    if origin is dict:
        args = typing.get_args(core)
        native = bool(args) and args[0] is str and spec_of(args[1])[1]
        return "any", native
    return "any", False


def _convert_of(annotation: Any, info: FieldInfo) -> tuple[Callable[[Any], Any] | None, bool]:
    core, nullable, _ = _strip(annotation)
    if core in _PASSTHROUGH:
        return None, nullable
    if core is float:
        return _to_float, nullable
    if core is PydanticObjectId:
        return _to_object_id, nullable
    origin = typing.get_origin(core)
    if origin is list:
        args = typing.get_args(core)
        if args and _strip(args[0])[0] in _PASSTHROUGH:
            return _copy_list, nullable
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )
    validate = adapter.validate_python

    def convert(raw: Any) -> Any:
        return validate(_prepare(raw))

    return convert, nullable


def _to_float(raw: Any) -> Any:
    return raw if type(raw) is float or raw is None else float(raw)


def _to_object_id(raw: Any) -> Any:
    return raw if raw is None or type(raw) is PydanticObjectId else PydanticObjectId(raw)


def _copy_list(raw: Any) -> Any:
    return raw if raw is None else list(raw)


def _prepare(raw: Any) -> Any:
    # Turn BSON-only types into what pydantic validates natively.
    kind = type(raw)
    if kind is Decimal128:
        return raw.to_decimal()
    if kind is Binary and raw.subtype in (3, 4):
        return uuid.UUID(bytes=bytes(raw))
    if kind is dict:
        return {k: _prepare(v) for k, v in raw.items()}
    if kind is list:
        return [_prepare(v) for v in raw]
    return raw


def _default_of(info: FieldInfo) -> Callable[[], Any] | None:
    if info.is_required():
        return None
    return lambda: info.get_default(call_default_factory=True)


def model_plan(model: type[BaseModel]) -> ModelPlan:
    """The (cached) decoding plan of ``model``: one :class:`FieldPlan` per field."""
    plan = _PLANS.get(model)
    if plan is not None:
        return plan
    fields: dict[str, FieldPlan] = {}
    for name, info in model.__pydantic_fields__.items():
        key = info.alias or name
        spec, native = spec_of(info.annotation)
        if info.metadata and any(not _is_marker(m) for m in info.metadata):
            native = False
        convert, nullable = _convert_of(info.annotation, info)
        if info.metadata and any(not _is_marker(m) for m in info.metadata):
            adapter: TypeAdapter[Any] = TypeAdapter(Annotated[info.annotation, *info.metadata])
            validate = adapter.validate_python

            def convert(raw: Any, validate: Any = validate) -> Any:
                return validate(_prepare(raw))

        fields[name] = FieldPlan(
            name, key, spec, convert, nullable, _default_of(info), native and not info.exclude
        )
    by_key = {f.key: f for f in fields.values()}
    spec = {f.key: f.spec for f in fields.values()}
    plan = ModelPlan(fields, by_key, spec, all(f.native for f in fields.values()))
    _PLANS[model] = plan
    return plan


def _is_marker(metadata: Any) -> bool:
    from data_bridge.odm.fields import IndexedAnnotation

    return isinstance(metadata, IndexedAnnotation)


def forget_plan(model: type[BaseModel]) -> None:
    """Drop a cached plan (after a model is rebuilt)."""
    _PLANS.pop(model, None)
