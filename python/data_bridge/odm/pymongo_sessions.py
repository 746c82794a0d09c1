"""Operations given a pymongo session run through pymongo, on that session's own client.

Beanie apps pass a pymongo ``AsyncClientSession`` (or a sync ``ClientSession``) as ``session=``.
The engine's connections cannot join that session's transaction, so an ODM call given one is
sent through pymongo instead: :class:`PymongoRoute` stands in for the engine collection and
answers the same methods (``insert_one``, ``find``, ``bulk_write``, ... and their ``*_sync``
twins) with the same result shapes. Reads fetch raw BSON batches and decode them with the
engine's codec, so documents come back as the same lazy model instances; errors are re-raised
as data-bridge's (which are also pymongo's). This path is slower than data-bridge's own sessions
(``data_bridge.transaction()``): pymongo encodes and sends every document itself.

Example:
    >>> is_pymongo_session(object())
    False

"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pymongo
import pymongo.errors
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.client_session import ClientSession

from data_bridge import _engine

__all__ = ["PymongoRoute", "is_pymongo_session", "route"]

# The engine reads and writes UUIDs as binary subtype 4 and datetimes as naive UTC.
_CODEC_OPTIONS: CodecOptions[Any] = CodecOptions(uuid_representation=UuidRepresentation.STANDARD)

# A pymongo call: a function of no arguments whose result may need awaiting.
_Step = Callable[[], Any]
_Plan = Generator[_Step, Any, Any]


def is_pymongo_session(session: Any) -> bool:
    """Whether ``session`` is a pymongo session (async or sync)."""
    return isinstance(session, (AsyncClientSession, ClientSession))


def route(target: Any, session: Any) -> Any:
    """``target`` itself, or a :class:`PymongoRoute` to it when ``session`` is pymongo's."""
    if is_pymongo_session(session):
        return PymongoRoute(target, session)
    return target


# --- results shaped like the engine's ------------------------------------------------------


@dataclass(frozen=True)
class InsertOneResult:
    """Outcome of insert_one (as ``_engine.InsertOneResult``)."""

    inserted_id: Any


@dataclass(frozen=True)
class InsertManyResult:
    """Outcome of insert_many (as ``_engine.InsertManyResult``)."""

    inserted_ids: list[Any]

    @property
    def inserted_count(self) -> int:
        """Number of documents inserted."""
        return len(self.inserted_ids)


@dataclass(frozen=True)
class UpdateResult:
    """Outcome of update_one / update_many / replace_one (as ``_engine.UpdateResult``)."""

    matched_count: int
    modified_count: int
    upserted_id: Any | None


@dataclass(frozen=True)
class DeleteResult:
    """Outcome of delete_one / delete_many (as ``_engine.DeleteResult``)."""

    deleted_count: int


@dataclass(frozen=True)
class BulkWriteResult:
    """Outcome of bulk_write (as ``_engine.BulkWriteResult``)."""

    inserted_count: int
    matched_count: int
    modified_count: int
    deleted_count: int
    upserted_count: int
    inserted_ids: dict[int, Any] = field(default_factory=dict)
    upserted_ids: dict[int, Any] = field(default_factory=dict)


# --- errors --------------------------------------------------------------------------------


def _our_error(error: pymongo.errors.PyMongoError) -> Exception:
    """Return the data-bridge error for a pymongo one (ours are pymongo's too)."""
    if isinstance(error, pymongo.errors.BulkWriteError):
        return _bulk_error(error)
    if isinstance(error, pymongo.errors.OperationFailure):
        details = dict(error.details or {})
        message = str(details.get("errmsg") or error)
        ours: Any
        if isinstance(error, pymongo.errors.DuplicateKeyError):
            ours = _engine.DuplicateKeyError(message, error.code, details)
            ours.key_pattern = details.get("keyPattern")
            ours.key_value = details.get("keyValue")
            ours.index = int(details.get("index", 0))
        elif isinstance(error, pymongo.errors.WriteError):
            ours = _engine.WriteError(message, error.code, details)
            ours.index = int(details.get("index", 0))
        elif isinstance(error, pymongo.errors.WriteConcernError):
            ours = _engine.WriteConcernError(message, error.code, details)
        else:
            ours = _engine.OperationFailure(message, error.code, details)
        ours.args = (message,)
        ours.code_name = details.get("codeName")
        ours.labels = sorted(_labels(error))
        return ours  # type: ignore[no-any-return]
    message = str(error)
    if isinstance(error, pymongo.errors.ServerSelectionTimeoutError):
        ours = _engine.ServerSelectionTimeout(message)
    elif isinstance(error, pymongo.errors.ConnectionFailure):
        ours = _engine.ConnectionFailure(message)
    else:
        return error
    for label in _labels(error):
        ours._add_error_label(label)
    ours.labels = sorted(_labels(error))
    return ours  # type: ignore[no-any-return]


# The labels pymongo's transaction and retry logic reads (it has no public list of them).
_KNOWN_LABELS = (
    "TransientTransactionError",
    "UnknownTransactionCommitResult",
    "RetryableWriteError",
    "NoWritesPerformed",
    "ResumableChangeStreamError",
)


def _labels(error: pymongo.errors.PyMongoError) -> set[str]:
    return {label for label in _KNOWN_LABELS if error.has_error_label(label)}


def _bulk_error(error: pymongo.errors.BulkWriteError) -> Exception:
    details = dict(error.details)
    ours: Any = _engine.BulkWriteError(details)
    ours.args = (f"{len(details.get('writeErrors', []))} write(s) failed: batch op errors",)
    ours.write_errors = list(details.get("writeErrors", []))
    ours.write_concern_errors = list(details.get("writeConcernErrors", []))
    ours.inserted_count = details.get("nInserted", 0)
    ours.matched_count = details.get("nMatched", 0)
    ours.modified_count = details.get("nModified", 0)
    ours.deleted_count = details.get("nRemoved", 0)
    upserted = details.get("upserted", [])
    ours.upserted_count = len(upserted)
    ours.upserted_ids = {u["index"]: u["_id"] for u in upserted}
    ours.inserted_ids = {}
    ours.code_name = None
    ours.labels = []
    return ours  # type: ignore[no-any-return]


# --- the route -----------------------------------------------------------------------------


class PymongoRoute:
    """An engine collection's methods, run through pymongo inside a pymongo session.

    ``getattr(route, "insert_one")`` is a coroutine function and ``insert_one_sync`` a blocking
    one, as on ``_engine.Collection``. An ``AsyncClientSession`` (its client is async) works
    only with the first; a sync ``ClientSession`` with both (under the async API it blocks the
    event loop, as pymongo's sync client does).

    Example:
        >>> PymongoRoute.operations()[:3]
        ['aggregate', 'aggregate_raw', 'bulk_write']

    """

    __slots__ = ("_collection", "_session", "target")

    def __init__(self, target: Any, session: Any) -> None:
        self.target = target
        self._session = session
        database = session.client.get_database(target.database.name, codec_options=_CODEC_OPTIONS)
        self._collection = database.get_collection(target.name)

    def stream(self, method: str, *args: Any, **kwargs: Any) -> OneTableStream:
        """Return a stream of the one Table ``method`` (``find`` / ``aggregate``) returns."""
        return OneTableStream(self, method, args, kwargs)

    @staticmethod
    def operations() -> list[str]:
        """Return the engine methods this route answers."""
        return sorted(_OPERATIONS)

    @property
    def name(self) -> str:
        """The collection's name."""
        return str(self.target.name)

    @property
    def full_name(self) -> str:
        """``database.collection``."""
        return str(self.target.full_name)

    @property
    def database(self) -> Any:
        """The engine database (for query logging and explain, which run outside the session)."""
        return self.target.database

    def __getattr__(self, name: str) -> Any:
        blocking = name.endswith("_sync")
        operation = _OPERATIONS.get(name.removesuffix("_sync"))
        if operation is None:
            raise AttributeError(
                f"{name}() cannot run in a pymongo session; use a data-bridge session "
                f"(data_bridge.transaction()) for it"
            )
        is_async = isinstance(self._session, AsyncClientSession)
        if blocking and is_async:
            raise TypeError(
                "a pymongo AsyncClientSession was given to a blocking call: use "
                "pymongo.MongoClient().start_session() with data_bridge.sync"
            )

        def plan(*args: Any, **kwargs: Any) -> _Plan:
            kwargs.pop("session", None)
            return operation(self._collection, self._session, *args, **kwargs)

        if blocking or not is_async:
            # A sync session under the async API blocks the loop, as pymongo's sync client does.
            def run_blocking(*args: Any, **kwargs: Any) -> Any:
                return _run_sync(plan(*args, **kwargs))

            if blocking:
                return run_blocking

            async def run_in_loop(*args: Any, **kwargs: Any) -> Any:
                return run_blocking(*args, **kwargs)

            return run_in_loop

        async def run(*args: Any, **kwargs: Any) -> Any:
            return await _run_async(plan(*args, **kwargs))

        return run


class OneTableStream:
    """Iterates (sync or async) over the one Table of a routed ``find`` / ``aggregate``."""

    __slots__ = ("_args", "_done", "_kwargs", "_method", "_route")

    def __init__(
        self, route: PymongoRoute, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self._route = route
        self._method = method
        self._args = args
        self._kwargs = kwargs
        self._done = False

    def __iter__(self) -> OneTableStream:
        return self

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        self._done = True
        return getattr(self._route, self._method + "_sync")(*self._args, **self._kwargs)

    def __aiter__(self) -> OneTableStream:
        return self

    async def __anext__(self) -> Any:
        if self._done:
            raise StopAsyncIteration
        self._done = True
        return await getattr(self._route, self._method)(*self._args, **self._kwargs)

    def close(self) -> None:
        """Nothing to release: the cursor was read whole."""
        self._done = True


def _run_sync(plan: _Plan) -> Any:
    try:
        step = next(plan)
        while True:
            try:
                result = step()
            except pymongo.errors.PyMongoError as exc:
                raise _our_error(exc) from exc
            step = plan.send(result)
    except StopIteration as stop:
        return stop.value


async def _run_async(plan: _Plan) -> Any:
    try:
        step = next(plan)
        while True:
            try:
                result = step()
                if inspect.isawaitable(result):
                    result = await result
            except pymongo.errors.PyMongoError as exc:
                raise _our_error(exc) from exc
            step = plan.send(result)
    except StopIteration as stop:
        return stop.value


# --- operations: generators yielding pymongo calls -----------------------------------------


def _options(kwargs: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """Return the options among ``names`` that were given (not None)."""
    return {name: kwargs[name] for name in names if kwargs.get(name) is not None}


def _sort(sort: Any) -> Any:
    if isinstance(sort, Mapping):
        return list(sort.items())
    return sort


def _documents(documents: Any) -> list[dict[str, Any]]:
    if isinstance(documents, _engine.EncodedDocuments):
        return [documents.document(i) for i in range(len(documents))]
    return [dict(d) for d in documents]


def _insert_one(coll: Any, session: Any, document: Any, **kw: Any) -> _Plan:
    (doc,) = _documents(document if isinstance(document, _engine.EncodedDocuments) else [document])
    opts = _options(kw, "bypass_document_validation", "comment")
    result = yield lambda: coll.insert_one(doc, session=session, **opts)
    return InsertOneResult(result.inserted_id)


def _insert_many(
    coll: Any, session: Any, documents: Any, *, ordered: bool = True, **kw: Any
) -> _Plan:
    docs = _documents(documents)
    if not docs:
        raise _engine.InvalidInput("insert_many needs at least one document")
    opts = _options(kw, "bypass_document_validation", "comment")
    result = yield lambda: coll.insert_many(docs, ordered=ordered, session=session, **opts)
    return InsertManyResult(list(result.inserted_ids))


_WRITE_OPTIONS = ("array_filters", "hint", "collation", "comment", "let")


def _update(method: str) -> Callable[..., _Plan]:
    def update(coll: Any, session: Any, filter: Any, update: Any, **kw: Any) -> _Plan:
        upsert = bool(kw.get("upsert", False))
        opts = _options(kw, *_WRITE_OPTIONS)
        if method == "replace_one":
            opts.pop("array_filters", None)
        result = yield lambda: getattr(coll, method)(
            filter, update, upsert=upsert, session=session, **opts
        )
        return UpdateResult(result.matched_count, result.modified_count, result.upserted_id)

    return update


def _delete(method: str) -> Callable[..., _Plan]:
    def delete(coll: Any, session: Any, filter: Any, **kw: Any) -> _Plan:
        opts = _options(kw, "hint", "collation", "comment", "let")
        result = yield lambda: getattr(coll, method)(filter, session=session, **opts)
        return DeleteResult(result.deleted_count)

    return delete


def _find_cursor(coll: Any, session: Any, filter: Any, kw: Mapping[str, Any], raw: bool) -> Any:
    opts = _options(kw, "projection", "skip", "limit", "batch_size", "hint", "collation")
    opts.update(_options(kw, "max_time_ms", "comment"))
    if kw.get("sort"):
        opts["sort"] = _sort(kw["sort"])
    find = coll.find_raw_batches if raw else coll.find
    return find(filter or {}, session=session, **opts)


def _aggregate_cursor_step(
    coll: Any, session: Any, pipeline: Any, kw: Mapping[str, Any], raw: bool
) -> _Step:
    opts = _options(kw, "allow_disk_use", "batch_size", "hint", "collation", "comment", "let")
    if kw.get("allow_disk_use") is not None:
        opts["allowDiskUse"] = opts.pop("allow_disk_use")
    if kw.get("batch_size") is not None:
        opts["batchSize"] = opts.pop("batch_size")
    if kw.get("max_time_ms") is not None:
        opts["maxTimeMS"] = kw["max_time_ms"]
    aggregate = coll.aggregate_raw_batches if raw else coll.aggregate
    return lambda: aggregate(list(pipeline), session=session, **opts)


def _to_list(cursor: Any) -> _Step:
    return lambda: cursor.to_list()


def _table(batches: list[bytes], kw: Mapping[str, Any]) -> Any:
    return _engine.bson_to_arrow(
        b"".join(batches), kw.get("schema"), on_mismatch=kw.get("on_mismatch", "error")
    )


def _find(coll: Any, session: Any, filter: Any = None, **kw: Any) -> _Plan:
    batches = yield _to_list(_find_cursor(coll, session, filter, kw, raw=True))
    return _table(batches, kw)


def _find_raw(coll: Any, session: Any, filter: Any = None, **kw: Any) -> _Plan:
    docs = yield _to_list(_find_cursor(coll, session, filter, kw, raw=False))
    return [dict(d) for d in docs]


def _find_one(coll: Any, session: Any, filter: Any = None, **kw: Any) -> _Plan:
    docs = yield _to_list(_find_cursor(coll, session, filter, {**kw, "limit": -1}, raw=False))
    return dict(docs[0]) if docs else None


def _aggregate(coll: Any, session: Any, pipeline: Any, **kw: Any) -> _Plan:
    cursor = yield _aggregate_cursor_step(coll, session, pipeline, kw, raw=True)
    batches = yield _to_list(cursor)
    return _table(batches, kw)


def _aggregate_raw(coll: Any, session: Any, pipeline: Any, **kw: Any) -> _Plan:
    cursor = yield _aggregate_cursor_step(coll, session, pipeline, kw, raw=False)
    docs = yield _to_list(cursor)
    return [dict(d) for d in docs]


def _count_documents(coll: Any, session: Any, filter: Any = None, **kw: Any) -> _Plan:
    opts = _options(kw, "skip", "limit", "hint", "collation", "comment")
    if kw.get("max_time_ms") is not None:
        opts["maxTimeMS"] = kw["max_time_ms"]
    if opts.get("limit") == 0:
        del opts["limit"]
    count = yield lambda: coll.count_documents(filter or {}, session=session, **opts)
    return int(count)


def _distinct(coll: Any, session: Any, key: str, filter: Any = None, **kw: Any) -> _Plan:
    opts = _options(kw, "collation", "comment")
    if kw.get("max_time_ms") is not None:
        opts["maxTimeMS"] = kw["max_time_ms"]
    values = yield lambda: coll.distinct(key, filter or {}, session=session, **opts)
    return list(values)


def _find_one_and(method: str) -> Callable[..., _Plan]:
    def find_one_and(coll: Any, session: Any, filter: Any, *args: Any, **kw: Any) -> _Plan:
        opts = _options(kw, "projection", "hint", "collation", "comment", "let")
        if kw.get("sort"):
            opts["sort"] = _sort(kw["sort"])
        if kw.get("max_time_ms") is not None:
            opts["maxTimeMS"] = kw["max_time_ms"]
        if method != "find_one_and_delete":
            opts["upsert"] = bool(kw.get("upsert", False))
            after = kw.get("return_document", "before") == "after"
            opts["return_document"] = (
                pymongo.ReturnDocument.AFTER if after else pymongo.ReturnDocument.BEFORE
            )
        if method == "find_one_and_update" and kw.get("array_filters") is not None:
            opts["array_filters"] = kw["array_filters"]
        doc = yield lambda: getattr(coll, method)(filter, *args, session=session, **opts)
        return dict(doc) if doc is not None else None

    return find_one_and


def _bulk_request(request: Mapping[str, Any], inserted: list[dict[str, Any] | None]) -> Any:
    """Return the pymongo request for an engine one (``{"update_one": {"filter": ...}}``).

    An insert's document is appended to ``inserted`` (pymongo gives it its ``_id``), else None.
    """
    ((kind, spec),) = request.items()
    if kind == "insert_one":
        doc = dict(spec.get("document", spec))
        inserted.append(doc)
        return pymongo.InsertOne(doc)
    inserted.append(None)
    opts = {k: spec[k] for k in ("hint", "collation") if spec.get(k) is not None}
    if kind in ("delete_one", "delete_many"):
        delete = pymongo.DeleteOne if kind == "delete_one" else pymongo.DeleteMany
        return delete(spec["filter"], **opts)
    upsert = bool(spec.get("upsert", False))
    if kind == "replace_one":
        return pymongo.ReplaceOne(spec["filter"], spec["replacement"], upsert=upsert, **opts)
    if spec.get("array_filters") is not None:
        opts["array_filters"] = spec["array_filters"]
    update = pymongo.UpdateOne if kind == "update_one" else pymongo.UpdateMany
    return update(spec["filter"], spec["update"], upsert=upsert, **opts)


def _bulk_write(
    coll: Any,
    session: Any,
    requests: Sequence[Mapping[str, Any]],
    *,
    ordered: bool = True,
    **kw: Any,
) -> _Plan:
    documents: list[dict[str, Any] | None] = []
    ops = [_bulk_request(r, documents) for r in requests]
    opts = _options(kw, "bypass_document_validation", "comment")
    result = yield lambda: coll.bulk_write(ops, ordered=ordered, session=session, **opts)
    inserted = {i: doc["_id"] for i, doc in enumerate(documents) if doc and "_id" in doc}
    return BulkWriteResult(
        inserted_count=result.inserted_count,
        matched_count=result.matched_count,
        modified_count=result.modified_count,
        deleted_count=result.deleted_count,
        upserted_count=result.upserted_count,
        inserted_ids=inserted,
        upserted_ids=dict(result.upserted_ids or {}),
    )


def _list_indexes(coll: Any, session: Any) -> _Plan:
    cursor = yield lambda: coll.list_indexes(session=session)
    docs = yield _to_list(cursor)
    return [dict(d) for d in docs]


def _drop_index(coll: Any, session: Any, name: str) -> _Plan:
    yield lambda: coll.drop_index(name, session=session)


_OPERATIONS: dict[str, Callable[..., _Plan]] = {
    "aggregate": _aggregate,
    "aggregate_raw": _aggregate_raw,
    "bulk_write": _bulk_write,
    "count_documents": _count_documents,
    "delete_many": _delete("delete_many"),
    "delete_one": _delete("delete_one"),
    "distinct": _distinct,
    "drop_index": _drop_index,
    "find": _find,
    "find_one": _find_one,
    "find_one_and_delete": _find_one_and("find_one_and_delete"),
    "find_one_and_replace": _find_one_and("find_one_and_replace"),
    "find_one_and_update": _find_one_and("find_one_and_update"),
    "find_raw": _find_raw,
    "insert_many": _insert_many,
    "insert_one": _insert_one,
    "list_indexes": _list_indexes,
    "replace_one": _update("replace_one"),
    "update_many": _update("update_many"),
    "update_one": _update("update_one"),
}
