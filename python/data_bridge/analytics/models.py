"""Analytics on ODM models: query mixins, ``Model.insert_arrow`` with a schema check, HTML.

The ODM's query classes inherit a mixin from here (one line each), so every model query has
``to_arrow``/``to_pandas``/``to_polars``/``to_numpy``/``stream``/``partitions`` — awaitable on
``data_bridge.Document`` queries, blocking on ``data_bridge.sync`` ones — decoding with the
model's fields as the schema (fields outside the model are skipped, never decoded).

Example:
    >>> table = await User.find(User.age > 30).to_arrow()  # doctest: +SKIP
    >>> await User.insert_arrow(pa.table({"name": ["Ada"], "age": [36]}))  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge import _engine
from data_bridge.analytics import html
from data_bridge.analytics.distributed import DaskExport
from data_bridge.analytics.exports import ArrowExports, SyncArrowExports
from data_bridge.analytics.optional import require
from data_bridge.analytics.source import ReadSpec
from data_bridge.analytics.write import WriteResult, prepare, write, write_async


def _binding_uri(model: type[Any]) -> str | None:
    binding = model._db_binding()
    return getattr(binding, "uri", None)


def _model_columns(schema: Any) -> Any:
    # Arrow exports hold the model's fields: an extra="allow" model's rest column stays out.
    from data_bridge.odm.codecs import without_rest

    return None if schema is None else without_rest(schema)


class _FindSource:
    """``_read_spec`` of an ODM ``FindMany``: its filter, sort, skip, limit and model schema."""

    def _read_spec(self) -> ReadSpec:
        query: Any = self
        pipeline = query._link_pipeline(query.limit_number)
        if pipeline is not None:
            # A fetch_links filter on linked fields runs as its $lookup aggregation.
            options = dict(query._aggregate_kwargs())
            return ReadSpec(
                query._collection(),
                pipeline=pipeline,
                schema=_model_columns(options.pop("schema", None)),
                session=options.pop("session", None),
                options=options,
                on_mismatch=query.on_mismatch,
                uri=_binding_uri(query.document_model),
            )
        kwargs = dict(query._find_kwargs(query.limit_number))
        schema = _model_columns(kwargs.pop("schema", None))
        session = kwargs.pop("session", None)
        return ReadSpec(
            query._collection(),
            filter=query.get_filter_query(),
            options=kwargs,
            schema=schema,
            on_mismatch=query.on_mismatch,
            session=session,
            uri=_binding_uri(query.document_model),
        )


class _AggregationSource:
    """``_read_spec`` of an ODM ``AggregationQuery`` (schema from the projection model)."""

    def _read_spec(self) -> ReadSpec:
        query: Any = self
        from data_bridge.odm.results import schema_of

        options = {
            k: v
            for k, v in query.pymongo_kwargs.items()
            if k in ("allow_disk_use", "hint", "collation", "max_time_ms", "comment", "let")
        }
        model = query.projection_model
        return ReadSpec(
            query.document_model._db_collection(),
            pipeline=query.get_aggregation_pipeline(),
            options=options,
            schema=_model_columns(schema_of(model)) if model is not None else None,
            session=query.session,
            uri=_binding_uri(query.document_model),
        )


class FindManyArrow(_FindSource, ArrowExports, DaskExport):
    """Awaitable analytics for ``data_bridge.Document`` finds (mixed into ``FindMany``)."""


class SyncFindManyArrow(_FindSource, SyncArrowExports, DaskExport):
    """Blocking analytics for ``data_bridge.sync`` finds (mixed into ``SyncFindMany``)."""


class AggregationArrow(_AggregationSource, ArrowExports):
    """Awaitable analytics for ``Model.aggregate(...)`` (mixed into ``AggregationQuery``)."""


class SyncAggregationArrow(_AggregationSource, SyncArrowExports):
    """Blocking analytics for sync ``Model.aggregate(...)``."""


# ----------------------------------------------------------------------------- model writes

_ALIAS_CHECKS: dict[str, str] = {
    "string": "is_string",
    "long": "is_integer",
    "int": "is_integer",
    "double": "_is_number",
    "bool": "is_boolean",
    "date": "_is_time",
    "objectId": "_is_object_id",
    "binData": "_is_binary",
}


def _type_fits(pa: Any, spec: Any, arrow_type: Any) -> bool:
    """Whether a column of ``arrow_type`` encodes to the BSON the model field ``spec`` reads."""
    t = pa.types
    if isinstance(arrow_type, pa.ExtensionType):
        arrow_type = arrow_type.storage_type  # a registered BSON type (ObjectId, ...): its storage
    if t.is_null(arrow_type):
        return True
    if isinstance(spec, Mapping):
        if not t.is_struct(arrow_type):
            return False
        inner = {f.name: f.type for f in arrow_type}
        return all(_type_fits(pa, spec[k], inner[k]) for k in spec if k in inner)
    if isinstance(spec, list):
        if not (
            t.is_list(arrow_type) or t.is_large_list(arrow_type) or t.is_fixed_size_list(arrow_type)
        ):
            return False
        return _type_fits(pa, spec[0], arrow_type.value_type)
    check = _ALIAS_CHECKS.get(str(spec))
    if check is None:
        return True  # "any" and other aliases accept every value
    if check == "is_string":
        return bool(
            t.is_string(arrow_type)
            or t.is_large_string(arrow_type)
            or getattr(t, "is_string_view", lambda _: False)(arrow_type)
        )
    if check == "_is_number":
        return bool(t.is_floating(arrow_type) or t.is_integer(arrow_type))
    if check == "_is_time":
        return bool(t.is_timestamp(arrow_type) or t.is_date(arrow_type))
    if check == "_is_object_id":
        return bool(t.is_fixed_size_binary(arrow_type) and arrow_type.byte_width == 12)
    if check == "_is_binary":
        return bool(
            t.is_binary(arrow_type)
            or t.is_large_binary(arrow_type)
            or t.is_fixed_size_binary(arrow_type)
        )
    return bool(getattr(t, check)(arrow_type))


def _check_embedded(pa: Any, annotation: Any, arrow_type: Any, path: str) -> None:
    """Check a struct column (or list of structs) against the embedded model it is stored as.

    A struct lacking a required field of the model, or holding one of another type, raises
    ``SchemaError`` naming the nested path (``addr.city``, ``lines[].sku``) before anything
    is sent.
    """
    from data_bridge.odm.codecs import embedded_model, model_plan

    model = embedded_model(annotation)
    if model is None:
        return
    t = pa.types
    while t.is_list(arrow_type) or t.is_large_list(arrow_type) or t.is_fixed_size_list(arrow_type):
        arrow_type = arrow_type.value_type
        path = f"{path}[]"
    if not t.is_struct(arrow_type):
        return
    names = {arrow_type.field(i).name for i in range(arrow_type.num_fields)}
    for key, field in model_plan(model).by_key.items():
        where = f"{path}.{key}"
        if key not in names:
            if field.default is None and not field.nullable:
                raise _engine.SchemaError(
                    f"struct column {path!r} has no field {where!r}: "
                    f"{model.__name__}.{field.name} is required"
                )
            continue
        inner = arrow_type.field(key).type
        if not _type_fits(pa, field.spec, inner):
            raise _engine.SchemaError(
                f"column {where!r} is {inner} but {model.__name__}.{field.name} reads {field.spec}"
            )
        _check_embedded(pa, model.__pydantic_fields__[field.name].annotation, inner, where)


def _encode_error(message: str, row: int, path: str) -> _engine.EncodeError:
    error = _engine.EncodeError(message)
    error.row = row
    error.path = path
    return error


def check_frame(model: type[Any], table: Any, *, extra: str = "error") -> None:
    """Check an Arrow table against ``model``'s fields before inserting it.

    Columns are matched to fields by storage key (the alias, ``_id`` for ``id``). Checked: every
    column is a field (unless ``extra="ignore"``), each column's type encodes to what the field
    reads back, required fields are present, and non-optional fields hold no nulls.

    Raises:
        SchemaError: A column is unknown, of the wrong type, or a required one is missing.
        EncodeError: A non-optional field holds a null (``.row`` and ``.path`` say where).

    Example:
        >>> check_frame(User, pa.table({"name": ["Ada"], "age": ["x"]}))  # doctest: +SKIP
        Traceback (most recent call last):
        SchemaError: column 'age' is string but User.age reads long

    """
    pa = require("pyarrow", purpose="Model.insert_arrow()")
    plan = model._db_model_plan() if hasattr(model, "_db_model_plan") else None
    if plan is None:
        from data_bridge.odm.codecs import model_plan

        plan = model_plan(model)
    by_key = plan.by_key
    name = model.__name__
    names = list(table.column_names)
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise _engine.InvalidInput(
            f"cannot insert: column {repeated[0]!r} appears more than once (a document cannot "
            "hold two fields of one name); rename or drop one"
        )
    if extra == "error":
        unknown = [c for c in table.column_names if c not in by_key]
        if unknown:
            raise _engine.SchemaError(
                f"columns {unknown} are not fields of {name} (fields: {sorted(by_key)})"
            )
    for key, field in by_key.items():
        if key not in table.column_names:
            if field.default is None and not field.nullable and key != "_id":
                raise _engine.SchemaError(
                    f"column {key!r} is missing: {name}.{field.name} is required"
                )
            continue
        column = table.column(key)
        # Nested first: a wrong field deep inside is named by its own path.
        _check_embedded(pa, model.__pydantic_fields__[field.name].annotation, column.type, key)
        if not _type_fits(pa, field.spec, column.type):
            raise _engine.SchemaError(
                f"column {key!r} is {column.type} but {name}.{field.name} reads {field.spec}"
            )
        if not field.nullable and column.null_count:
            pc = require("pyarrow.compute", purpose="Model.insert_arrow()")
            row = int(pc.index(column.is_null(), True).as_py())
            raise _encode_error(
                f"row {row}, column {key!r}: null, but {name}.{field.name} is not Optional",
                row,
                key,
            )


def _checked(model: type[Any], data: Any, extra: str) -> Any:
    pa = require("pyarrow", purpose="Model.insert_arrow()")
    table, _ = prepare(data, generate_ids=False)
    if not isinstance(table, pa.Table):
        table = pa.table(table)
    check_frame(model, table, extra=extra)
    return table


def insert_arrow_sync(
    model: type[Any], data: Any, *, extra: str = "error", **options: Any
) -> WriteResult:
    """Check ``data`` against ``model`` and insert it into the model's collection (blocking).

    ``options`` are :func:`data_bridge.write`'s (``ordered``, ``keep_nulls``, ``progress``...).

    Example:
        >>> frame = pa.table({"name": ["Ada"], "age": [36]})
        >>> insert_arrow_sync(User, frame).inserted_count  # doctest: +SKIP
        1

    """
    return write(model._db_collection(), _checked(model, data, extra), **options)


async def insert_arrow_async(
    model: type[Any], data: Any, *, extra: str = "error", **options: Any
) -> WriteResult:
    """Awaitable twin of :func:`insert_arrow_sync`."""
    return await write_async(model._db_collection(), _checked(model, data, extra), **options)


class ArrowDocument:
    """Mixed into ``data_bridge.Document``: ``await Model.insert_arrow(frame)`` and HTML."""

    @classmethod
    async def insert_arrow(cls, data: Any, *, extra: str = "error", **options: Any) -> WriteResult:
        """Insert the rows of a frame after checking them against this model's fields.

        Example:
            >>> frame = pl.DataFrame({"name": ["Ada"], "age": [36]})
            >>> await User.insert_arrow(frame)  # doctest: +SKIP

        """
        return await insert_arrow_async(cls, data, extra=extra, **options)

    def _repr_html_(self) -> str:
        return html.document_html(self)


class SyncArrowDocument:
    """Mixed into ``data_bridge.sync.Document``: ``Model.insert_arrow(frame)`` (blocking)."""

    @classmethod
    def insert_arrow(cls, data: Any, *, extra: str = "error", **options: Any) -> WriteResult:
        """Insert the rows of a frame after checking them against this model's fields.

        Example:
            >>> User.insert_arrow(pa.table({"name": ["Ada"], "age": [36]}))  # doctest: +SKIP

        """
        return insert_arrow_sync(cls, data, extra=extra, **options)

    def _repr_html_(self) -> str:
        return html.document_html(self)
