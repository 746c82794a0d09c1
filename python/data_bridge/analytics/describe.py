"""What a collection or a query holds: inferred schema, counts and type conflicts.

The documents are read as raw BSON (pymongo's raw batches, bytes untouched, so ``int`` and
``long`` stay distinct) and given to the codec's ``infer_schema``, whose conflict report lists
every path, nested ones included (``address.zip``), holding incompatible types. Those paths
decode losslessly to raw-BSON columns: no value is ever turned into a null because its type
was a surprise. ``describe`` reads a random sample spread over the whole collection (the
server's ``$sample``; everything when the collection is no larger than the sample) and says how
many documents it read; types are printed as MongoDB ``$type`` aliases.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> d = data_bridge.describe(orders)  # doctest: +SKIP
    >>> d.conflicts  # doctest: +SKIP
    [{'path': 'address.zip', 'types': {'string': 950, 'int': 50}}]

"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import html
from data_bridge.analytics.optional import require
from data_bridge.analytics.source import ReadSpec
from data_bridge.codec import TypeConflict, bson_to_arrow, infer_schema

_PYMONGO: dict[tuple[int, str], Any] = {}
_PYMONGO_LOCK = threading.Lock()


def _pymongo_collection(spec: ReadSpec) -> Any:
    if spec.uri is None:
        raise ValueError(
            "a schema report reads raw BSON through the connection string, which is unknown "
            "here: use data_bridge.connect(uri) or init the model with connection_string="
        )
    import pymongo

    key = (os.getpid(), spec.uri)
    with _PYMONGO_LOCK:
        client = _PYMONGO.get(key)
        if client is None:
            client = _PYMONGO[key] = pymongo.MongoClient(spec.uri)
    coll = spec.collection
    return client[coll.database.name][coll.name]


def _random_sample(spec: ReadSpec, sample_size: int) -> bytes:
    """``sample_size`` documents drawn by the server from the whole collection (``$sample``)."""
    coll = _pymongo_collection(spec)
    pipeline: list[dict[str, Any]] = [{"$sample": {"size": sample_size}}]
    if spec.filter:
        pipeline.insert(0, {"$match": dict(spec.filter)})
    return b"".join(coll.aggregate_raw_batches(pipeline))


def _raw_sample(spec: ReadSpec, sample_size: int | None) -> bytes:
    coll = _pymongo_collection(spec)
    if spec.pipeline is not None:
        pipeline = list(spec.pipeline)
        if sample_size is not None:
            pipeline.append({"$limit": sample_size})
        cursor = coll.aggregate_raw_batches(pipeline)
    else:
        options = {k: v for k, v in spec.options.items() if v is not None}
        limit = options.get("limit") or 0
        if sample_size is not None:
            limit = min(limit, sample_size) if limit else sample_size
        cursor = coll.find_raw_batches(
            dict(spec.filter),
            projection=options.get("projection"),
            sort=options.get("sort"),
            skip=options.get("skip") or 0,
            limit=limit,
        )
    return b"".join(cursor)


@dataclasses.dataclass(frozen=True)
class FieldSummary:
    """One top-level field of a description."""

    name: str
    """Dotted path (``address.zip``); a list's items appear as ``tags[]``."""
    type: str
    """``$type`` alias (``string``, ``objectId``, ``object``, ``[string]``); ``mixed`` for a
    path holding incompatible types (kept as raw BSON, listed in the conflicts)."""
    present: int
    """Sampled documents where the field holds a non-null value."""


@dataclasses.dataclass(frozen=True)
class SchemaReport:
    """An inferred schema with its conflicts (``_repr_html_`` in Jupyter, text otherwise).

    Attributes:
        namespace: ``database.collection``.
        schema: The inferred engine ``Schema`` (``pyarrow.schema(report.schema)``).
        conflicts: Paths with incompatible types and how many values of each type were seen.
        sampled: Documents read.
        fields: Per field (nested paths too): ``$type`` alias and how many sampled documents
            have a value.
        total: Documents in the collection (``describe`` only; ``None`` for a query report).
        method: How they were chosen: ``"all"``, ``"$sample"`` (random, spread over the
            collection) or ``"first"`` (a query's first results, in its order).

    Example:
        >>> report = SchemaReport("db.c", None, [], 0, [])
        >>> report.has_conflicts
        False

    """

    namespace: str
    schema: Any
    conflicts: list[TypeConflict]
    sampled: int
    fields: list[FieldSummary]
    total: int | None = None
    method: str = "first"

    @property
    def has_conflicts(self) -> bool:
        """Whether some path holds values of incompatible types."""
        return bool(self.conflicts)

    @property
    def header(self) -> str:
        """The first line: what was read, and how (``shop.orders: 1000 of 50000 documents ...``)."""
        how = {
            "all": "all of them",
            "$sample": "random sample across the collection, $sample",
            "first": "the first results, in query order",
        }.get(self.method, self.method)
        of = f" of {self.total}" if self.total is not None else ""
        return f"{self.namespace}: {self.sampled}{of} documents read ({how})"

    def __str__(self) -> str:
        lines = [self.header]
        width = max([len(f.name) for f in self.fields] + [4])
        type_width = max([len(f.type) for f in self.fields] + [4])
        lines += [
            f"  {f.name:<{width}}  {f.type:<{type_width}}  present in {f.present}"
            for f in self.fields
        ]
        for conflict in self.conflicts:
            seen = ", ".join(f"{t}: {n}" for t, n in conflict["types"].items())
            lines.append(f"  conflict at {conflict['path']}: {seen} (kept as raw BSON)")
        if not self.conflicts:
            lines.append("  no type conflicts in the documents read")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        header = self.header
        fields = html.rows_html(
            ["field", "type", "present"], [(f.name, f.type, f.present) for f in self.fields]
        )
        conflicts = (
            "<p>type conflicts (kept losslessly as raw BSON)</p>"
            + html.rows_html(
                ["path", "types seen"],
                [(c["path"], dict(c["types"])) for c in self.conflicts],
            )
            if self.conflicts
            else "<p>no type conflicts</p>"
        )
        return f'<div class="data-bridge"><strong>{header}</strong>{fields}{conflicts}</div>'


_EXTENSION_ALIASES = {
    "data_bridge.objectid": "objectId",
    "data_bridge.decimal128": "decimal",
    "data_bridge.bson": "mixed",
    "data_bridge.binary": "binData",
    "data_bridge.undefined": "undefined",
    "data_bridge.regex": "regex",
    "data_bridge.dbpointer": "dbPointer",
    "data_bridge.javascript": "javaScript",
    "data_bridge.symbol": "symbol",
    "data_bridge.javascript_with_scope": "javaScriptWithScope",
    "data_bridge.timestamp": "timestamp",
    "data_bridge.minkey": "minKey",
    "data_bridge.maxkey": "maxKey",
    "arrow.uuid": "uuid",
}


def type_alias(arrow_type: Any) -> str:
    """Return the ``$type`` alias of a codec column type (``[string]`` for a list of strings).

    A mixed-type (raw BSON) column is ``mixed``; a document is ``object``.

    Example:
        >>> import pyarrow as pa
        >>> type_alias(pa.int32()), type_alias(pa.list_(pa.string())), type_alias(pa.float64())
        ('int', '[string]', 'double')

    """
    pa = require("pyarrow", purpose="describe()")
    name = getattr(arrow_type, "extension_name", None)
    if name is not None:
        return _EXTENSION_ALIASES.get(name, name)
    t = pa.types
    if t.is_struct(arrow_type):
        return "object"
    if t.is_list(arrow_type) or t.is_large_list(arrow_type):
        return f"[{type_alias(arrow_type.value_type)}]"
    checks = [
        (t.is_int32, "int"),
        (t.is_int64, "long"),
        (t.is_floating, "double"),
        (t.is_string, "string"),
        (t.is_large_string, "string"),
        (t.is_boolean, "bool"),
        (t.is_timestamp, "date"),
        (t.is_null, "null"),
        (t.is_binary, "binData"),
        (t.is_large_binary, "binData"),
    ]
    for check, alias in checks:
        if check(arrow_type):
            return alias
    return str(arrow_type)


def _summaries(pa: Any, name: str, column: Any, fields: list[FieldSummary]) -> None:
    """Append ``column``'s summary and, for a document, its fields' (dotted paths)."""
    fields.append(FieldSummary(name, type_alias(column.type), len(column) - column.null_count))
    if pa.types.is_struct(column.type):
        for i in range(column.type.num_fields):
            child = column.type.field(i)
            values = pa.chunked_array(
                [chunk.field(i).filter(chunk.is_valid()) for chunk in column.chunks], child.type
            )
            _summaries(pa, f"{name}.{child.name}", values, fields)
    elif pa.types.is_list(column.type) and pa.types.is_struct(column.type.value_type):
        items = pa.chunked_array(
            [chunk.flatten() for chunk in column.chunks], column.type.value_type
        )
        item_fields: list[FieldSummary] = []
        _summaries(pa, f"{name}[]", items, item_fields)
        fields.extend(item_fields[1:])  # the items' fields; the list itself is already listed


def _report(spec: ReadSpec, data: bytes, total: int | None, method: str = "first") -> SchemaReport:
    pa = require("pyarrow", purpose="describe()")
    schema, conflicts = infer_schema(data)
    table = pa.table(bson_to_arrow(data, schema))
    fields: list[FieldSummary] = []
    for name in table.column_names:
        _summaries(pa, name, table.column(name), fields)
    return SchemaReport(
        spec.namespace, schema, list(conflicts), table.num_rows, fields, total, method
    )


def schema_report_sync(spec: ReadSpec, sample_size: int | None = 1000) -> SchemaReport:
    """Infer ``spec``'s schema from its first ``sample_size`` results (``None``: all)."""
    return _report(spec, _raw_sample(spec, sample_size), None, "first" if sample_size else "all")


async def schema_report_async(spec: ReadSpec, sample_size: int | None = 1000) -> SchemaReport:
    """Awaitable twin of :func:`schema_report_sync` (the sample is read in a worker thread)."""
    import asyncio

    data = await asyncio.to_thread(_raw_sample, spec, sample_size)
    return _report(spec, data, None, "first" if sample_size else "all")


def describe(collection: Any, sample_size: int | None = 10_000) -> SchemaReport:
    """Describe a collection: inferred schema, document count, fields present, type conflicts.

    Args:
        collection: A collection from ``data_bridge.connect(uri)[db][name]``, or a document
            class (``User``).
        sample_size: Documents to read: a random sample spread over the whole collection (the
            server's ``$sample``), or every document when the collection holds no more than
            that; ``None`` reads all.

    Returns:
        A :class:`SchemaReport`: a text ``str()``, an HTML table in Jupyter. Its first line says
        how many documents were read and how; nested paths are listed (``address.zip``), types
        are ``$type`` aliases, and a path holding several types is ``mixed`` with a conflict line.

    Example:
        >>> print(data_bridge.describe(people))  # doctest: +SKIP
        shop.people: 10000 of 200000 documents read (random sample across the collection, $sample)
          _id          objectId  present in 10000
          name         string    present in 10000
          address      object    present in 10000
          address.zip  mixed     present in 10000
          conflict at address.zip: string: 9497, int: 503 (kept as raw BSON)

    """
    spec = read_spec_of(collection)
    total = int(spec.collection.estimated_document_count_sync())
    if sample_size is not None and total > sample_size and spec.pipeline is None:
        return _report(spec, _random_sample(spec, sample_size), total, "$sample")
    return _report(spec, _raw_sample(spec, None), total, "all")


def read_spec_of(target: Any) -> ReadSpec:
    """Return the whole-collection read of an analytics collection, a query, or a document class."""
    read_spec = getattr(target, "_read_spec", None)
    if callable(read_spec):
        spec = read_spec()
        if isinstance(spec, ReadSpec):
            return spec
    if isinstance(target, type) and hasattr(target, "_db_binding"):
        binding = target._db_binding()
        return ReadSpec(binding.collection, uri=binding.uri)
    if isinstance(target, _engine.Collection):
        return ReadSpec(target)
    raise TypeError(
        f"expected a data-bridge collection, query or document class, not {type(target).__name__}"
    )
