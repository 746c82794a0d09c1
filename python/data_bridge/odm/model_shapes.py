"""Embedded models the engine can build from a result column without pydantic validating them.

Validating a value the codec has already typed (a ``str`` from a string column, a ``float``
from a double column) gives the value back unchanged. So for an embedded model made only of
such fields, lists of them and other such models, with no validators, constraints, custom
``__init__`` or value-changing config, building the instances directly (as ``model_construct``
does) gives the same models as validation, several times faster. This module decides, once per
field, whether that holds and describes the field for the engine (``_engine.ModelShape``).

At read time the engine still checks every column's Arrow type against the declared one and
hands the column back to pydantic on anything it cannot build exactly (a null in a required
field, a datetime outside Python's range), so errors stay pydantic's.

Example:
    >>> from pydantic import BaseModel
    >>> class Line(BaseModel):
    ...     sku: str
    ...     qty: int = 1
    >>> model_shape(list[Line]) is not None
    True
    >>> class Upper(BaseModel):
    ...     model_config = {"str_to_upper": True}
    ...     sku: str
    >>> model_shape(Upper) is None
    True

"""

from __future__ import annotations

import datetime
import functools
import typing
from typing import Any

from pydantic import BaseModel, RootModel

from data_bridge import _engine
from data_bridge.odm.codecs import _strip as strip

#: Turn the engine-built path off (tests compare it with validation; a safety valve).
ENABLED = True

_KINDS: dict[Any, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    datetime.datetime: "datetime",
}

# Config under which validation changes or refuses an already-typed value, with the values
# under which it does not.
_HARMLESS_CONFIG: dict[str, tuple[Any, ...]] = {
    "str_strip_whitespace": (False, None),
    "str_to_lower": (False, None),
    "str_to_upper": (False, None),
    "str_min_length": (0, None),
    "str_max_length": (None,),
    "allow_inf_nan": (True, None),
    "validate_default": (False, None),
}


def model_shape(annotation: Any) -> Any:
    """Return the engine shape of a field holding embedded models, or None.

    None when the field holds no model (scalar fields are cheap already) or when any model in
    it must be validated. Top-level nulls come back as None for the caller's own null rule.
    """
    core, _, metadata = strip(annotation)
    origin = typing.get_origin(core)
    args = typing.get_args(core)
    holds_model = _is_model(core) or (
        origin is list and len(args) == 1 and _is_model(strip(args[0])[0])
    )
    if metadata or not holds_model:
        return None
    spec = _spec(annotation, None, [])
    if spec is None:
        return None
    return _engine.ModelShape((spec[0], True, None, *spec[3:]))


def _is_model(core: Any) -> bool:
    return isinstance(core, type) and issubclass(core, BaseModel)


def _spec(annotation: Any, default: Any, stack: list[type]) -> tuple[Any, ...] | None:
    core, nullable, metadata = strip(annotation)
    if metadata:
        return None
    kind = _KINDS.get(core) if isinstance(core, type) else None
    if kind is not None:
        return (kind, nullable, default)
    if typing.get_origin(core) is list:
        args = typing.get_args(core)
        item = _spec(args[0], None, stack) if len(args) == 1 else None
        return None if item is None else ("list", nullable, default, item)
    if _is_model(core):
        fields = _fields(core, stack)
        if fields is None:
            return None
        extra_allowed = core.model_config.get("extra") == "allow"
        return ("model", nullable, default, core, extra_allowed, fields)
    return None


def _fields(model: type[BaseModel], stack: list[type]) -> list[tuple[str, str, Any]] | None:
    """``[(key, name, spec)]`` of a model that can be built unvalidated, else None."""
    from data_bridge.odm.core import DocumentCore

    if model in stack or issubclass(model, (RootModel, DocumentCore)):
        return None
    decorators = model.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
        or model.__pydantic_post_init__ is not None
        or model.__pydantic_custom_init__
        or model.__private_attributes__
    ):
        return None
    config = model.model_config
    for key, harmless in _HARMLESS_CONFIG.items():
        if key in config and config.get(key) not in harmless:
            return None
    out = []
    for name, info in model.__pydantic_fields__.items():
        if info.metadata or info.discriminator is not None or info.validate_default:
            return None
        if info.validation_alias is not None and info.validation_alias != info.alias:
            return None
        default = None
        if not info.is_required():
            if getattr(info, "default_factory_takes_data", False):
                return None
            default = functools.partial(info.get_default, call_default_factory=True)
        spec = _spec(info.annotation, default, [*stack, model])
        if spec is None:
            return None
        out.append((info.alias or name, name, spec))
    return out
