"""The query objects' shared logic (builders and plans); async and sync classes wrap it.

Builders return ``self`` so calls chain; terminal operations are plans (see ``executor``).
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor

from data_bridge.odm import drift, inheritance, link_lookup, links
from data_bridge.odm.compile import (
    compile_filter,
    compile_sort,
    compile_update,
    full_projection,
    projection_of,
)
from data_bridge.odm.executor import CURRENT_SESSION, Call, Plan
from data_bridge.odm.operators.update.general import CurrentDate, Inc, Set
from data_bridge.odm.pymongo_sessions import PymongoRoute, is_pymongo_session
from data_bridge.odm.results import UpdateResponse, from_raw, from_table, schema_of

if TYPE_CHECKING:
    from data_bridge.odm.bulk import BulkWriterCore as BulkWriter

M = TypeVar("M")
Q = TypeVar("Q", bound="FindQueryCore[Any]")
R = TypeVar("R")


C = TypeVar("C", bound="Cloneable")


@functools.cache
def _pymongo_options(operation: str) -> frozenset[str]:
    """Return the keyword options pymongo's ``operation`` takes (``find``: its cursor's)."""
    method = AsyncCursor.__init__ if operation == "find" else getattr(AsyncCollection, operation)
    skip = {"self", "collection", "filter", "update"}
    return frozenset(inspect.signature(method).parameters) - skip


def check_options(options: Mapping[str, Any], *operations: str) -> None:
    """Raise ``TypeError`` for an option none of pymongo's ``operations`` takes (as pymongo).

    Example:
        >>> check_options({"hint": "a_1"}, "delete_many")
        >>> check_options({"wrong": 1}, "delete_many")
        Traceback (most recent call last):
        ...
        TypeError: delete_many() got an unexpected keyword argument 'wrong'

    """
    allowed = frozenset().union(*(_pymongo_options(op) for op in operations))
    for name in options:
        if name not in allowed:
            raise TypeError(f"{operations[0]}() got an unexpected keyword argument {name!r}")


class Cloneable:
    """``clone()`` for query objects, as Beanie's ``CloneInterface``."""

    # Held by reference in a clone: classes, sessions and bulk writers are shared, not copied.
    _shared_on_clone = frozenset({"session", "bulk_writer", "upsert_insert_doc"})

    def clone(self: C) -> C:
        """Return an independent copy: builders called on it leave this query unchanged.

        Example:
            >>> q = User.find(User.age > 3)  # doctest: +SKIP
            >>> narrower = q.clone().find(User.name == "x")  # doctest: +SKIP
            >>> narrower.get_filter_query() == q.get_filter_query()  # doctest: +SKIP
            False

        """
        new = copy.copy(self)
        for name, value in vars(self).items():
            if name not in self._shared_on_clone and isinstance(value, (list, dict)):
                setattr(new, name, copy.deepcopy(value))
        return new


class FindQueryCore(Cloneable, Generic[M]):
    """Filters, sort, skip, limit and projection of a find (``FindMany`` / ``FindOne``)."""

    def __init__(
        self, document_model: type[Any], projection_model: type[Any] | None = None
    ) -> None:
        self.document_model = document_model
        self.projection_model: type[Any] | None = projection_model
        self.find_expressions: list[Any] = []
        self.sort_expressions: list[tuple[str, int]] = []
        self.skip_number: int | None = None
        self.limit_number: int | None = None
        self.session: Any = None
        self.with_children = False
        self.fetch_links = False
        self.nesting_depth: int | None = None
        self.nesting_depths_per_field: dict[str, int] | None = None
        self.pymongo_kwargs: dict[str, Any] = {}
        # Stored values of another type than the model's: "error" raises, "raw" keeps them.
        self.on_mismatch: str = "error"

    # ------------------------------------------------------------------------ builders

    def find(
        self: Q,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        lazy_parse: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        with_children: bool = False,
        on_mismatch: drift.OnMismatch | None = None,
        **pymongo_kwargs: Any,
    ) -> Q:
        """Add filters (AND-combined with the ones already set), and optionally the rest.

        ``on_mismatch="raw"`` reads fields whose stored values drifted from the model's types
        losslessly instead of raising ``DecodeError`` (see :mod:`data_bridge.odm.drift`).
        """
        self.find_expressions.extend(args)
        if on_mismatch is not None:
            self.on_mismatch = drift.check_mode(on_mismatch)
        if with_children:
            self.with_children = True
        if fetch_links:
            self.fetch_links = True
        if nesting_depth is not None:
            self.nesting_depth = nesting_depth
        if nesting_depths_per_field is not None:
            self.nesting_depths_per_field = nesting_depths_per_field
        if projection_model is not None:
            self.projection_model = projection_model
        if skip is not None:
            self.skip_number = skip
        if limit is not None:
            self.limit_number = limit
        if sort is not None:
            self.sort_expressions.extend(compile_sort([sort]))
        if session is not None:
            self.session = session
        self.pymongo_kwargs.update(pymongo_kwargs)
        return self

    def sort(self: Q, *args: Any) -> Q:
        """Add sort keys: ``"field"``, ``"-field"``, ``-User.age``, ``[(field, dir), ...]``."""
        self.sort_expressions.extend(compile_sort(args))
        return self

    def skip(self: Q, n: int | None) -> Q:
        """Skip the first ``n`` results."""
        self.skip_number = n
        return self

    def limit(self: Q, n: int | None) -> Q:
        """Return at most ``n`` results."""
        self.limit_number = n
        return self

    def project(self: Q, projection_model: type[Any] | None) -> Q:
        """Decode results into ``projection_model`` (a pydantic model) instead of documents."""
        self.projection_model = projection_model
        return self

    def set_session(self: Q, session: Any = None) -> Q:
        """Run the query in ``session``."""
        self.session = session
        return self

    # ------------------------------------------------------------------------- compiling

    def get_filter_query(self) -> dict[str, Any]:
        """Return the filter this query sends.

        Example:
            >>> User.find(User.age > 3, User.name == "x").get_filter_query()  # doctest: +SKIP
            {'$and': [{'age': {'$gt': 3}}, {'name': 'x'}]}

        """
        encoders = self.document_model.get_settings().bson_encoders
        expressions = self.find_expressions
        by_class = inheritance.class_filter(self.document_model, self.with_children)
        if by_class is not None:
            expressions = [*expressions, by_class]
        return compile_filter(expressions, encoders)

    def _result_model(self) -> type[Any]:
        return self.projection_model or self.document_model

    def _collection(self) -> Any:
        return self.document_model._db_collection()

    def _find_kwargs(self, limit: int | None) -> dict[str, Any]:
        if not self.fetch_links:  # a fetch_links find is an aggregation in Beanie (its options)
            check_options(self.pymongo_kwargs, "find")
        model = self._result_model()
        kwargs: dict[str, Any] = {
            "projection": projection_of(model),
            "sort": self.sort_expressions or None,
            "skip": self.skip_number,
            "limit": limit,
            "schema": schema_of(model),
            "session": self.session or CURRENT_SESSION.get(),
        }
        for key in ("hint", "collation", "max_time_ms", "comment", "batch_size"):
            if key in self.pymongo_kwargs:
                kwargs[key] = self.pymongo_kwargs[key]
        return kwargs

    def _linked(self, replace_links: bool = False) -> link_lookup.LinkedQuery | None:
        """Return the ``$lookup`` plan of a ``fetch_links`` find, else None.

        A find needs one when its filter or sort reaches into linked documents; an aggregation
        over it (``replace_links``) always does.
        """
        if not self.fetch_links:
            return None
        linked = link_lookup.plan_for(
            self.document_model,
            self.get_filter_query(),
            self.sort_expressions,
            links.default_depth(self.document_model, self.nesting_depth),
            self.nesting_depths_per_field,
            replace_links,
            self.document_model._db_binding().server,
        )
        return linked if linked.needs_lookup or replace_links else None

    def _link_pipeline(self, limit: int | None) -> list[dict[str, Any]] | None:
        """Return the aggregation this find runs as when it filters or sorts on linked fields.

        A projection model over a ``fetch_links`` find projects the linked documents (its
        projection may reach into them, ``"$link.field"``), as Beanie's aggregation does.
        """
        linked = self._linked(replace_links=self.projection_model is not None)
        if linked is None:
            return None
        pipeline = linked.stages(self.skip_number, limit)
        projection = projection_of(self._result_model())
        if projection:
            pipeline.append({"$project": projection})
        return pipeline

    def _aggregate_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "schema": schema_of(self._result_model()),
            "session": self.session or CURRENT_SESSION.get(),
        }
        for key in ("hint", "collation", "max_time_ms", "comment", "batch_size"):
            if key in self.pymongo_kwargs:
                kwargs[key] = self.pymongo_kwargs[key]
        return kwargs

    def _plan_find(self, limit: int | None) -> Plan[list[M]]:
        pipeline = self._link_pipeline(limit)
        if pipeline is not None:
            table = yield Call(
                self._collection(), "aggregate", pipeline, **self._aggregate_kwargs()
            )
        else:
            table = yield Call(
                self._collection(), "find", self.get_filter_query(), **self._find_kwargs(limit)
            )
        docs = from_table(self._result_model(), table)
        if self.fetch_links:
            yield from self._plan_fetch_links(docs)
        return docs

    def _plan_fetch_links(self, docs: list[Any]) -> Plan[None]:
        """Fetch the links of one page of results: one query per link field and level."""
        if self.projection_model is not None or not docs:
            return
        depth = links.default_depth(self.document_model, self.nesting_depth)
        session = self.session or CURRENT_SESSION.get()
        yield from links.fetch(docs, depth, session, self.nesting_depths_per_field)

    def _plan_count(self, limit: int | None = None) -> Plan[int]:
        limit = limit if limit is not None else self.limit_number
        linked = self._linked()
        if linked is not None:
            pipeline = [*linked.stages(self.skip_number, limit, sort=False), {"$count": "n"}]
            rows = yield Call(self._collection(), "aggregate_raw", pipeline, session=self.session)
            return int(rows[0]["n"]) if rows else 0
        query = self.get_filter_query()
        if _sorts_by_distance(query):
            # countDocuments runs as an aggregation $match, where the server refuses
            # $near / $nearSphere: count the find's ids instead (the result of the same query).
            table = yield Call(
                self._collection(),
                "find",
                query,
                projection={"_id": 1},
                skip=self.skip_number,
                limit=limit,
                schema={"_id": "any"},
                session=self.session,
            )
            return int(table.num_rows)
        count = yield Call(
            self._collection(),
            "count_documents",
            query,
            skip=self.skip_number,
            limit=limit,
            session=self.session,
        )
        return int(count)

    def _plan_exists(self) -> Plan[bool]:
        count = yield from self._plan_count(1)
        return count > 0

    def _stream(self) -> Any:
        pipeline = self._link_pipeline(self.limit_number)
        session = self.session or CURRENT_SESSION.get()
        if is_pymongo_session(session):
            # Through pymongo, in the session: one Table (pymongo has no Arrow stream).
            route = PymongoRoute(self._collection(), session)
            if pipeline is not None:
                return route.stream("aggregate", pipeline, **self._aggregate_kwargs())
            find_kwargs = self._find_kwargs(self.limit_number)
            return route.stream("find", self.get_filter_query(), **find_kwargs)
        if pipeline is not None:
            return self._collection().aggregate_stream(pipeline, **self._aggregate_kwargs())
        return self._collection().find_stream(
            self.get_filter_query(), **self._find_kwargs(self.limit_number)
        )


def _split_text(query: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split a filter's top-level conditions into ``$text`` ones and the others."""
    parts = list(query.get("$and", [])) if set(query) == {"$and"} else [query] if query else []
    text: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for part in parts:
        if "$text" in part and len(part) > 1:
            text.append({"$text": part["$text"]})
            rest.append({k: v for k, v in part.items() if k != "$text"})
        else:
            (text if "$text" in part else rest).append(part)
    return text, rest


def _fetched_paths(condition: Any) -> Any:
    """Rewrite ``link.$id`` paths of a filter to ``link._id`` (links replaced by documents)."""
    if isinstance(condition, list):
        return [_fetched_paths(item) for item in condition]
    if not isinstance(condition, dict):
        return condition
    out: dict[str, Any] = {}
    for key, value in condition.items():
        if key.endswith(".$id") or ".$id." in key:
            key = key.replace(".$id", "._id")
        out[key] = _fetched_paths(value) if key.startswith("$") else value
    return out


def _all_of(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _sorts_by_distance(query: Any) -> bool:
    """Whether a filter uses ``$near`` / ``$nearSphere`` anywhere."""
    if isinstance(query, Mapping):
        return any(
            key in ("$near", "$nearSphere") or _sorts_by_distance(value)
            for key, value in query.items()
        )
    if isinstance(query, list):
        return any(_sorts_by_distance(item) for item in query)
    return False


class FindManyCore(FindQueryCore[M]):
    """Shared logic of ``FindMany``."""

    def find_many(self, *args: Mapping[str, Any] | bool, **kwargs: Any) -> Any:
        """Beanie's name for :meth:`find` on a query: add filters (AND-combined) and options."""
        return self.find(*args, **kwargs)

    def build_aggregation_pipeline(
        self, *extra_stages: dict[str, Any], project_stage: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Return the pipeline of an aggregation over this find, as Beanie builds it.

        ``$text`` conditions first (the server needs them in the first stage), then, with
        ``fetch_links``, the stages replacing links by their documents, the other conditions,
        ``extra_stages``, and the find's sort / skip / limit after them, then ``project_stage``.

        Example:
            >>> User.find(User.age > 3, sort="name").build_aggregation_pipeline(  # doctest: +SKIP
            ...     {"$group": {"_id": "$city"}}
            ... )
            [{'$match': {'age': {'$gt': 3}}}, {'$group': {'_id': '$city'}}, {'$sort': {'name': 1}}]

        """
        text, rest = _split_text(self.get_filter_query())
        stages: list[dict[str, Any]] = []
        if text:
            stages.append({"$match": _all_of(text)})
        if self.fetch_links:
            linked = link_lookup.plan_for(
                self.document_model,
                _all_of(rest) if rest else {},
                [],
                links.default_depth(self.document_model, self.nesting_depth),
                self.nesting_depths_per_field,
                replace_links=True,
            )
            if linked.after:
                # Conditions on linked documents: matched where the lookups make them visible.
                stages.extend(linked.stages(None, None, sort=False))
                rest = []
            else:
                stages.extend([*linked.lookups, *linked.replace])
                # After the lookups a link holds its document: its id is `_id`, no longer `$id`.
                rest = [_fetched_paths(part) for part in rest]
        if rest:
            stages.append({"$match": _all_of(rest)})
        stages.extend(extra_stages)
        if self.sort_expressions:
            stages.append({"$sort": dict(self.sort_expressions)})
        if self.skip_number:
            stages.append({"$skip": self.skip_number})
        if self.limit_number:
            stages.append({"$limit": self.limit_number})
        if project_stage is not None:
            stages.append(project_stage)
        return stages

    def _plan_to_list(self, length: int | None) -> Plan[list[M]]:
        limit = self.limit_number
        if length is not None:
            limit = length if limit is None else min(limit, length)
        return (yield from drift.lossless(self, self._plan_find(limit)))

    def _plan_first(self) -> Plan[M | None]:
        docs = yield from drift.lossless(self, self._plan_find(1))
        return docs[0] if docs else None

    def _aggregate_stages(self) -> list[dict[str, Any]]:
        linked = self._linked(replace_links=True)
        if linked is not None:
            return linked.stages(self.skip_number, self.limit_number)
        stages: list[dict[str, Any]] = []
        query = self.get_filter_query()
        if query:
            stages.append({"$match": query})
        if self.sort_expressions:
            stages.append({"$sort": dict(self.sort_expressions)})
        if self.skip_number:
            stages.append({"$skip": self.skip_number})
        if self.limit_number:
            stages.append({"$limit": self.limit_number})
        return stages

    def _plan_accumulate(self, operator: str, field: Any) -> Plan[Any]:
        pipeline = [
            *self._aggregate_stages(),
            {"$group": {"_id": None, "value": {operator: f"${field}"}}},
        ]
        rows = yield Call(self._collection(), "aggregate_raw", pipeline, session=self.session)
        return rows[0]["value"] if rows else None

    def _update_args(self) -> tuple[type[Any], dict[str, Any]]:
        return self.document_model, self.get_filter_query()


class FindOneCore(FindQueryCore[M]):
    """Shared logic of ``FindOne``."""

    def find_one(self, *args: Mapping[str, Any] | bool, **kwargs: Any) -> Any:
        """Beanie's name for :meth:`find` on a query: add filters (AND-combined) and options."""
        return self.find(*args, **kwargs)

    def _plan_one(self) -> Plan[M | None]:
        docs = yield from drift.lossless(self, self._plan_find(1))
        return docs[0] if docs else None

    def _plan_replace_one(
        self, document: Any, session: Any, bulk_writer: BulkWriter | None
    ) -> Plan[Any]:
        replacement = document._db_encode()
        replacement.pop("_id", None)
        query = self.get_filter_query()
        if bulk_writer is not None:
            from data_bridge.odm.bulk import ReplaceOne

            bulk_writer.add_operation(self.document_model, ReplaceOne(query, replacement))
            return None
        result = yield Call(
            self._collection(),
            "replace_one",
            query,
            replacement,
            session=session or self.session,
        )
        return result


class UpdateQueryCore(Cloneable):
    """Shared logic of ``UpdateMany`` / ``UpdateOne``."""

    def __init__(self, document_model: type[Any], find_query: dict[str, Any], many: bool) -> None:
        self.document_model = document_model
        self.find_query = find_query
        self.many = many
        self.update_expressions: list[Any] = []
        self.session: Any = None
        self.bulk_writer: BulkWriter | None = None
        self.is_upsert = False
        self.upsert_insert_doc: Any = None
        self.response_type = UpdateResponse.UPDATE_RESULT
        self.pymongo_kwargs: dict[str, Any] = {}

    def update(
        self,
        *args: Mapping[str, Any],
        session: Any = None,
        bulk_writer: BulkWriter | None = None,
        response_type: UpdateResponse | None = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Add update operators (merged with the ones already set)."""
        self.update_expressions.extend(args)
        if session is not None:
            self.session = session
        if bulk_writer is not None:
            self.bulk_writer = bulk_writer
        if response_type is not None:
            self.response_type = response_type
        self.pymongo_kwargs.update(pymongo_kwargs)
        return self

    def upsert(
        self,
        *args: Mapping[str, Any],
        on_insert: Any,
        session: Any = None,
        bulk_writer: BulkWriter | None = None,
        response_type: UpdateResponse | None = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Update, or insert ``on_insert`` (a document) when nothing matches."""
        self.upsert_insert_doc = on_insert
        self.is_upsert = True
        return self.update(
            *args,
            session=session,
            bulk_writer=bulk_writer,
            response_type=response_type,
            **pymongo_kwargs,
        )

    def set(self, expression: Mapping[Any, Any], **kwargs: Any) -> Any:
        """Shortcut for ``update(Set(expression))``."""
        return self.update(Set(expression), **kwargs)

    def inc(self, expression: Mapping[Any, Any], **kwargs: Any) -> Any:
        """Shortcut for ``update(Inc(expression))``."""
        return self.update(Inc(expression), **kwargs)

    def current_date(self, expression: Mapping[Any, Any], **kwargs: Any) -> Any:
        """Shortcut for ``update(CurrentDate(expression))``."""
        return self.update(CurrentDate(expression), **kwargs)

    @property
    def update_query(self) -> dict[str, Any] | list[Any]:
        """The update document this query sends (Beanie's name for :meth:`get_update_query`)."""
        return self.get_update_query()

    def get_update_query(self) -> dict[str, Any] | list[Any]:
        """Return the update document (or pipeline) this query sends."""
        encoders = self.document_model.get_settings().bson_encoders
        return compile_update(self.update_expressions, encoders)

    def set_session(self, session: Any = None) -> Any:
        """Run the update in ``session``."""
        self.session = session
        return self

    def _plan(self) -> Plan[Any]:
        if self.many:
            check_options(self.pymongo_kwargs, "update_many")
        else:
            check_options(self.pymongo_kwargs, "update_one", "find_one_and_update")
        update = self.get_update_query()
        collection = self.document_model._db_collection()
        options = {
            k: v
            for k, v in self.pymongo_kwargs.items()
            if k in ("array_filters", "hint", "let", "upsert")
        }
        if self.bulk_writer is not None:
            from data_bridge.odm.bulk import UpdateMany, UpdateOne

            kind = UpdateMany if self.many else UpdateOne
            options.setdefault("upsert", False)  # pymongo's native upsert=True, when given
            self.bulk_writer.add_operation(
                self.document_model, kind(self.find_query, update, **options)
            )
            return None
        if self.many or self.response_type == UpdateResponse.UPDATE_RESULT:
            method = "update_many" if self.many else "update_one"
            result = yield Call(
                collection, method, self.find_query, update, session=self.session, **options
            )
            if self.upsert_insert_doc is not None and result.matched_count == 0:
                return (yield from self._plan_insert_on_upsert())
            return result
        raw = yield Call(
            collection,
            "find_one_and_update",
            self.find_query,
            update,
            return_document=(
                "after" if self.response_type == UpdateResponse.NEW_DOCUMENT else "before"
            ),
            session=self.session,
            **options,
        )
        if raw is None:
            if self.upsert_insert_doc is not None:
                return (yield from self._plan_insert_on_upsert())
            return None
        return from_raw(self.document_model, raw)

    def _plan_insert_on_upsert(self) -> Plan[Any]:
        from data_bridge.odm import operations

        return (
            yield from operations.insert(self.upsert_insert_doc, session=self.session, skip=None)
        )


class DeleteQueryCore(Cloneable):
    """Shared logic of ``DeleteMany`` / ``DeleteOne``."""

    def __init__(
        self,
        document_model: type[Any],
        find_query: dict[str, Any],
        many: bool,
        session: Any = None,
        bulk_writer: BulkWriter | None = None,
        **pymongo_kwargs: Any,
    ) -> None:
        self.document_model = document_model
        self.find_query = find_query
        self.many = many
        self.session = session
        self.bulk_writer = bulk_writer
        self.pymongo_kwargs = pymongo_kwargs

    def set_session(self, session: Any = None) -> Any:
        """Run the delete in ``session``."""
        self.session = session
        return self

    def _plan(self) -> Plan[Any]:
        check_options(self.pymongo_kwargs, "delete_many" if self.many else "delete_one")
        if self.bulk_writer is not None:
            from data_bridge.odm.bulk import DeleteMany, DeleteOne

            kind = DeleteMany if self.many else DeleteOne
            self.bulk_writer.add_operation(self.document_model, kind(self.find_query))
            return None
        method = "delete_many" if self.many else "delete_one"
        result = yield Call(
            self.document_model._db_collection(), method, self.find_query, session=self.session
        )
        return result


# aggregate() options the engine takes, by their snake_case name and pymongo's camelCase one.
_AGGREGATE_OPTIONS = {
    "allow_disk_use": "allow_disk_use",
    "allowDiskUse": "allow_disk_use",
    "batch_size": "batch_size",
    "batchSize": "batch_size",
    "hint": "hint",
    "collation": "collation",
    "max_time_ms": "max_time_ms",
    "maxTimeMS": "max_time_ms",
    "comment": "comment",
    "let": "let",
}

# The aggregate command's field for each engine option (for the command path).
_AGGREGATE_COMMAND_FIELDS = {
    "allow_disk_use": "allowDiskUse",
    "hint": "hint",
    "collation": "collation",
    "max_time_ms": "maxTimeMS",
    "comment": "comment",
    "let": "let",
}


def _aggregate_options(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``aggregate()`` keyword options into the engine's and the rest.

    The rest go into the ``aggregate`` command as they are, as pymongo sends them, so the server
    decides (an unknown one fails with ``OperationFailure``).

    Example:
        >>> _aggregate_options({"allowDiskUse": True, "wrong": 1})
        ({'allow_disk_use': True}, {'wrong': 1})

    """
    options: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in kwargs.items():
        name = _AGGREGATE_OPTIONS.get(key)
        if name is None:
            extra[key] = value
        elif value is not None:
            options[name] = value
    return options, extra


def _plan_aggregate_command(
    collection: Any,
    pipeline: list[dict[str, Any]],
    options: Mapping[str, Any],
    extra: Mapping[str, Any],
    session: Any,
) -> Plan[list[dict[str, Any]]]:
    """Run ``aggregate`` as a database command carrying ``extra`` fields; return every document."""
    cursor: dict[str, Any] = {}
    if options.get("batch_size") is not None:
        cursor["batchSize"] = options["batch_size"]
    command: dict[str, Any] = {"aggregate": collection.name, "pipeline": pipeline, "cursor": cursor}
    for name, field in _AGGREGATE_COMMAND_FIELDS.items():
        if options.get(name) is not None:
            command[field] = options[name]
    command.update(extra)
    database = collection.database
    owned = None
    if session is None and CURRENT_SESSION.get() is None:
        # A cursor belongs to the session that opened it: its getMore must run in the same one.
        owned = session = database.client.start_session()
    reply = yield Call(database, "command", command, session=session)
    rows = list(reply["cursor"]["firstBatch"])
    cursor_id = reply["cursor"]["id"]
    while cursor_id:
        reply = yield Call(
            database,
            "command",
            {"getMore": cursor_id, "collection": collection.name},
            session=session,
        )
        rows.extend(reply["cursor"]["nextBatch"])
        cursor_id = reply["cursor"]["id"]
    if owned is not None:
        yield Call(owned, "end")
    return rows


class AggregationQueryCore(Cloneable, Generic[R]):
    """Shared logic of ``AggregationQuery``."""

    def __init__(
        self,
        document_model: type[Any],
        pipeline: list[dict[str, Any]],
        find_stages: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        **pymongo_kwargs: Any,
    ) -> None:
        self.document_model = document_model
        self.aggregation_pipeline = list(pipeline)
        self.find_stages = find_stages
        self.projection_model = projection_model
        self.session = session
        self.pymongo_kwargs = pymongo_kwargs

    def get_aggregation_pipeline(self) -> list[dict[str, Any]]:
        """Return the pipeline sent: the find's stages, the user's, the projection model's."""
        pipeline = [*self.find_stages, *self.aggregation_pipeline]
        if self.projection_model is not None:
            pipeline.append({"$project": full_projection(self.projection_model)})
        return pipeline

    def _plan_to_list(self, length: int | None) -> Plan[list[R]]:
        pipeline = self.get_aggregation_pipeline()
        if length is not None:
            pipeline.append({"$limit": length})
        collection = self.document_model._db_collection()
        options, extra = _aggregate_options(self.pymongo_kwargs)
        if extra and not is_pymongo_session(self.session):
            found = yield from _plan_aggregate_command(
                collection, pipeline, options, extra, self.session
            )
            if self.projection_model is None:
                return found  # type: ignore[return-value]
            return [from_raw(self.projection_model, row) for row in found]
        if self.projection_model is None:
            rows = yield Call(
                collection, "aggregate_raw", pipeline, session=self.session, **options
            )
            return list(rows)
        table = yield Call(
            collection,
            "aggregate",
            pipeline,
            schema=schema_of(self.projection_model),
            session=self.session,
            **options,
        )
        return from_table(self.projection_model, table)
