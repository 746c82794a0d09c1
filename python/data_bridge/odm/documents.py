"""``Document``: the async, Beanie-compatible document base class.

Example:
    >>> from data_bridge import Document, Indexed, init
    >>> class User(Document):
    ...     name: Indexed(str)
    ...     age: int = 0
    ...     class Settings:
    ...         name = "users"
    >>> await init(connection_string=URI, document_models=[User])  # doctest: +SKIP
    >>> await User(name="Ada", age=36).insert()  # doctest: +SKIP
    >>> [u.name async for u in User.find(User.age > 30)]  # doctest: +SKIP
    ['Ada']

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, ClassVar, TypeVar, overload

from typing_extensions import Self

from data_bridge.analytics.models import ArrowDocument
from data_bridge.odm import indexes, links, operations
from data_bridge.odm.actions import SkipActions
from data_bridge.odm.bulk import BulkWriter, BulkWriterCore
from data_bridge.odm.core import DocumentCore
from data_bridge.odm.executor import Call, run_async
from data_bridge.odm.ids import id_filter
from data_bridge.odm.operators.update.general import CurrentDate, Inc, Set
from data_bridge.odm.queries import AggregationQuery, FindMany, FindOne

D = TypeVar("D", bound="Document")
P = TypeVar("P")


class MergeStrategy(str, Enum):
    """How ``sync`` merges the stored document into a changed local one.

    ``remote`` (the default) takes every stored value; ``local`` keeps the fields changed locally
    since the document was loaded.

    Example:
        >>> from data_bridge import MergeStrategy
        >>> MergeStrategy("local") is MergeStrategy.local
        True
        >>> await user.sync(merge_strategy=MergeStrategy.local)  # doctest: +SKIP

    """

    local = "local"
    remote = "remote"


class Document(DocumentCore, ArrowDocument):
    """A MongoDB document: a pydantic model bound to a collection by ``init``.

    Query results are lazy instances: fields are decoded on first access, so loading is cheap
    and reading only some fields costs only those.

    Example:
        >>> class Product(Document):
        ...     name: str
        ...     price: float
        >>> cheap = await Product.find(Product.price < 5).to_list()  # doctest: +SKIP

    """

    _find_many_cls: ClassVar[type[FindMany[Any]]] = FindMany
    _find_one_cls: ClassVar[type[FindOne[Any]]] = FindOne
    _aggregation_cls: ClassVar[type[AggregationQuery[Any]]] = AggregationQuery

    # ------------------------------------------------------------------ instance writes

    async def insert(
        self,
        *,
        link_rule: Any = None,
        session: Any = None,
        skip_actions: SkipActions = None,
    ) -> Self:
        """Insert this document; sets ``id``. Fires ValidateOnSave and Insert events.

        Example:
            >>> await User(name="Ada").insert()  # doctest: +SKIP

        """
        return await run_async(
            links.with_write_rule(
                self, link_rule, session, operations.insert(self, session, skip_actions)
            )
        )

    async def create(self, session: Any = None) -> Self:
        """Alias of :meth:`insert`."""
        return await self.insert(session=session)

    async def save(
        self,
        session: Any = None,
        link_rule: Any = None,
        ignore_revision: bool = False,
        skip_actions: SkipActions = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """Write the whole document by id, inserting it when absent (Save + Update events).

        Example:
            >>> user.age = 37  # doctest: +SKIP
            >>> await user.save()  # doctest: +SKIP

        """
        return await run_async(
            links.with_write_rule(
                self,
                link_rule,
                session,
                operations.save(self, session, ignore_revision, skip_actions, bulk_writer),
            )
        )

    async def save_changes(
        self,
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_actions: SkipActions = None,
    ) -> Self | None:
        """Send only the changed fields (``$set`` / ``$unset``); None when nothing changed.

        Example:
            >>> user.age += 1  # doctest: +SKIP
            >>> await user.save_changes()  # sends {"$set": {"age": ...}}  # doctest: +SKIP

        """
        return await run_async(
            operations.save_changes(self, session, ignore_revision, bulk_writer, skip_actions)
        )

    async def replace(
        self,
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
    ) -> Self:
        """Replace the stored document (DocumentNotFound when it does not exist).

        Example:
            >>> await user.replace()  # doctest: +SKIP

        """
        return await run_async(
            links.with_write_rule(
                self,
                link_rule,
                session,
                operations.replace(self, session, ignore_revision, bulk_writer, skip_actions),
            )
        )

    async def update(
        self,
        *args: Mapping[str, Any],
        ignore_revision: bool = False,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_actions: SkipActions = None,
        upsert: bool = False,
        **pymongo_kwargs: Any,
    ) -> Self:
        """Apply update operators in MongoDB and load the updated document into ``self``.

        Example:
            >>> await user.update(Inc({User.age: 1}))  # doctest: +SKIP

        """
        return await run_async(
            operations.update(
                self, args, session, ignore_revision, bulk_writer, skip_actions, upsert
            )
        )

    async def set(
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        skip_sync: bool | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(Set(expression))``.

        Example:
            >>> await user.set({User.name: "Grace"})  # doctest: +SKIP

        """
        return await self.update(
            Set(expression), session=session, bulk_writer=bulk_writer, **kwargs
        )

    async def inc(
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(Inc(expression))``.

        Example:
            >>> await user.inc({User.age: 1})  # doctest: +SKIP

        """
        return await self.update(
            Inc(expression), session=session, bulk_writer=bulk_writer, **kwargs
        )

    async def current_date(
        self,
        expression: Mapping[Any, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        **kwargs: Any,
    ) -> Self:
        """``update(CurrentDate(expression))``.

        Example:
            >>> await user.current_date({"seen": True})  # doctest: +SKIP

        """
        return await self.update(
            CurrentDate(expression), session=session, bulk_writer=bulk_writer, **kwargs
        )

    async def delete(
        self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
        skip_actions: SkipActions = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Delete this document by id (Delete events); the DeleteResult.

        Example:
            >>> await user.delete()  # doctest: +SKIP

        """
        return await run_async(
            links.with_delete_rule(
                self,
                link_rule,
                session,
                operations.delete(self, session, bulk_writer, skip_actions),
            )
        )

    async def sync(self, merge_strategy: MergeStrategy = MergeStrategy.remote) -> None:
        """Reload from MongoDB; ``local`` keeps fields changed locally.

        Example:
            >>> await user.sync()  # doctest: +SKIP

        """
        await run_async(operations.sync(self, merge_strategy.value, None))

    async def fetch_link(self, field: Any) -> None:
        """Replace the link(s) in ``field`` by the linked document(s) (one query).

        Example:
            >>> await car.fetch_link(Car.door)  # doctest: +SKIP
            >>> car.door.height  # doctest: +SKIP
            2

        """
        await run_async(links.fetch_document_links(self, [str(field)], 1))

    async def fetch_all_links(self) -> None:
        """Fetch every link field (and back link) of this document, one level deep.

        Example:
            >>> await car.fetch_all_links()  # doctest: +SKIP

        """
        await run_async(links.fetch_document_links(self, None, 1))

    def to_ref(self) -> Any:
        """Return the DBRef a link to this document stores.

        Example:
            >>> door.to_ref()  # doctest: +SKIP
            DBRef('Door', ObjectId('...'))

        """
        return links.to_ref(self)

    # ------------------------------------------------------------------ class-level reads

    @classmethod
    async def get(
        cls,
        document_id: Any,
        session: Any = None,
        ignore_cache: bool = False,
        fetch_links: bool = False,
        with_children: bool = False,
        nesting_depth: int | None = None,
        nesting_depths_per_field: dict[str, int] | None = None,
        **pymongo_kwargs: Any,
    ) -> Self | None:
        """Return the document with this id, or None.

        Example:
            >>> await User.get(user_id)  # doctest: +SKIP

        """
        plan = cls._db_model_plan().fields["id"]
        return await cls.find_one(
            id_filter(document_id, plan.convert),
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

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
    ) -> FindOne[Self]:
        """Return a find of the first matching document (await it).

        Example:
            >>> await User.find_one(User.name == "Ada")  # doctest: +SKIP

        """
        query: FindOne[Self] = cls._find_one_cls(cls, projection_model)
        return query.find(
            *args,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

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
    ) -> FindMany[Self]:
        """Return a find of every matching document (filters AND-combined).

        Example:
            >>> await User.find(User.age > 30, sort=-User.age, limit=10).to_list()  # doctest: +SKIP

        """
        query: FindMany[Self] = cls._find_many_cls(cls, projection_model)
        return query.find(
            *args,
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
    ) -> FindMany[Self]:
        """Alias of :meth:`find_many` (a method of its own: an alias is ambiguous to mypy).

        Example:
            >>> await User.find(User.age > 30).to_list()  # doctest: +SKIP

        """
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
    ) -> FindMany[Self]:
        """Return a find of every document.

        Example:
            >>> await User.find_all().to_list()  # doctest: +SKIP

        """
        return cls.find_many(
            {},
            skip=skip,
            limit=limit,
            sort=sort,
            projection_model=projection_model,
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
    ) -> FindMany[Self]:
        """Alias of :meth:`find_all`.

        Example:
            >>> await User.all().to_list()  # doctest: +SKIP

        """
        return cls.find_all(
            skip=skip,
            limit=limit,
            sort=sort,
            projection_model=projection_model,
            session=session,
            fetch_links=fetch_links,
            with_children=with_children,
            nesting_depth=nesting_depth,
            nesting_depths_per_field=nesting_depths_per_field,
            **pymongo_kwargs,
        )

    @classmethod
    async def count(cls) -> int:
        """Return number of documents in the collection.

        Example:
            >>> await User.count()  # doctest: +SKIP

        """
        return await cls.find_all().count()

    @classmethod
    async def distinct(
        cls,
        key: str,
        filter: Mapping[str, Any] | None = None,
        session: Any = None,
        **pymongo_kwargs: Any,
    ) -> list[Any]:
        """Distinct values of ``key`` (optionally among documents matching ``filter``).

        Example:
            >>> await User.distinct("age")  # doctest: +SKIP

        """
        query = cls.find_many(filter or {}).get_filter_query()
        return await run_async(_distinct(cls, str(key), query, session))

    @overload
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[dict[str, Any]]: ...
    @overload
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[P],
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[P]: ...
    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[Any]:
        """Return an aggregation over the collection; results are dicts or ``projection_model``.

        Example:
            >>> await User.aggregate([{"$match": {"age": {"$gt": 3}}}]).to_list()  # doctest: +SKIP

        """
        return cls.find_all().aggregate(
            aggregation_pipeline, projection_model, session, **pymongo_kwargs
        )

    @classmethod
    async def sum(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Sum of ``field`` over the collection.

        Example:
            >>> await User.sum(User.age)  # doctest: +SKIP

        """
        return await cls.find_all(session=session).sum(field)

    @classmethod
    async def avg(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Average of ``field`` over the collection."""
        return await cls.find_all(session=session).avg(field)

    @classmethod
    async def max(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Largest ``field`` value in the collection."""
        return await cls.find_all(session=session).max(field)

    @classmethod
    async def min(cls, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Smallest ``field`` value in the collection."""
        return await cls.find_all(session=session).min(field)

    @classmethod
    async def inspect_collection(cls, session: Any = None) -> Any:
        """Validate every stored document against the model (an ``InspectionResult``).

        Example:
            >>> (await User.inspect_collection()).status  # doctest: +SKIP
            <InspectionStatuses.OK: 'OK'>

        """
        return await run_async(operations.inspect_collection(cls, session))

    # ----------------------------------------------------------------- class-level writes

    @classmethod
    async def insert_one(
        cls,
        document: Self,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        link_rule: Any = None,
    ) -> Self | None:
        """Insert ``document`` (or queue it on ``bulk_writer``).

        Example:
            >>> await User.insert_one(User(name="Ada"))  # doctest: +SKIP

        """
        if not isinstance(document, cls):
            raise TypeError("Inserting document must be of the original document class")
        if bulk_writer is not None:
            from data_bridge.odm.bulk import InsertOne

            bulk_writer.add_operation(cls, InsertOne(document))
            return None
        return await document.insert(session=session)

    @classmethod
    async def insert_many(
        cls,
        documents: Sequence[Self],
        session: Any = None,
        link_rule: Any = None,
        ordered: bool = True,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Insert documents in one round trip; sets their ids. The InsertManyResult.

        Example:
            >>> await User.insert_many([User(name="a"), User(name="b")])  # doctest: +SKIP

        """
        plan = operations.insert_many(cls, documents, session, ordered)
        return await run_async(links.with_write_rule_many(documents, link_rule, session, plan))

    @classmethod
    async def replace_many(cls, documents: Sequence[Self], session: Any = None) -> None:
        """Replace documents by id; all must exist (ReplaceError otherwise).

        Example:
            >>> await User.replace_many(users)  # doctest: +SKIP

        """
        await run_async(operations.replace_many(cls, documents, session))

    @classmethod
    def update_all(
        cls,
        *args: Mapping[str, Any],
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Update every document (await the returned query).

        Example:
            >>> await User.update_all(Set({User.active: True}))  # doctest: +SKIP

        """
        return cls.find_all().update_many(
            *args, session=session, bulk_writer=bulk_writer, **pymongo_kwargs
        )

    @classmethod
    async def delete_all(
        cls,
        session: Any = None,
        bulk_writer: BulkWriterCore | None = None,
        with_children: bool = False,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Delete every document of this class (and of its subclasses with ``with_children``).

        Outside an inheritance hierarchy that is the whole collection. Returns the DeleteResult.

        Example:
            >>> await User.delete_all()  # doctest: +SKIP

        """
        query = cls.find_all(with_children=with_children)
        return await query.delete(session=session, bulk_writer=bulk_writer)

    @classmethod
    def bulk_writer(
        cls,
        session: Any = None,
        ordered: bool = True,
        bypass_document_validation: bool = False,
        comment: Any | None = None,
    ) -> BulkWriter:
        """Return a bulk writer for this collection (``async with`` commits on exit).

        Example:
            >>> async with User.bulk_writer() as writer:  # doctest: +SKIP
            ...     await User.insert_one(User(name="x"), bulk_writer=writer)

        """
        return BulkWriter(session, ordered, cls, bypass_document_validation, comment)

    # --------------------------------------------------------------------------- indexes

    @classmethod
    async def create_index(cls, keys: Any, session: Any = None, **kwargs: Any) -> str:
        """Create one index (keys as pymongo takes them); its name.

        Example:
            >>> await User.create_index([("age", -1)], name="age_desc")  # doctest: +SKIP
            'age_desc'

        """
        names = await run_async(indexes.create(cls, [indexes.model_of(keys, kwargs)], session))
        return names[0]

    @classmethod
    async def list_indexes(cls, session: Any = None) -> list[dict[str, Any]]:
        """Return the collection's index descriptions.

        Example:
            >>> [ix["name"] for ix in await User.list_indexes()]  # doctest: +SKIP
            ['_id_', 'age_desc']

        """
        collection = cls._db_collection()
        return await run_async(_single(Call(collection, "list_indexes", session=session)))

    @classmethod
    async def drop_index(cls, name: str, session: Any = None) -> None:
        """Drop one index by name.

        Example:
            >>> await User.drop_index("age_desc")  # doctest: +SKIP

        """
        await run_async(_single(Call(cls._db_collection(), "drop_index", name, session=session)))


def _single(call: Call) -> Any:
    result = yield call
    return result


def _distinct(cls: type[DocumentCore], key: str, query: dict[str, Any], session: Any) -> Any:
    result = yield Call(cls._db_collection(), "distinct", key, query, session=session)
    return result
