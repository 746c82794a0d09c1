"""Beanie's ``Encoder`` (``beanie.odm.utils.encoder``): Python values → BSON-ready values.

data-bridge encodes documents in its own write path (``odm/encoder.py`` and the engine); this
class gives code written against Beanie's encoder the values Beanie's would: documents as their
stored dicts (aliases, links as DBRefs), ``bytes`` as ``bson.Binary``, ``UUID`` as a standard
``Binary``, ``Decimal`` as ``Decimal128``, enums as their values, ``re.Pattern`` as ``Regex``.

Example:
    >>> import decimal
    >>> Encoder().encode({"price": decimal.Decimal("1.5"), "raw": b"x"})
    {'price': Decimal128('1.5'), 'raw': Binary(b'x', 0)}
    >>> Encoder(custom_encoders={decimal.Decimal: str}).encode(decimal.Decimal("2"))
    '2'

"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Container, Iterable, Mapping
from enum import Enum
from typing import Any

from bson import Binary
from pydantic import BaseModel, RootModel

from data_bridge.odm.core import DocumentCore
from data_bridge.odm.encoder import NATIVE, encode

Encoders = Mapping[type, Callable[[Any], Any]]


def _encoder_for(value: Any, encoders: Encoders) -> Callable[[Any], Any] | None:
    found = encoders.get(type(value))
    if found is not None:
        return found
    for kind, candidate in encoders.items():
        if isinstance(value, kind):
            return candidate
    return None


@dataclasses.dataclass
class Encoder:
    """Encode values as Beanie's ``Encoder`` does.

    ``exclude`` / ``include`` name top-level stored keys of a document to leave out / keep;
    ``keep_nulls=False`` drops None values at every level; ``custom_encoders`` (type → function)
    take precedence over the built-in conversions. ``to_db`` is accepted for Beanie's signature:
    back-links are never stored, so both modes give the stored form.
    """

    exclude: Container[str] = frozenset()
    include: Container[str] = frozenset()
    custom_encoders: Encoders = dataclasses.field(default_factory=dict)
    to_db: bool = False
    keep_nulls: bool = True

    def encode(self, obj: Any) -> Any:
        """Return ``obj`` as BSON-ready Python values."""
        if self.custom_encoders:
            custom = _encoder_for(obj, self.custom_encoders)
            if custom is not None:
                return custom(obj)
        if isinstance(obj, bytes) and not isinstance(obj, Binary):
            return Binary(obj)
        if isinstance(obj, uuid.UUID):
            return Binary.from_uuid(obj)
        if type(obj) in NATIVE:
            return obj
        if isinstance(obj, DocumentCore):
            return self._encode_document(obj)
        if isinstance(obj, RootModel):
            return self.encode(obj.root)
        if isinstance(obj, BaseModel):
            return {key: self.encode(value) for key, value in self._model_items(obj)}
        if isinstance(obj, Mapping):
            return {
                key if isinstance(key, Enum) else str(key): self.encode(value)
                for key, value in obj.items()
            }
        if isinstance(obj, Enum):
            return self.encode(obj.value)
        if isinstance(obj, (list, tuple, set, frozenset)):
            return [self.encode(value) for value in obj]
        if isinstance(obj, Iterable) and not isinstance(obj, str):
            return [self.encode(value) for value in obj]
        return encode(obj)

    def _encode_document(self, doc: DocumentCore) -> dict[str, Any]:
        stored = doc._db_encode(keep_nulls=self.keep_nulls)
        nested = Encoder(
            custom_encoders=type(doc).get_settings().bson_encoders,
            to_db=self.to_db,
            keep_nulls=self.keep_nulls,
        )
        return {
            key: nested.encode(value)
            for key, value in stored.items()
            if key in self.include or key not in self.exclude
        }

    def _model_items(self, model: BaseModel) -> Iterable[tuple[str, Any]]:
        fields = type(model).model_fields
        for name, value in model:
            info = fields.get(name)
            if info is not None and info.exclude is True:
                continue
            key = (info.alias if info is not None else None) or name
            if key in self.exclude and key not in self.include:
                continue
            if value is None and not self.keep_nulls:
                continue
            yield key, value
