"""``DocumentWithSoftDelete``: ``delete()`` marks a document deleted instead of removing it.

Finds leave marked documents out (``{"deleted_at": None}`` is added to every filter);
``find_many_in_all`` sees them too, ``hard_delete`` removes a document for real.

Example:
    >>> from data_bridge import DocumentWithSoftDelete
    >>> class Note(DocumentWithSoftDelete):
    ...     text: str
    >>> note = await Note(text="x").insert()  # doctest: +SKIP
    >>> await note.delete()  # doctest: +SKIP
    >>> note.is_deleted(), await Note.find_all().count()  # doctest: +SKIP
    (True, 0)

"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from typing_extensions import Self

from data_bridge.odm import documents, operations, sync_documents
from data_bridge.odm.actions import SkipActions
from data_bridge.odm.bulk import BulkWriterCore
from data_bridge.odm.executor import run_async, run_sync

NOT_DELETED: dict[str, Any] = {"deleted_at": None}

_find_many = documents.Document.find_many.__func__  # type: ignore[attr-defined]
_find_one = documents.Document.find_one.__func__  # type: ignore[attr-defined]


def _find_many_alive(cls: Any, /, *args: Mapping[str, Any] | bool, **kwargs: Any) -> Any:
    """Find documents not marked deleted (filters AND-combined)."""
    return _find_many(cls, *args, NOT_DELETED, **kwargs)


def _find_one_alive(cls: Any, /, *args: Mapping[str, Any] | bool, **kwargs: Any) -> Any:
    """Find the first document not marked deleted."""
    return _find_one(cls, *args, NOT_DELETED, **kwargs)


def _find_many_in_all(cls: Any, /, *args: Mapping[str, Any] | bool, **kwargs: Any) -> Any:
    """Find documents whether marked deleted or not.

    Example:
        >>> await Note.find_many_in_all().count()  # doctest: +SKIP
        1

    """
    return _find_many(cls, *args, **kwargs)


def _is_deleted(self: Any) -> bool:
    """Whether ``delete()`` marked this document deleted.

    Example:
        >>> note.is_deleted()  # doctest: +SKIP
        False

    """
    return self.deleted_at is not None


class DocumentWithSoftDelete(documents.Document):
    """A document whose ``delete()`` sets ``deleted_at`` (finds then skip it).

    Example:
        >>> await note.delete()  # doctest: +SKIP
        >>> await Note.find_many_in_all(Note.text == "x").to_list()  # doctest: +SKIP

    """

    deleted_at: datetime | None = None

    find_many = classmethod(_find_many_alive)
    find = find_many
    find_one = classmethod(_find_one_alive)
    find_many_in_all = classmethod(_find_many_in_all)
    is_deleted = _is_deleted

    async def delete(
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Self:
        """Mark this document deleted (``deleted_at`` = now, saved); it stays stored."""
        self.deleted_at = datetime.now(tz=timezone.utc)
        return await run_async(operations.save(self, session, False, skip_actions))

    async def hard_delete(
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Remove this document from the collection (the DeleteResult).

        Example:
            >>> await note.hard_delete()  # doctest: +SKIP

        """
        return await run_async(operations.delete(self, session, bulk_writer, skip_actions))


class SyncDocumentWithSoftDelete(sync_documents.Document):
    """Blocking ``DocumentWithSoftDelete`` (``data_bridge.sync.DocumentWithSoftDelete``).

    Example:
        >>> note.delete()  # doctest: +SKIP
        >>> note.is_deleted()  # doctest: +SKIP
        True

    """

    deleted_at: datetime | None = None

    find_many = classmethod(_find_many_alive)
    find = find_many
    find_one = classmethod(_find_one_alive)
    find_many_in_all = classmethod(_find_many_in_all)
    is_deleted = _is_deleted

    def delete(  # type: ignore[override]
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Self:
        """Mark this document deleted (``deleted_at`` = now, saved); it stays stored."""
        self.deleted_at = datetime.now(tz=timezone.utc)
        return run_sync(operations.save(self, session, False, skip_actions))

    def hard_delete(
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Remove this document from the collection (the DeleteResult)."""
        return run_sync(operations.delete(self, session, bulk_writer, skip_actions))
