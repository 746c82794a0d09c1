"""Touching every field of a result, the same way for every library."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def read_every_field(value: Any) -> int:
    """Read every field of a document, model or list, recursively; returns the leaves seen.

    Models are read through attribute access, as application code does: a lazy object that
    defers decoding pays for it here.
    """
    if isinstance(value, BaseModel):
        return sum(read_every_field(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, dict):
        return sum(read_every_field(item) for item in value.values())
    if isinstance(value, list):
        return sum(read_every_field(item) for item in value)
    return 1


def read_all(documents: list[Any]) -> int:
    """Read every field of every document; returns the number of documents."""
    leaves = sum(read_every_field(document) for document in documents)
    if documents and leaves == 0:
        raise AssertionError("read_every_field saw no values")
    return len(documents)
