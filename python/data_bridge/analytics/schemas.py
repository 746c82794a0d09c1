"""Schema helpers: column subsets of a schema, and one schema over several inferred ones.

Schemas come as ``$type`` dict specs (from models: ``{"age": "long"}``) or as Arrow schemas
(``__arrow_c_schema__`` exporters: pyarrow, the engine's ``Schema``).

Example:
    >>> subset_schema({"name": "string", "age": "long"}, ["age"])
    {'age': 'long'}

"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from data_bridge.analytics.optional import require

EXTENSION_KEY = b"ARROW:extension:name"
RAW_BSON_EXTENSION = b"data_bridge.bson"


def arrow_schema(schema: Any) -> Any:
    """Return a ``pyarrow.Schema`` for an ``__arrow_c_schema__`` exporter (engine or pyarrow)."""
    pa = require("pyarrow", purpose="schema handling")
    if isinstance(schema, pa.Schema):
        return schema
    return pa.schema(schema)


def subset_schema(schema: Any, columns: Sequence[str]) -> Any:
    """Return ``schema`` restricted to the top-level ``columns``, in that order.

    The codec skips every field outside the decode schema without decoding it, so this is how
    ``columns=[...]`` avoids decoding the rest (instead of a server-side projection).

    Raises:
        KeyError: A column is not in the schema.

    Example:
        >>> subset_schema({"a": "int", "b": {"c": "string"}}, ["b"])
        {'b': {'c': 'string'}}

    """
    if isinstance(schema, Mapping):
        missing = [c for c in columns if c not in schema]
        if missing:
            raise KeyError(f"columns {missing} are not in the schema (it has {list(schema)})")
        return {c: schema[c] for c in columns}
    pa = require("pyarrow", purpose="columns=")
    full = arrow_schema(schema)
    missing = [c for c in columns if full.get_field_index(c) < 0]
    if missing:
        raise KeyError(f"columns {missing} are not in the schema (it has {full.names})")
    return pa.schema([full.field(c) for c in columns], metadata=full.metadata)


def is_raw_bson(field: Any) -> bool:
    """Whether an Arrow field is the codec's lossless fallback column (raw BSON values)."""
    if getattr(field.type, "extension_name", None) == RAW_BSON_EXTENSION.decode():
        return True  # pyarrow wrapped it in the registered extension type
    metadata = field.metadata or {}
    return bool(metadata.get(EXTENSION_KEY) == RAW_BSON_EXTENSION)


def _raw_bson_field(pa: Any, name: str) -> Any:
    return pa.field(name, pa.binary(), metadata={EXTENSION_KEY: RAW_BSON_EXTENSION})


def top_level_key(path: str) -> str:
    """Return the top-level field of a codec error path (``a.b`` and ``a[2]`` → ``a``).

    Example:
        >>> top_level_key("addresses[3].city")
        'addresses'

    """
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def widen_schema(schema: Any, path: str) -> Any:
    """Return ``schema`` with the top-level field holding ``path`` read as raw BSON (``any``).

    The lossless fallback (``on_mismatch="raw"``): a field whose stored values drifted from
    the schema keeps every value as stored. Returns ``None`` when there is nothing to widen
    (no such field, or it is raw BSON already).

    Example:
        >>> widen_schema({"name": "string", "age": "long"}, "age")
        {'name': 'string', 'age': 'any'}

    """
    key = top_level_key(path)
    if isinstance(schema, Mapping):
        if key not in schema or schema[key] == "any":
            return None
        return {**schema, key: "any"}
    pa = require("pyarrow", purpose='on_mismatch="raw"')
    full = arrow_schema(schema)
    index = full.get_field_index(key)
    if index < 0 or is_raw_bson(full.field(index)):
        return None
    return full.set(index, _raw_bson_field(pa, key))


_NUMERIC_RANK = {"int32": 0, "int64": 1, "double": 2}


def _merge_fields(pa: Any, a: Any, b: Any) -> Any:
    """One field able to hold the values of both ``a`` and ``b`` (raw BSON if nothing else)."""
    if is_raw_bson(a):
        return a
    if is_raw_bson(b):
        return b.with_name(a.name)
    if a.type == b.type and (a.metadata or {}) == (b.metadata or {}):
        return a
    if pa.types.is_null(a.type):
        return b.with_name(a.name)
    if pa.types.is_null(b.type):
        return a
    rank_a, rank_b = _NUMERIC_RANK.get(str(a.type)), _NUMERIC_RANK.get(str(b.type))
    if rank_a is not None and rank_b is not None:
        return a if rank_a >= rank_b else b.with_name(a.name)
    if pa.types.is_struct(a.type) and pa.types.is_struct(b.type):
        merged = merge_field_lists(pa, list(a.type), list(b.type))
        return pa.field(a.name, pa.struct(merged), metadata=a.metadata)
    if pa.types.is_list(a.type) and pa.types.is_list(b.type):
        item = _merge_fields(pa, a.type.value_field, b.type.value_field)
        return pa.field(a.name, pa.list_(item), metadata=a.metadata)
    return _raw_bson_field(pa, a.name)


def merge_field_lists(pa: Any, left: list[Any], right: list[Any]) -> list[Any]:
    """Fields of both lists by name (order of first appearance), each merged."""
    merged: dict[str, Any] = {f.name: f for f in left}
    for field in right:
        merged[field.name] = (
            _merge_fields(pa, merged[field.name], field) if (field.name in merged) else field
        )
    return list(merged.values())


def unify_schemas(schemas: Sequence[Any]) -> Any:
    """One Arrow schema that holds the values of every one of ``schemas``, losing nothing.

    Numbers widen (int32 → int64 → double), structs take the union of their fields, a path
    whose types cannot share a column becomes a raw-BSON column, as inference does within one
    read.

    Example:
        >>> import pyarrow as pa
        >>> unify_schemas([pa.schema({"a": pa.int32()}), pa.schema({"a": pa.int64()})])
        a: int64

    """
    pa = require("pyarrow", purpose="partitioned reads")
    fields: list[Any] = []
    for schema in schemas:
        fields = merge_field_lists(pa, fields, list(arrow_schema(schema)))
    return pa.schema(fields)
