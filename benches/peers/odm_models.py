"""Beanie-style Document classes for a collection, built the same way for Beanie and data-bridge.

Both ODMs get the same pydantic field sets (benches/datasets.py) and the same settings, so the
models are identical but for their base class.
"""

from __future__ import annotations

from typing import Any

from benches.datasets import FIELDS, Shape


def document_class(base: type[Any], shape: Shape, collection: str) -> type[Any]:
    """A ``base`` subclass holding ``shape``'s fields, stored in ``collection``.

    State management is on: ``save_changes()`` needs it, and it is how Beanie users update one
    field without rewriting the document.
    """
    name = "".join(part.title() for part in collection.split("_"))
    # Module and qualified name as if `class Settings:` were written in the class body: that is
    # how pydantic tells a nested configuration class from an unannotated field.
    settings = type(
        "Settings",
        (),
        {
            "name": collection,
            "use_state_management": True,
            "__module__": __name__,
            "__qualname__": f"{name}.Settings",
        },
    )
    namespace = {"Settings": settings, "__module__": __name__, "__qualname__": name}
    return type(name, (base, FIELDS[shape]), namespace)


def touch_models(models: list[Any]) -> int:
    """A cheap check that a query returned models (not dicts): returns their count."""
    if models and not hasattr(models[0], "model_fields_set"):
        raise TypeError(f"expected model instances, got {type(models[0]).__name__}")
    return len(models)
