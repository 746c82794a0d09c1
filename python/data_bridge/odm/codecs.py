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
from pydantic import BaseModel, ConfigDict, PydanticUserError, RootModel, TypeAdapter
from pydantic.fields import FieldInfo

from data_bridge.odm.ids import PydanticObjectId
from data_bridge.odm.indexes import IndexedAnnotation

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
    convert_column: Callable[[list[Any]], list[Any]] | None = None
    # Embedded models the engine builds straight from the column (model_shapes.py), or None.
    shape: Any = None


@dataclass(slots=True)
class ModelPlan:
    """The decoding plan of a whole model."""

    fields: dict[str, FieldPlan]
    by_key: dict[str, FieldPlan]
    spec: dict[str, Any]
    native: bool


_PLANS: dict[type, ModelPlan] = {}

#: The column of an ``extra="allow"`` model's other stored keys (codec type ``"rest"``).
REST_KEY = "__extra__"


def without_rest(spec: Any) -> Any:
    """Return a decode spec without rest columns (Arrow exports hold the model's fields only).

    Example:
        >>> without_rest({"a": "long", "b": {"c": "string", REST_KEY: "rest"}, REST_KEY: "rest"})
        {'a': 'long', 'b': {'c': 'string'}}

    """
    if isinstance(spec, dict):
        return {k: without_rest(v) for k, v in spec.items() if v != "rest"}
    if isinstance(spec, list):
        return [without_rest(item) for item in spec]
    return spec


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
    """Return the BaseModel class in an annotation (through Optional / Annotated / list)."""
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
        if issubclass(core, RootModel):
            # Stored as its root value (a list, a scalar...), not as a document.
            return "any", False
        plan = model_plan(core)
        return dict(plan.spec), plan.native
    origin = typing.get_origin(core)
    if origin is list:
        args = typing.get_args(core)
        if args:
            inner, native = spec_of(args[0])
            return [inner], native
        return ["any"], False
    if origin is tuple:
        # tuple[float, float] (a GeoJSON point's coordinates) and tuple[float, ...] are stored as
        # arrays of one type: decode them as lists so Arrow gets list<double>, not raw BSON.
        items = {arg for arg in typing.get_args(core) if arg is not Ellipsis}
        if len(items) == 1:
            return [spec_of(items.pop())[0]], False
        return "any", False
    if origin is dict:
        args = typing.get_args(core)
        native = bool(args) and args[0] is str and spec_of(args[1])[1]
        return "any", native
    return "any", False


# Model settings that change or reject stored scalars (and the values that leave them alone): a
# model setting any other value has every field validated, no scalar passed through untouched.
_VALUE_SETTINGS: dict[str, tuple[Any, ...]] = {
    "str_strip_whitespace": (False, None),
    "str_to_lower": (False, None),
    "str_to_upper": (False, None),
    "str_min_length": (0, None),
    "str_max_length": (None,),
    "allow_inf_nan": (True, None),
    "coerce_numbers_to_str": (False, None),
}


def _changes_values(config: ConfigDict) -> bool:
    return any(config.get(key) not in plain for key, plain in _VALUE_SETTINGS.items())


def _adapter(annotation: Any, config: ConfigDict | None) -> TypeAdapter[Any]:
    """Return a ``TypeAdapter`` validating ``annotation`` under its model's ``config``.

    A field is validated as its model would validate it, so the model's own ``model_config``
    applies (``arbitrary_types_allowed=True`` for a ``bson.Regex`` field, ``str_strip_whitespace``
    ...). A type that carries its own config (an embedded ``BaseModel``) keeps it, as in pydantic.

    Example:
        >>> from bson import Regex
        >>> _adapter(Regex | None, ConfigDict(arbitrary_types_allowed=True)).validate_python(None)

    """
    if not config:
        return TypeAdapter(annotation)
    try:
        return TypeAdapter(annotation, config=config)
    except PydanticUserError as error:
        if error.code != "type-adapter-config-unused":
            raise
        return TypeAdapter(annotation)


def _convert_of(
    annotation: Any, info: FieldInfo, config: ConfigDict | None = None
) -> tuple[Callable[[Any], Any] | None, bool]:
    core, nullable, _ = _strip(annotation)
    if config and _changes_values(config):
        validate = _adapter(_annotated(info), config).validate_python
        return (lambda raw: validate(_prepare(raw, True))), nullable
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
    validate = _adapter(_annotated(info), config).validate_python
    # Struct columns hold None for keys a stored embedded document lacks: drop them so the
    # embedded model's defaults apply, as they would to the stored document.
    structured = isinstance(spec_of(annotation)[0], (dict, list))

    def convert(raw: Any) -> Any:
        return validate(_prepare(raw, structured))

    return convert, nullable


def _annotated(info: FieldInfo) -> Any:
    """Return the field's annotation with its constraints (``Annotated[type, *metadata]``)."""
    if not info.metadata:
        return info.annotation
    params = (info.annotation, *info.metadata)
    return Annotated[params]


def _to_float(raw: Any) -> Any:
    return raw if type(raw) is float or raw is None else float(raw)


_OID_SLOT: Any = ObjectId.__dict__["_ObjectId__id"]


def _to_object_id(raw: Any) -> Any:
    if raw is None or type(raw) is PydanticObjectId:
        return raw
    if type(raw) is ObjectId:
        # Copy the 12 bytes: skips ObjectId.__init__'s parsing (this runs once per row).
        oid = ObjectId.__new__(PydanticObjectId)
        _OID_SLOT.__set__(oid, _OID_SLOT.__get__(raw))
        return oid
    return PydanticObjectId(raw)


def _object_id_column(column: list[Any]) -> list[Any]:
    new = ObjectId.__new__
    get = _OID_SLOT.__get__
    put = _OID_SLOT.__set__
    out = []
    for raw in column:
        if type(raw) is ObjectId:
            oid = new(PydanticObjectId)
            put(oid, get(raw))
            out.append(oid)
        else:
            out.append(_to_object_id(raw))
    return out


def _float_column(column: list[Any]) -> list[Any]:
    return [raw if type(raw) is float else float(raw) for raw in column]


def _list_column(column: list[Any]) -> list[Any]:
    return [list(raw) for raw in column]


def _copy_list(raw: Any) -> Any:
    return raw if raw is None else list(raw)


def _needs_prepare(value: Any) -> bool:
    """Tell whether ``value`` holds a None inside a dict, a Decimal128 or a UUID Binary."""
    kind = type(value)
    if kind is dict:
        items = value.values()
        if None in items:
            return True
    elif kind is list:
        items = value
    else:
        return kind is Decimal128 or kind is Binary
    for item in items:
        item_kind = type(item)
        if item_kind is dict or item_kind is list:
            if _needs_prepare(item):
                return True
        elif item_kind is Decimal128 or item_kind is Binary:
            return True
    return False


_PLAIN_TYPES = (str, int, float, bool, bytes, datetime.datetime, datetime.date, ObjectId)


def _plain(annotation: Any, structured: bool, seen: set[type] | None = None) -> bool:
    """Tell whether raw values for ``annotation`` can never need :func:`_prepare`.

    True when there is no Decimal or UUID anywhere in it and, when nulls are stripped, no
    embedded model field whose default differs from None (a stripped null lets that default
    apply). Unknown types say no.
    """
    seen = set() if seen is None else seen
    if annotation in _PLAIN_TYPES or annotation is type(None):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return True
        seen.add(annotation)
        for info in annotation.model_fields.values():
            if info.metadata:
                return False
            has_default = not info.is_required()
            if structured and has_default and (info.default_factory or info.default is not None):
                return False
            if not _plain(info.annotation, structured, seen):
                return False
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple, dict, Union, types.UnionType) and args:
        return all(arg is Ellipsis or _plain(arg, structured, seen) for arg in args)
    return False


def _column_converter(
    annotation: Any, structured: bool, copy_raw: bool, config: ConfigDict | None = None
) -> Callable[[list[Any]], list[Any]]:
    """Validate a whole column in one pydantic call (much cheaper than one call per row)."""
    validate: Callable[[Any], list[Any]] = _adapter(list[annotation], config).validate_python
    # Walking every raw value to look for what _prepare mends costs as much as validating
    # nested documents: skipped when the type rules it out.
    may_need = not _plain(annotation, structured)

    def convert_column(column: list[Any]) -> list[Any]:
        if copy_raw or (may_need and _needs_prepare(column)):
            column = [_prepare(raw, structured) for raw in column]
        return validate(column)

    return convert_column


def _prepare(raw: Any, strip_nulls: bool = False) -> Any:
    """Turn BSON-only types into what pydantic validates natively."""
    kind = type(raw)
    if kind is Decimal128:
        return raw.to_decimal()
    if kind is Binary and raw.subtype in (3, 4):
        return uuid.UUID(bytes=bytes(raw))
    if kind is dict:
        return {
            k: _prepare(v, strip_nulls) for k, v in raw.items() if not (strip_nulls and v is None)
        }
    if kind is list:
        return [_prepare(v, strip_nulls) for v in raw]
    return raw


def _default_of(info: FieldInfo) -> Callable[[], Any] | None:
    if info.is_required():
        return None
    return lambda: info.get_default(call_default_factory=True)


def model_plan(model: type[BaseModel]) -> ModelPlan:
    """Return the (cached) decoding plan of ``model``: one :class:`FieldPlan` per field."""
    plan = _PLANS.get(model)
    if plan is not None:
        return plan
    fields: dict[str, FieldPlan] = {}
    config = model.model_config
    encoders = getattr(getattr(model, "Settings", None), "bson_encoders", None) or {}
    for name, info in model.__pydantic_fields__.items():
        key = info.alias or name
        spec, native = spec_of(info.annotation)
        constrained = bool(info.metadata) and any(not _is_marker(m) for m in info.metadata)
        if encoders and _custom_encoded(info.annotation, encoders):
            # Stored in the form Settings.bson_encoders gave it (a datetime as text, ...): read
            # as stored and validated back into the field's type, as pydantic would.
            spec, constrained = "any", True
        if _changes_values(config):
            native = False
        convert, nullable = _convert_of(info.annotation, info, config)
        structured = isinstance(spec, (dict, list))
        if constrained:
            native = False
            validate = _adapter(_annotated(info), config).validate_python

            def convert(raw: Any, validate: Any = validate, structured: bool = structured) -> Any:
                return validate(_prepare(raw, structured))

        column: Callable[[list[Any]], list[Any]] | None = None
        shape = None
        if convert is _to_object_id:
            column = _object_id_column
        elif convert is _to_float:
            column = _float_column
        elif convert is _copy_list:
            column = _list_column
        elif convert is not None:
            from data_bridge.odm.links import link_converters

            fast = None if constrained else link_converters(info.annotation)
            if fast is not None:
                convert, column = fast
            else:
                from data_bridge.odm.model_shapes import model_shape

                shape = None if constrained else model_shape(info.annotation)
                # Values decoded as "any" may hold nested containers shared with the raw column
                # (the saved state): copy them before pydantic sees them.
                column = _column_converter(_annotated(info), structured, spec == "any", config)
        fields[name] = FieldPlan(
            name,
            key,
            spec,
            convert,
            nullable,
            _default_of(info),
            native or bool(info.exclude),
            column,
            shape,
        )
    by_key = {f.key: f for f in fields.values()}
    model_spec: dict[str, Any] = {f.key: f.spec for f in fields.values()}
    if model.model_config.get("extra") == "allow":
        # The stored keys outside the model, for its extras (one raw-BSON document per row).
        model_spec[REST_KEY] = "rest"
    plan = ModelPlan(fields, by_key, model_spec, all(f.native for f in fields.values()))
    _PLANS[model] = plan
    return plan


def _custom_encoded(annotation: Any, encoders: Any) -> bool:
    """Whether a field's values are written by one of ``Settings.bson_encoders``."""
    core, _, _ = _strip(annotation)
    types_ = [t for t in encoders if isinstance(t, type)]
    return isinstance(core, type) and any(issubclass(core, t) for t in types_)


def _is_marker(metadata: Any) -> bool:
    return isinstance(metadata, IndexedAnnotation)


def forget_plan(model: type[BaseModel]) -> None:
    """Drop a cached plan (after a model is rebuilt)."""
    _PLANS.pop(model, None)
