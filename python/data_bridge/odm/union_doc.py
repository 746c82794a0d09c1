"""``UnionDoc``: unrelated document classes sharing one collection, queried together.

A document joins a union with ``Settings.union_doc = TheUnion`` (and optionally
``union_doc_alias``); it lives in the union's collection and is stored with that alias (default:
its own ``Settings.name``, else its class name) under ``_class_id``. Queries on the union return
each document as its own class.

Example:
    >>> from data_bridge import Document, UnionDoc
    >>> class Pets(UnionDoc):
    ...     class Settings:
    ...         name = "pets"
    >>> class Cat(Document):
    ...     lives: int = 9
    ...     class Settings:
    ...         union_doc = Pets
    >>> await init(database=db, document_models=[Pets, Cat])  # doctest: +SKIP
    >>> await Pets.find_all().to_list()  # doctest: +SKIP
    [Cat(...), ...]

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from data_bridge.errors import CollectionWasNotInitialized
from data_bridge.odm import inheritance
from data_bridge.odm.backend import Binding
from data_bridge.odm.bulk import BulkWriter
from data_bridge.odm.queries import AggregationQuery, FindMany
from data_bridge.odm.settings.document import DocumentSettings, parse_settings


class UnionDoc:
    """The collection of a union of document classes (not itself a model).

    Example:
        >>> await Pets.find(Cat.lives > 3).to_list()  # doctest: +SKIP

    """

    _find_many_cls: ClassVar[type[Any]] = FindMany
    _db_binding_: ClassVar[Binding | None] = None
    _db_members_: ClassVar[dict[str, type]]
    _db_settings_: ClassVar[DocumentSettings | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._db_members_ = {}
        cls._db_settings_ = None
        cls._db_binding_ = None

    @classmethod
    def get_settings(cls) -> DocumentSettings:
        """Return the union's parsed ``Settings`` (``name`` is the collection).

        Example:
            >>> Pets.get_settings().name  # doctest: +SKIP
            'pets'

        """
        settings = vars(cls).get("_db_settings_")
        if settings is None:
            settings = parse_settings(cls)
            if settings.name is None:
                settings.name = cls.__name__
            cls._db_settings_ = settings
        return settings

    @classmethod
    def get_collection_name(cls) -> str:
        """Return the shared collection's name."""
        return cls.get_settings().name  # type: ignore[return-value]

    @classmethod
    def bulk_writer(
        cls,
        session: Any = None,
        ordered: bool = True,
        bypass_document_validation: bool = False,
        comment: Any | None = None,
    ) -> BulkWriter:
        """Return a bulk writer for the union's collection (``async with`` commits on exit).

        Example:
            >>> async with Pets.bulk_writer() as writer:  # doctest: +SKIP
            ...     await Cat.insert_one(Cat(), bulk_writer=writer)

        """
        return BulkWriter(session, ordered, cls, bypass_document_validation, comment)

    @classmethod
    def register(cls, member: type) -> None:
        """Record ``member`` (a document with ``union_doc = cls``) under its alias."""
        alias = inheritance.class_id_of(member)
        cls._db_members_[alias] = member  # type: ignore[index]
        inheritance.forget(cls)

    @classmethod
    def _db_family(cls) -> inheritance.Family:
        return inheritance.Family(cls.get_settings().class_id, dict(cls._db_members_))

    @classmethod
    def _db_collection(cls) -> Any:
        binding = vars(cls).get("_db_binding_")
        if binding is None:
            raise CollectionWasNotInitialized(
                f"{cls.__name__} is not initialised: call data_bridge.init(...) with it in "
                "document_models first"
            )
        return binding.collection

    @classmethod
    def _db_from_table(cls, table: Any) -> list[Any]:
        # Rows of an alias nobody registered cannot be decoded as any class: they are skipped.
        return inheritance.from_table(None, cls._db_family(), table)

    @classmethod
    def find_many(
        cls,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort: Any = None,
        session: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Return a find over every member class; each result decodes as its own class.

        Example:
            >>> await Pets.find({"lives": {"$gt": 3}}).to_list()  # doctest: +SKIP

        """
        query = cls._find_many_cls(cls, projection_model)
        return query.find(*args, skip=skip, limit=limit, sort=sort, session=session, **kwargs)

    find = find_many

    @classmethod
    def find_all(cls, **kwargs: Any) -> Any:
        """Return a find of every document in the union's collection."""
        return cls.find_many({}, **kwargs)

    all = find_all

    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[Any]:
        """Return an aggregation over the union's collection.

        Example:
            >>> await Pets.aggregate([{"$count": "n"}]).to_list()  # doctest: +SKIP

        """
        return cls.find_all().aggregate(  # type: ignore[no-any-return]
            aggregation_pipeline, projection_model, session, **pymongo_kwargs
        )
