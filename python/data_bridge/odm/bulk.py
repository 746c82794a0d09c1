"""``BulkWriter``: queue writes from document methods and send them in one ``bulk_write``.

Example:
    >>> async with User.bulk_writer() as writer:  # doctest: +SKIP
    ...     await User(name="a").insert(bulk_writer=writer)
    ...     await User.find(User.age < 0).delete(bulk_writer=writer)

"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from data_bridge.odm.encoder import encode
from data_bridge.odm.executor import Call, Plan, run_async, run_sync


class WriteOp:
    """One queued write; ``request`` is the engine's ``bulk_write`` request dict."""

    kind = ""

    def request(self) -> dict[str, Any]:
        """Return the request for ``Collection.bulk_write``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.request()[self.kind]!r})"


class InsertOne(WriteOp):
    """Insert ``document`` (a dict or a document instance)."""

    kind = "insert_one"

    def __init__(self, document: Any) -> None:
        self.document = document

    def request(self) -> dict[str, Any]:
        """Return the insert_one request."""
        document = self.document
        if hasattr(document, "_db_encode"):
            document = document._db_encode()
        return {"insert_one": {"document": encode(document)}}


class _Filtered(WriteOp):
    def __init__(self, filter: Mapping[str, Any], **options: Any) -> None:
        self.filter = filter
        self.options = {k: v for k, v in options.items() if v is not None}

    def request(self) -> dict[str, Any]:
        return {self.kind: {"filter": encode(dict(self.filter)), **self.options}}


class DeleteOne(_Filtered):
    """Delete the first document matching ``filter``."""

    kind = "delete_one"


class DeleteMany(_Filtered):
    """Delete every document matching ``filter``."""

    kind = "delete_many"


class _Update(WriteOp):
    def __init__(
        self,
        filter: Mapping[str, Any],
        update: Any,
        upsert: bool = False,
        **options: Any,
    ) -> None:
        self.filter = filter
        self.update = update
        self.upsert = upsert
        self.options = {k: v for k, v in options.items() if v is not None}

    def request(self) -> dict[str, Any]:
        body = {
            "filter": encode(dict(self.filter)),
            "update": encode(
                self.update if not isinstance(self.update, Mapping) else dict(self.update)
            ),
            "upsert": self.upsert,
            **self.options,
        }
        return {self.kind: body}


class UpdateOne(_Update):
    """Update the first document matching ``filter``."""

    kind = "update_one"


class UpdateMany(_Update):
    """Update every document matching ``filter``."""

    kind = "update_many"


class ReplaceOne(WriteOp):
    """Replace the first document matching ``filter`` with ``replacement``."""

    kind = "replace_one"

    def __init__(
        self,
        filter: Mapping[str, Any],
        replacement: Any,
        upsert: bool = False,
    ) -> None:
        self.filter = filter
        self.replacement = replacement
        self.upsert = upsert

    def request(self) -> dict[str, Any]:
        """Return the replace_one request."""
        replacement = self.replacement
        if hasattr(replacement, "_db_encode"):
            replacement = replacement._db_encode()
        return {
            "replace_one": {
                "filter": encode(dict(self.filter)),
                "replacement": encode(replacement),
                "upsert": self.upsert,
            }
        }


def _from_pymongo(operation: Any) -> WriteOp:
    # pymongo's request classes keep their arguments in private attributes.
    name = type(operation).__name__
    if name == "InsertOne":
        return InsertOne(operation._doc)
    if name in ("DeleteOne", "DeleteMany"):
        kind = DeleteOne if name == "DeleteOne" else DeleteMany
        return kind(operation._filter, hint=operation._hint, collation=operation._collation)
    if name in ("UpdateOne", "UpdateMany"):
        kind2 = UpdateOne if name == "UpdateOne" else UpdateMany
        return kind2(
            operation._filter,
            operation._doc,
            upsert=bool(operation._upsert),
            array_filters=operation._array_filters,
            hint=operation._hint,
        )
    if name == "ReplaceOne":
        return ReplaceOne(operation._filter, operation._doc, upsert=bool(operation._upsert))
    raise TypeError(f"unsupported bulk operation {operation!r}")


class BulkWriterCore:
    """Queue and commit logic shared by the async and the sync bulk writers."""

    def __init__(
        self,
        session: Any = None,
        ordered: bool = True,
        object_class: type[Any] | None = None,
        bypass_document_validation: bool | None = False,
        comment: Any | None = None,
    ) -> None:
        self.operations: list[WriteOp] = []
        self.session = session
        self.ordered = ordered
        self.object_class = object_class
        self.bypass_document_validation = bypass_document_validation
        self.comment = comment

    def add_operation(self, object_class: type[Any], operation: Any) -> None:
        """Queue ``operation`` (ours or pymongo's) for ``object_class``'s collection.

        Example:
            >>> writer.add_operation(User, InsertOne(User(name="x")))  # doctest: +SKIP

        """
        if self.object_class is None:
            self.object_class = object_class
        elif object_class.get_collection_name() != self.object_class.get_collection_name():
            raise ValueError("All the operations should be for a same collection name")
        if not isinstance(operation, WriteOp):
            operation = _from_pymongo(operation)
        self.operations.append(operation)

    def _plan_commit(self) -> Plan[Any]:
        if not self.operations:
            return None
        if self.object_class is None:
            raise ValueError(
                "The document model class must be specified before committing operations."
            )
        requests = [op.request() for op in self.operations]
        self.operations = []
        result = yield Call(
            self.object_class._db_collection(),
            "bulk_write",
            requests,
            ordered=self.ordered,
            bypass_document_validation=self.bypass_document_validation or None,
            comment=self.comment,
            session=self.session,
        )
        return result


class BulkWriter(BulkWriterCore):
    """Async bulk writer: ``async with Model.bulk_writer() as w`` commits on exit.

    Example:
        >>> async with BulkWriter(ordered=False) as writer:  # doctest: +SKIP
        ...     await doc.save_changes(bulk_writer=writer)

    """

    async def __aenter__(self) -> BulkWriter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.commit()

    async def commit(self) -> Any:
        """Send every queued write in one ``bulk_write``; None when nothing was queued."""
        return await run_async(self._plan_commit())


class SyncBulkWriter(BulkWriterCore):
    """Blocking bulk writer: ``with Model.bulk_writer() as w`` commits on exit.

    Example:
        >>> with SyncBulkWriter() as writer:  # doctest: +SKIP
        ...     doc.save_changes(bulk_writer=writer)

    """

    def __enter__(self) -> SyncBulkWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()

    def commit(self) -> Any:
        """Send every queued write in one ``bulk_write``; None when nothing was queued."""
        return run_sync(self._plan_commit())
