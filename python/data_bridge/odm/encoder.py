"""Python values → BSON-ready values, for documents, filters and updates.

pydantic's serializer (``model_dump``) does the heavy lifting for models; this module only
rewrites what the engine cannot encode (Decimal, Enum, sets, dates, ...) and applies a model's
``Settings.bson_encoders``.

Example:
    >>> import decimal
    >>> encode({"price": decimal.Decimal("1.5"), "tags": {"a"}})
    {'price': Decimal128('1.5'), 'tags': ['a']}

"""

from __future__ import annotations

import datetime
import decimal
import enum
import ipaddress
import pathlib
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from bson import Binary, Code, DBRef, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pydantic import AnyUrl, BaseModel, SecretBytes, SecretStr
from pydantic_core import Url

# Types the engine takes as they are.
NATIVE: frozenset[type] = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        bytes,
        ObjectId,
        datetime.datetime,
        Decimal128,
        Binary,
        Regex,
        Int64,
        Timestamp,
        Code,
        MinKey,
        MaxKey,
        uuid.UUID,
        DBRef,
    }
)

Encoders = Mapping[type, Callable[[Any], Any]]


def _date(value: datetime.date) -> datetime.datetime:
    return datetime.datetime(value.year, value.month, value.day)


def _time_delta(value: datetime.timedelta) -> float:
    return value.total_seconds()


_FIXED: dict[type, Callable[[Any], Any]] = {
    decimal.Decimal: Decimal128,
    datetime.date: _date,
    datetime.time: lambda v: v.isoformat(),
    datetime.timedelta: _time_delta,
    re.Pattern: lambda v: Regex.from_native(v),
    SecretStr: lambda v: v.get_secret_value(),
    SecretBytes: lambda v: v.get_secret_value(),
    Url: str,
    AnyUrl: str,  # pydantic's URL types (HttpUrl, ...) are no pydantic_core.Url since 2.10
}


def encode(value: Any, encoders: Encoders | None = None) -> Any:
    """Rewrite ``value`` (recursively) into types the engine encodes to BSON.

    Example:
        >>> encode({"d": __import__("datetime").date(2024, 1, 2)})
        {'d': datetime.datetime(2024, 1, 2, 0, 0)}

    """
    kind = type(value)
    if encoders:
        custom = encoders.get(kind)
        if custom is not None:
            return custom(value)
    if kind in NATIVE:
        return value
    if kind is dict:
        return {k if type(k) is str else _key(k): encode(v, encoders) for k, v in value.items()}
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        return [encode(v, encoders) for v in value]
    return _encode_other(value, encoders)


def _key(key: Any) -> str:
    # An Enum key stands for its value (a field path such as `Sample.integer`), as in Beanie.
    return str(key.value) if isinstance(key, enum.Enum) else str(key)


def _encode_other(value: Any, encoders: Encoders | None) -> Any:
    if encoders:
        for base, custom in encoders.items():
            if isinstance(value, base):
                return custom(value)
    for base, fixed in _FIXED.items():
        if isinstance(value, base):
            return fixed(value)
    if isinstance(value, enum.Enum):
        return encode(value.value, encoders)
    if isinstance(value, BaseModel):
        dumped = value.model_dump(by_alias=True)
        return encode(dumped, encoders)
    if isinstance(value, Mapping):
        return {_key(k): encode(v, encoders) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v, encoders) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, ObjectId):
        return value
    if isinstance(value, (pathlib.PurePath, ipaddress._BaseAddress, ipaddress._BaseNetwork)):
        return str(value)
    raise TypeError(f"cannot encode a value of type {type(value).__qualname__} to BSON: {value!r}")


def normalize(value: Any) -> Any:
    """Return the form a value takes after a round trip through MongoDB, for change detection.

    Datetimes become naive UTC truncated to milliseconds; tuples become lists; a DBRef becomes
    the ``{"$ref": ..., "$id": ...}`` document it is stored as (how raw reads return it).
    """
    kind = type(value)
    if kind is dict:
        return {k: normalize(v) for k, v in value.items()}
    if kind is DBRef:
        return {k: normalize(v) for k, v in value.as_doc().items()}
    if kind is list or kind is tuple:
        return [normalize(v) for v in value]
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value
