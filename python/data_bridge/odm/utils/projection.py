"""The server projection a model reads with, at Beanie's ``beanie.odm.utils.projection`` path.

Example:
    >>> from pydantic import BaseModel, Field
    >>> class Summary(BaseModel):
    ...     name: str
    ...     id: str = Field(alias="_id")
    >>> get_projection(Summary)
    {'name': 1, '_id': 1}

"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from data_bridge.odm import inheritance


def get_projection(model: type[BaseModel]) -> dict[str, Any] | None:
    """Return ``{stored key: 1}`` for ``model``'s fields, as Beanie projects a model.

    ``Settings.projection`` wins when declared; classes of an inheritance family or union and
    ``extra="allow"`` models read every field (None). data-bridge itself sends a projection only
    for ``Settings.projection`` and decodes the other fields away client-side (cheaper on the
    server); this function reports what Beanie would send.
    """
    if hasattr(model, "_db_family") or inheritance.family_of(model) is not None:
        return None
    settings = getattr(model, "Settings", None)
    if settings is not None and hasattr(settings, "projection"):
        projection: dict[str, Any] | None = settings.projection
        return projection
    if model.model_config.get("extra") == "allow":
        return None
    return {info.alias or name: 1 for name, info in model.model_fields.items()}
