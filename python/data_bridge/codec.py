"""BSON <-> Arrow without a server: decode, encode and infer schemas of raw BSON bytes.

The work happens in Rust (``data_bridge._engine``), in parallel, with the GIL released. Input is
concatenated BSON documents: what ``bson.encode`` produces joined together, a mongodump ``.bson``
file, or ``arrow_to_bson`` output.

Example:
    >>> import bson
    >>> import pyarrow as pa
    >>> from data_bridge import arrow_to_bson, bson_to_arrow
    >>> data = bson.encode({"name": "Ada", "age": 36}) + bson.encode({"name": "Alan"})
    >>> table = pa.table(bson_to_arrow(data))
    >>> table.column("age").to_pylist()
    [36, None]
    >>> bson.decode_all(arrow_to_bson(table))
    [{'name': 'Ada', 'age': 36}, {'name': 'Alan'}]

Type mapping (the full table is in the ``data-bridge-arrow`` crate docs): ObjectId is
``fixed_size_binary(12)`` with field metadata ``ARROW:extension:name = data_bridge.objectid``;
datetimes are ``timestamp[ms, UTC]``; UUIDs (binary subtype 4) are ``fixed_size_binary(16)``
tagged ``arrow.uuid``; decimal128 keeps its 16 BSON bytes (``data_bridge.decimal128``); other
binary subtypes, regex, code, timestamps, min/max keys and the deprecated types have their own
extension names. A path whose values have incompatible types becomes a ``data_bridge.bson``
column holding each value as the BSON document ``{"v": value}``, and is reported by
``infer_schema``.

"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, TypedDict

from data_bridge import _engine

__all__ = ["InferredSchema", "TypeConflict", "arrow_to_bson", "bson_to_arrow", "infer_schema"]

BytesLike = bytes | bytearray | memoryview
"""Concatenated BSON documents. ``bytes`` is read in place; other buffers are copied once."""


class TypeConflict(TypedDict):
    """A path whose values had incompatible BSON types (its column keeps raw BSON)."""

    path: str
    """Dotted path; list elements appear as ``tags[]``."""
    types: dict[str, int]
    """BSON ``$type`` alias -> how many values of that type were seen."""


class InferredSchema(NamedTuple):
    """What ``infer_schema`` found: the schema and the paths that fell back to raw BSON."""

    schema: _engine.Schema
    conflicts: list[TypeConflict]


def bson_to_arrow(
    data: BytesLike,
    schema: Any = None,
    *,
    on_mismatch: Literal["error", "null"] = "error",
    parallel: bool = True,
) -> _engine.Table:
    """Decode concatenated BSON documents into an Arrow table.

    Args:
        data: Concatenated BSON documents.
        schema: An object with ``__arrow_c_schema__`` (``pyarrow.Schema``, ...), a dict spec of
            MongoDB ``$type`` aliases (``{"_id": "objectId", "address": {"city": "string"},
            "tags": ["string"]}``), or ``None`` to infer it from every document. Fields not in
            the schema are skipped; missing fields are null.
        on_mismatch: A value whose type does not fit its column raises ``DecodeError``
            (``"error"``) or is stored as null and counted in ``Table.nulled`` (``"null"``).
        parallel: Decode chunks on all cores (default) or on one thread.

    Returns:
        A ``Table`` (one record batch per chunk); ``pyarrow.table(t)`` and
        ``polars.DataFrame(t)`` take it without copying.

    Raises:
        DecodeError: Malformed BSON, or a value of the wrong type (``.row``, ``.path``,
            ``.expected``, ``.found``).
        SchemaError: The schema cannot be used.

    Example:
        >>> import bson
        >>> t = bson_to_arrow(bson.encode({"a": 1}), schema={"a": "long"})
        >>> t.num_rows, t.schema.field_type("a")
        (1, 'Int64')

    """
    return _engine.bson_to_arrow(data, schema, on_mismatch=on_mismatch, parallel=parallel)


def arrow_to_bson(data: Any, *, keep_nulls: bool = False) -> bytes:
    """Encode every row of an Arrow table as a BSON document.

    Args:
        data: Any object with ``__arrow_c_stream__`` or ``__arrow_c_array__`` (a pyarrow
            table or record batch, a polars DataFrame, a data-bridge ``Table``); pyarrow is not
            required.
        keep_nulls: Write nulls as BSON null instead of leaving the field out. Nulls inside
            lists are always written.

    Returns:
        The documents, concatenated (``bson.decode_all`` reads them).

    Raises:
        EncodeError: A value cannot be written as BSON (``.row``, ``.path``).
        SchemaError: A column's Arrow type has no BSON mapping.

    Example:
        >>> import bson
        >>> import pyarrow as pa
        >>> bson.decode_all(arrow_to_bson(pa.table({"x": [1, None]})))
        [{'x': 1}, {}]

    """
    return _engine.arrow_to_bson(data, keep_nulls=keep_nulls)


def infer_schema(data: BytesLike, sample_size: int | None = None) -> InferredSchema:
    """Infer the Arrow schema of concatenated BSON documents.

    Fields are the union over the documents (in order of first appearance), all nullable;
    numbers promote int32 -> int64 -> double; a path with incompatible types becomes a raw-BSON
    column and is listed in ``conflicts``.

    Args:
        data: Concatenated BSON documents.
        sample_size: Look at the first ``sample_size`` documents only (``None``: all).

    Returns:
        ``(schema, conflicts)``; ``conflicts`` is a list of ``{"path": ..., "types": {alias:
        count}}``.

    Example:
        >>> import bson
        >>> data = bson.encode({"x": 1}) + bson.encode({"x": "one"})
        >>> schema, conflicts = infer_schema(data)
        >>> conflicts
        [{'path': 'x', 'types': {'int': 1, 'string': 1}}]

    """
    schema, conflicts = _engine.infer_schema(data, sample_size)
    return InferredSchema(
        schema, [TypeConflict(path=c["path"], types=c["types"]) for c in conflicts]
    )
