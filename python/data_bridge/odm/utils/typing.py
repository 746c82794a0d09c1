"""Annotation helpers at Beanie's ``beanie.odm.utils.typing`` path.

Example:
    >>> extract_id_class(int | None)
    <class 'int'>

"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from pydantic.fields import FieldInfo

from data_bridge.odm.indexes import IndexedAnnotation


def extract_id_class(annotation: Any) -> type[Any]:
    """Return the class an id annotation names: the first non-None argument of a generic.

    ``Optional[str]`` and ``Union[str, int]`` give ``str``; ``Link[Door]`` gives ``Door``.
    """
    if typing.get_origin(annotation) is not None:
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = arguments[0] if arguments else None
    if inspect.isclass(annotation):
        return annotation
    raise ValueError(f"cannot tell the id class of the annotation {annotation!r}")


def get_index_attributes(field: FieldInfo) -> tuple[Any, dict[str, Any]] | None:
    """Return ``(index type, index options)`` of an ``Indexed`` field, else None.

    Example:
        >>> from pydantic import BaseModel
        >>> from data_bridge import Indexed
        >>> class Foo(BaseModel):
        ...     bar: Indexed(str, unique=True)
        >>> get_index_attributes(Foo.model_fields["bar"])
        (1, {'unique': True})

    """
    for marker in field.metadata:
        if isinstance(marker, IndexedAnnotation):
            options = dict(marker.options)
            if marker.unique:
                options["unique"] = True
            return marker.index_type, options
    return None
