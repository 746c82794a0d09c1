"""What a collection or a query holds: inferred schema, counts and type conflicts.

The documents are read as raw BSON (pymongo's raw batches, bytes untouched, so ``int`` and
``long`` stay distinct) and given to the codec's ``infer_schema``, whose conflict report lists
every path holding incompatible types. Those paths decode losslessly to raw-BSON columns: no
value is ever turned into a null because its type was a surprise.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> d = data_bridge.describe(orders)  # doctest: +SKIP
    >>> d.conflicts  # doctest: +SKIP
    [{'path': 'zip', 'types': {'int': 980, 'string': 20}}]

"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import html
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
    """Field name."""
    type: str
    """Inferred Arrow type (``binary`` with ``data_bridge.bson`` for mixed types)."""
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
        fields: Per top-level field: type and how many sampled documents have a value.
        total: Documents in the collection (``describe`` only; ``None`` for a query report).

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

    @property
    def has_conflicts(self) -> bool:
        """Whether some path holds values of incompatible types."""
        return bool(self.conflicts)

    def __str__(self) -> str:
        lines = [f"{self.namespace}: {self.sampled} documents sampled"]
        if self.total is not None:
            lines[0] += f" of {self.total}"
        lines += [f"  {f.name}: {f.type} (present in {f.present})" for f in self.fields]
        for conflict in self.conflicts:
            seen = ", ".join(f"{t}: {n}" for t, n in conflict["types"].items())
            lines.append(f"  conflict at {conflict['path']}: {seen} (kept as raw BSON)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        header = f"{self.namespace}: {self.sampled} documents sampled"
        if self.total is not None:
            header += f" of {self.total}"
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


def _report(spec: ReadSpec, data: bytes, total: int | None) -> SchemaReport:
    schema, conflicts = infer_schema(data)
    table = bson_to_arrow(data, schema)
    fields = []
    for name in schema.names:
        values = table.column(name)
        present = sum(v is not None for v in values)
        fields.append(FieldSummary(name, schema.field_type(name), present))
    return SchemaReport(spec.namespace, schema, list(conflicts), table.num_rows, fields, total)


def schema_report_sync(spec: ReadSpec, sample_size: int | None = 1000) -> SchemaReport:
    """Infer ``spec``'s schema from its first ``sample_size`` results (``None``: all)."""
    return _report(spec, _raw_sample(spec, sample_size), None)


async def schema_report_async(spec: ReadSpec, sample_size: int | None = 1000) -> SchemaReport:
    """Awaitable twin of :func:`schema_report_sync` (the sample is read in a worker thread)."""
    import asyncio

    data = await asyncio.to_thread(_raw_sample, spec, sample_size)
    return _report(spec, data, None)


def describe(collection: Any, sample_size: int | None = 10_000) -> SchemaReport:
    """Describe a collection: inferred schema, document count, fields present, type conflicts.

    Args:
        collection: A collection from ``data_bridge.connect(uri)[db][name]``, or a document
            class (``User``).
        sample_size: Documents to read (the first ones in natural order); ``None`` reads all.

    Returns:
        A :class:`SchemaReport`: a text ``str()``, an HTML table in Jupyter.

    Example:
        >>> print(data_bridge.describe(orders))  # doctest: +SKIP
        shop.orders: 1000 documents sampled of 1000
          _id: FixedSizeBinary(12) (present in 1000)
          ...

    """
    spec = read_spec_of(collection)
    data = _raw_sample(spec, sample_size)
    total = int(spec.collection.estimated_document_count_sync())
    return _report(spec, data, total)


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
