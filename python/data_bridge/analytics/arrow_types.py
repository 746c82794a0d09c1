"""pyarrow extension types for the codec's BSON extension names, and their Python values.

The codec tags a column with ``ARROW:extension:name`` (``data_bridge.objectid``,
``data_bridge.decimal128``, ``data_bridge.bson``, ...; the table is in the README). Registering
one ``pyarrow.ExtensionType`` per name makes pyarrow wrap those columns, without copying, in a
type whose scalars' ``as_py()`` give what pymongo gives: ``bson.ObjectId``, ``Decimal128``,
``Regex``, ``Timestamp``, ``Code``, ``Binary``, ``MinKey`` / ``MaxKey``, and, for a mixed-type
(``any``) column, the stored value itself. The storage (and so every buffer) is unchanged:
``pa.table(query)`` still shares the engine's memory, and writing the table back sends the same
bytes.

Importing this module registers them; ``data_bridge.analytics`` imports it right after pyarrow's
first import (an import hook), so pyarrow stays optional and is never imported for you.

Example:
    >>> import bson
    >>> import pyarrow as pa
    >>> import data_bridge
    >>> t = pa.table(data_bridge.bson_to_arrow(bson.encode({"_id": bson.ObjectId(b"a" * 12)})))
    >>> t.schema.field("_id").type.extension_name
    'data_bridge.objectid'
    >>> t.column("_id")[0].as_py()
    ObjectId('616161616161616161616161')

"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any

import bson
import pyarrow as pa
from bson import Binary, Code, DBRef, Decimal128, MaxKey, MinKey, ObjectId, Regex, Timestamp

OBJECTID = "data_bridge.objectid"
DECIMAL128 = "data_bridge.decimal128"
RAW_BSON = "data_bridge.bson"


_OID_SLOT: Any = ObjectId.__dict__["_ObjectId__id"]


def _object_ids(storage: pa.FixedSizeBinaryArray) -> list[ObjectId | None]:
    """ObjectIds over a ``fixed_size_binary(12)`` array, read from its buffer in one piece.

    Skips pyarrow's per-value scalars and ``ObjectId.__init__``'s parsing (this runs per row).
    """
    start, count = storage.offset * 12, len(storage)
    data = storage.buffers()[1]
    raw = data.to_pybytes()[start : start + count * 12] if data is not None else b""
    valid = storage.is_valid().to_pylist() if storage.null_count else None
    new, put = ObjectId.__new__, _OID_SLOT.__set__
    out: list[ObjectId | None] = []
    for row in range(count):
        if valid is not None and not valid[row]:
            out.append(None)
            continue
        oid = new(ObjectId)
        put(oid, raw[row * 12 : row * 12 + 12])
        out.append(oid)
    return out


def _raw_bson_value(data: bytes) -> Any:
    return bson.decode(data)["v"]


def _binary(data: bytes, serialized: bytes) -> Binary:
    subtype = int(json.loads(serialized or b"{}").get("subtype", 0))
    return Binary(data, subtype)


def _dbpointer(value: dict[str, Any]) -> DBRef:
    return DBRef(value["namespace"], ObjectId(value["id"]))


def _code_with_scope(value: dict[str, Any]) -> Code:
    return Code(value["code"], bson.decode(value["scope"]))


# extension name -> (storage value, serialized metadata) -> Python value, as pymongo decodes it
_TO_PYTHON: dict[str, Callable[[Any, bytes], Any]] = {
    OBJECTID: lambda v, _: ObjectId(v),
    DECIMAL128: lambda v, _: Decimal128.from_bid(v),
    RAW_BSON: lambda v, _: _raw_bson_value(v),
    "data_bridge.binary": _binary,
    "data_bridge.undefined": lambda v, _: None,
    "data_bridge.regex": lambda v, _: Regex(v["pattern"], v["options"]),
    "data_bridge.dbpointer": lambda v, _: _dbpointer(v),
    "data_bridge.javascript": lambda v, _: Code(v),
    "data_bridge.symbol": lambda v, _: str(v),
    "data_bridge.javascript_with_scope": lambda v, _: _code_with_scope(v),
    "data_bridge.timestamp": lambda v, _: Timestamp(v["time"], v["increment"]),
    "data_bridge.minkey": lambda v, _: MinKey(),
    "data_bridge.maxkey": lambda v, _: MaxKey(),
}

EXTENSION_NAMES = frozenset(_TO_PYTHON)
"""Every extension name registered here (``arrow.uuid`` is pyarrow's own)."""


class BsonScalar(pa.ExtensionScalar):
    """A value of a BSON extension column: ``as_py()`` gives the pymongo value."""

    def as_py(self, *args: Any, **kwargs: Any) -> Any:
        """Return the value as pymongo decodes it (``ObjectId``, ``Decimal128``, ...), or None."""
        storage = self.value
        if storage is None or not storage.is_valid:
            return None
        ext_type = self.type
        assert isinstance(ext_type, BsonExtensionType)
        return ext_type.to_python(storage.as_py(*args, **kwargs))


class BsonExtensionType(pa.ExtensionType):
    """A codec column type: the codec's storage, a BSON type's name, pymongo values out.

    One subclass per extension name (pyarrow registers types by class); the serialized
    metadata (``{"subtype": n}`` for binaries) is kept as given, so a round trip is exact.

    Example:
        >>> ObjectIdType(pa.binary(12)).extension_name
        'data_bridge.objectid'

    """

    NAME = ""

    def __init__(self, storage_type: pa.DataType, serialized: bytes = b"") -> None:
        self._serialized = bytes(serialized)
        self._convert = _TO_PYTHON[self.NAME]
        super().__init__(storage_type, self.NAME)

    def __arrow_ext_serialize__(self) -> bytes:
        return self._serialized

    @classmethod
    def __arrow_ext_deserialize__(
        cls, storage_type: pa.DataType, serialized: bytes
    ) -> BsonExtensionType:
        return cls(storage_type, serialized)

    def __arrow_ext_scalar_class__(self) -> type[pa.ExtensionScalar]:
        return BsonScalar

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.storage_type, self._serialized)

    def to_python(self, storage_value: Any) -> Any:
        """Convert one storage value (bytes, dict, ...) to the pymongo value."""
        return self._convert(storage_value, self._serialized)

    def to_pylist(self, array: pa.Array | pa.ChunkedArray) -> list[Any]:
        """Every value of ``array`` (of this type) as pymongo values, nulls as None."""
        storage = (
            pa.chunked_array([c.storage for c in array.chunks], self.storage_type)
            if isinstance(array, pa.ChunkedArray)
            else array.storage
        )
        if self.NAME == OBJECTID:
            chunks = storage.chunks if isinstance(storage, pa.ChunkedArray) else [storage]
            return [oid for chunk in chunks for oid in _object_ids(chunk)]
        convert, serialized = self._convert, self._serialized
        return [None if v is None else convert(v, serialized) for v in storage.to_pylist()]


_CLASS_NAMES = {
    "objectid": "ObjectId",
    "bson": "RawBson",
    "dbpointer": "DBPointer",
    "javascript": "JavaScript",
    "javascript_with_scope": "JavaScriptWithScope",
    "minkey": "MinKey",
    "maxkey": "MaxKey",
}


def _class_name(name: str) -> str:
    short = name.removeprefix("data_bridge.")
    return _CLASS_NAMES.get(short, short.title()) + "Type"


_TYPES: dict[str, type[BsonExtensionType]] = {
    name: type(_class_name(name), (BsonExtensionType,), {"NAME": name, "__module__": __name__})
    for name in _TO_PYTHON
}
ObjectIdType = _TYPES[OBJECTID]
Decimal128Type = _TYPES[DECIMAL128]
RawBsonType = _TYPES[RAW_BSON]

_PROTOTYPES: dict[str, pa.DataType] = {
    OBJECTID: pa.binary(12),
    DECIMAL128: pa.binary(16),
    RAW_BSON: pa.binary(),
}
_REGISTERED = False
_LOCK = threading.Lock()


def register() -> None:
    """Register every BSON extension type with pyarrow (idempotent; another owner's is kept).

    Example:
        >>> register()
        >>> register()  # a second call does nothing

    """
    global _REGISTERED
    with _LOCK:
        if _REGISTERED:
            return
        for name, cls in _TYPES.items():
            # Already registered (by an earlier copy of this module): keep that one.
            with contextlib.suppress(pa.ArrowKeyError):
                pa.register_extension_type(cls(_PROTOTYPES.get(name, pa.null())))
        _REGISTERED = True


def is_bson_type(arrow_type: pa.DataType) -> bool:
    """Whether ``arrow_type`` is one of these extension types.

    Example:
        >>> is_bson_type(ObjectIdType(pa.binary(12))), is_bson_type(pa.int64())
        (True, False)

    """
    return isinstance(arrow_type, BsonExtensionType)


def contains_bson_type(arrow_type: pa.DataType) -> bool:
    """Whether ``arrow_type`` is, or nests (struct field, list item), one of these types.

    Example:
        >>> contains_bson_type(pa.struct([("id", ObjectIdType(pa.binary(12)))]))
        True

    """
    if isinstance(arrow_type, BsonExtensionType):
        return True
    if isinstance(arrow_type, pa.StructType):
        return any(
            contains_bson_type(arrow_type.field(i).type) for i in range(arrow_type.num_fields)
        )
    value_type = getattr(arrow_type, "value_type", None)
    return value_type is not None and contains_bson_type(value_type)


register()
