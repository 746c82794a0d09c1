"""``data_bridge.sync.Document``: the same document API, blocking.

Every operation that does I/O returns its result directly; query builders (``find``,
``find_one``, ``update``, ``delete``) stay lazy and run with ``.run()`` or a terminal method
(``to_list``, ``first_or_none``, ``count``, ...), like Bunnet.

Example:
    >>> from data_bridge.sync import Document, init
    >>> class User(Document):
    ...     name: str
    >>> init(connection_string="mongodb://localhost/app", document_models=[User])  # doctest: +SKIP
    >>> User(name="Ada").insert()  # doctest: +SKIP
    >>> User.find_one(User.name == "Ada").run()  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast, overload

from typing_extensions import Self

from data_bridge.analytics.models import SyncArrowDocument
from data_bridge.odm import documents, indexes, links, operations
from data_bridge.odm.actions import SkipActions
from data_bridge.odm.bulk import BulkWriterCore, SyncBulkWriter
from data_bridge.odm.executor import Call, run_sync
from data_bridge.odm.ids import id_filter
from data_bridge.odm.operators.update.general import CurrentDate, Inc, Set
from data_bridge.odm.sync_queries import SyncAggregationQuery, SyncFindMany, SyncFindOne

MergeStrategy = documents.MergeStrategy
P = TypeVar("P")


class Document(documents.Document):
    """A MongoDB document with blocking operations (see ``data_bridge.Document``).

    Example:
        >>> class Product(Document):
        ...     name: str
        >>> Product.find(Product.name == "x").to_list()  # doctest: +SKIP

    """

    # The blocking analytics methods (a plain mixin base would shadow the model's ``__dict__``).
    insert_arrow = SyncArrowDocument.__dict__["insert_arrow"]

    _find_many_cls = SyncFindMany
    _find_one_cls = SyncFindOne
    _aggregation_cls = SyncAggregationQuery

    @classmethod
    def get_pymongo_collection(cls) -> Any:
        """Return a blocking ``pymongo`` collection (``MongoClient``) on the same namespace.

        Example:
            >>> User.get_pymongo_collection().count_documents({})  # doctest: +SKIP
            3

        """
        return cls._db_binding().pymongo_sync_collection()

    get_motor_collection = get_pymongo_collection

    def insert(  # type: ignore[override]
        self, *, link_rule: Any = None, session: Any = None, skip_actions: SkipActions = None
    ) -> Self:
        """Insert this document; sets ``id``."""
        return run_sync(
            links.with_write_rule(
                self, link_rule, session, operations.insert(self, session, skip_actions)
            )
        )

    def create(self, session: Any = None) -> Self:  # type: ignore[override]
        """Alias of :meth:`insert`."""
        return self.insert(session=session)

    def save(  # type: ignore[override]
        self,
        session: Any = None,
        link_rule: Any = None,
        ignore_revision: bool = False,
        skip_actions: SkipActions = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """Write the whole document by id, inserting it when absent."""
        return run_sync(
            links.with_write_rule(
                self,
                link_rule,
                session,
                operations.save(self, session, ignore_revision, skip_actions, bulk_writer),
            )
        )

    def save_changes(  # type: ignore[override]
        self,
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_actions: SkipActions = None,
    ) -> Self | None:
        """Send only the changed fields; None when nothing changed."""
        return run_sync(
            operations.save_changes(self, session, ignore_revision, bulk_writer, skip_actions)
        )

    def replace(  # type: ignore[override]
        self,
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
    ) -> Self:
        """Replace the stored document."""
        return run_sync(
            links.with_write_rule(
                self,
                link_rule,
                session,
                operations.replace(self, session, ignore_revision, bulk_writer, skip_actions),
            )
        )

    def update(  # type: ignore[override]
        self,
        *args: Mapping[str, Any],
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_actions: SkipActions = None,
        upsert: bool = False,
        **pymongo_kwargs: Any,
    ) -> Self:
        """Apply update operators in MongoDB and load the result into ``self``."""
        return run_sync(
            operations.update(
                self, args, session, ignore_revision, bulk_writer, skip_actions, upsert
            )
        )

    def set(  # type: ignore[override]
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_sync: bool | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(Set(expression))``."""
        return self.update(Set(expression), session=session, bulk_writer=bulk_writer, **kwargs)

    def inc(  # type: ignore[override]
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(Inc(expression))``."""
        return self.update(Inc(expression), session=session, bulk_writer=bulk_writer, **kwargs)

    def current_date(  # type: ignore[override]
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(CurrentDate(expression))``."""
        return self.update(
            CurrentDate(expression), session=session, bulk_writer=bulk_writer, **kwargs
        )

    def delete(
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Delete this document by id; the DeleteResult."""
        return run_sync(
            links.with_delete_rule(
                self,
                link_rule,
                session,
                operations.delete(self, session, bulk_writer, skip_actions),
            )
        )

    def sync(self, merge_strategy: MergeStrategy = MergeStrategy.remote) -> None:  # type: ignore[override]
        """Reload from MongoDB."""
        run_sync(operations.sync(self, merge_strategy.value, None))

    def fetch_link(self, field: Any) -> None:  # type: ignore[override]
        """Replace the link(s) in ``field`` by the linked document(s) (one query)."""
        run_sync(links.fetch_document_links(self, [str(field)], 1))

    def fetch_all_links(self) -> None:  # type: ignore[override]
        """Fetch every link field (and back link) of this document, one level deep."""
        run_sync(links.fetch_document_links(self, None, 1))

    # ------------------------------------------------------------------ class-level queries
    # The async class builds them from ``_find_many_cls`` & co, so these already return the
    # blocking queries; the overrides say so to type checkers.

    @classmethod
    def find_one(
        cls,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> SyncFindOne[Self]:
        """Return a find of the first matching document (``.run()`` returns it or None)."""
        query = super().find_one(
            *args,
            projection_model=projection_model,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )
        return cast("SyncFindOne[Self]", query)

    @classmethod
    def find_many(
        cls,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        lazy_parse: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> SyncFindMany[Self]:
        """Return a find of every matching document (``to_list()`` runs it)."""
        query = super().find_many(
            *args,
            projection_model=projection_model,
            skip=skip,
            limit=limit,
            sort=sort,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )
        return cast("SyncFindMany[Self]", query)

    @classmethod
    def find(
        cls,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        lazy_parse: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> SyncFindMany[Self]:
        """Alias of :meth:`find_many`."""
        return cls.find_many(
            *args,
            projection_model=projection_model,
            skip=skip,
            limit=limit,
            sort=sort,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

    @classmethod
    def find_all(
        cls,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        lazy_parse: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> SyncFindMany[Self]:
        """Return a find of every document (``to_list()`` runs it)."""
        return cls.find_many(
            {},
            projection_model=projection_model,
            skip=skip,
            limit=limit,
            sort=sort,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

    @classmethod
    def all(
        cls,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        lazy_parse: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> SyncFindMany[Self]:
        """Alias of :meth:`find_all`."""
        return cls.find_many(
            {},
            projection_model=projection_model,
            skip=skip,
            limit=limit,
            sort=sort,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

    @overload
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[dict[str, Any]]: ...
    @overload
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[P],
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[P]: ...
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[Any]:
        """Return a blocking aggregation over the collection (``to_list()`` runs it)."""
        return cls.find_all().aggregate(
            aggregation_pipeline, projection_model, session, **pymongo_kwargs
        )

    @classmethod
    def get(  # type: ignore[override]
        cls, document_id: Any, session: Any = None, **kwargs: Any
    ) -> Self | None:
        """Return the document with this id, or None."""
        plan = cls._db_model_plan().fields["id"]
        return cls.find_one(id_filter(document_id, plan.convert), session=session, **kwargs).run()

    @classmethod
    def count(cls) -> int:  # type: ignore[override]
        """Return number of documents in the collection."""
        return cls.find_all().count()

    @classmethod
    def distinct(  # type: ignore[override]
        cls,
        key: str,
        filter: Mapping[str, Any] | None = None,
        session: Any = None,
        **pymongo_kwargs: Any,
    ) -> list[Any]:
        """Distinct values of ``key``."""
        query = cls.find_many(filter or {}).get_filter_query()
        return run_sync(documents._distinct(cls, str(key), query, session))

    @classmethod
    def sum(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Sum of ``field`` over the collection."""
        return cls.find_all(session=session).sum(field)

    @classmethod
    def avg(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Average of ``field`` over the collection."""
        return cls.find_all(session=session).avg(field)

    @classmethod
    def max(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Largest ``field`` value in the collection."""
        return cls.find_all(session=session).max(field)

    @classmethod
    def min(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Smallest ``field`` value in the collection."""
        return cls.find_all(session=session).min(field)

    @classmethod
    def inspect_collection(cls, session: Any = None) -> Any:
        """Validate every stored document against the model."""
        return run_sync(operations.inspect_collection(cls, session))

    @classmethod
    def insert_one(  # type: ignore[override]
        cls,
        document: Self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
    ) -> Self | None:
        """Insert ``document`` (or queue it on ``bulk_writer``)."""
        if not isinstance(document, cls):
            raise TypeError("Inserting document must be of the original document class")
        if bulk_writer is not None:
            from data_bridge.odm.bulk import InsertOne

            bulk_writer.add_operation(cls, InsertOne(document))
            return None
        return document.insert(session=session)

    @classmethod
    def insert_many(
        cls,
        documents: Sequence[Self],
        session: Any = None,
        link_rule: Any = None,
        ordered: bool = True,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Insert documents in one round trip; sets their ids."""
        plan = operations.insert_many(cls, documents, session, ordered)
        return run_sync(links.with_write_rule_many(documents, link_rule, session, plan))

    @classmethod
    def replace_many(cls, documents: Sequence[Self], session: Any = None) -> None:  # type: ignore[override]
        """Replace documents by id; all must exist."""
        run_sync(operations.replace_many(cls, documents, session))

    @classmethod
    def delete_all(
        cls,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        with_children: bool = False,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Delete every document of this class (and subclasses with ``with_children``)."""
        query = cls.find_all(with_children=with_children)
        return query.delete(session=session, bulk_writer=bulk_writer).run()

    @classmethod
    def bulk_writer(  # type: ignore[override]
        cls,
        session: Any = None,
        ordered: bool = True,
        bypass_document_validation: bool = False,
        comment: Any | None = None,
    ) -> SyncBulkWriter:
        """Return a blocking bulk writer for this collection (``with`` commits on exit)."""
        return SyncBulkWriter(session, ordered, cls, bypass_document_validation, comment)

    @classmethod
    def create_index(cls, keys: Any, session: Any = None, **kwargs: Any) -> str:  # type: ignore[override]
        """Create one index; its name."""
        return run_sync(indexes.create(cls, [indexes.model_of(keys, kwargs)], session))[0]

    @classmethod
    def list_indexes(cls, session: Any = None) -> list[dict[str, Any]]:  # type: ignore[override]
        """Return the collection's index descriptions."""
        return run_sync(
            documents._single(Call(cls._db_collection(), "list_indexes", session=session))
        )

    @classmethod
    def drop_index(cls, name: str, session: Any = None) -> None:  # type: ignore[override]
        """Drop one index by name."""
        run_sync(documents._single(Call(cls._db_collection(), "drop_index", name, session=session)))
