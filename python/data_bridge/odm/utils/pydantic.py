"""pydantic helpers at Beanie's ``beanie.odm.utils.pydantic`` path.

Beanie kept these to bridge pydantic v1 and v2; here they are the v2 calls they stand for.

Example:
    >>> from pydantic import BaseModel
    >>> class Point(BaseModel):
    ...     x: int
    >>> parse_model(Point, {"x": "3"}), sorted(get_model_fields(Point))
    (Point(x=3), ['x'])

"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

M = TypeVar("M", bound=BaseModel)


def get_field_type(field: FieldInfo) -> Any:
    """Return the annotation of a model field."""
    return field.annotation


def get_model_fields(model: type[BaseModel] | BaseModel) -> dict[str, FieldInfo]:
    """Return the fields of a model class or instance, by attribute name."""
    klass = model if isinstance(model, type) else type(model)
    return klass.model_fields


def parse_model(model_type: type[M], data: Any) -> M:
    """Validate ``data`` (a mapping or a model) into ``model_type``."""
    return model_type.model_validate(data)


def get_extra_field_info(field: FieldInfo, parameter: str) -> Any:
    """Return ``parameter`` from a field's ``json_schema_extra`` dict, if it has one."""
    extra = field.json_schema_extra
    return extra.get(parameter) if isinstance(extra, dict) else None


def get_config_value(model: type[BaseModel] | BaseModel, parameter: str) -> Any:
    """Return one ``model_config`` entry (None when unset)."""
    return model.model_config.get(parameter)


def get_model_dump(model: BaseModel, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Return ``model.model_dump(*args, **kwargs)``."""
    return model.model_dump(*args, **kwargs)
