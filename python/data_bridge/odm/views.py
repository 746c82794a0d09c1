"""``View``: a read-only model over a MongoDB view (a source collection plus a pipeline).

``init`` creates the view when it is missing (``recreate_views=True`` drops and recreates it);
the model then supports the read side of the document API: ``find``, ``find_one``,
``find_all``, ``count``, ``aggregate``, field expressions.

Example:
    >>> from pydantic import Field
    >>> from data_bridge import View
    >>> class ColorCount(View):
    ...     color: str = Field(alias="_id")
    ...     n: int
    ...     class Settings:
    ...         source = "vehicles"
    ...         pipeline = [{"$group": {"_id": "$color", "n": {"$sum": 1}}}]
    >>> await init(database=db, document_models=[ColorCount], recreate_views=True)  # doctest: +SKIP
    >>> await ColorCount.find(ColorCount.n > 1).to_list()  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from data_bridge.errors import CollectionWasNotInitialized
from data_bridge.odm import links
from data_bridge.odm.backend import Binding
from data_bridge.odm.executor import Call, Plan, run_async, run_sync
from data_bridge.odm.fields import ExpressionField
from data_bridge.odm.queries import FindMany, FindOne
from data_bridge.odm.settings.document import DocumentSettings, parse_settings
from data_bridge.odm.sync_queries import SyncFindMany, SyncFindOne


class View(BaseModel):
    """A read-only model of a view: ``Settings.source`` and ``Settings.pipeline``.

    ``source`` is a document class or a collection name.

    Example:
        >>> await ColorCount.find_all().to_list()  # doctest: +SKIP
        [ColorCount(color='red', n=3), ...]

    """

    model_config = ConfigDict(populate_by_name=True)

    _find_many_cls: ClassVar[type[Any]] = FindMany
    _find_one_cls: ClassVar[type[Any]] = FindOne
    _db_binding_: ClassVar[Binding | None] = None
    _db_settings_: ClassVar[DocumentSettings | None] = None
    _db_is_view_: ClassVar[bool] = True

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._db_settings_ = None
        cls._db_binding_ = None
        # `Model.field` builds query expressions, as on documents (instances keep their values).
        for name, info in cls.__pydantic_fields__.items():
            resolution = ExpressionField._resolve_field(info.annotation)
            expression = ExpressionField(info.alias or name, resolution)
            type.__setattr__(cls, name, expression)

    @classmethod
    def get_settings(cls) -> DocumentSettings:
        """Return the parsed ``Settings`` (``name`` defaults to the class name).

        Example:
            >>> ColorCount.get_settings().pipeline  # doctest: +SKIP

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
        """Return the view's name."""
        return cls.get_settings().name  # type: ignore[return-value]

    @classmethod
    def _db_binding(cls) -> Binding:
        binding = vars(cls).get("_db_binding_")
        if binding is None:
            raise CollectionWasNotInitialized(
                f"{cls.__name__} is not initialised: call data_bridge.init(...) with it in "
                "document_models first"
            )
        return binding  # type: ignore[no-any-return]

    @classmethod
    def _db_collection(cls) -> Any:
        return cls._db_binding().collection

    async def fetch_link(self, field: Any) -> None:
        """Replace the link(s) in ``field`` by the linked document(s), as on documents.

        Example:
            >>> await row.fetch_link(ViewWithLink.owner)  # doctest: +SKIP

        """
        await run_async(links.fetch_document_links(self, [str(field)], 1))

    async def fetch_all_links(self) -> None:
        """Fetch every link field of this row, one level deep, as on documents.

        Example:
            >>> await row.fetch_all_links()  # doctest: +SKIP

        """
        await run_async(links.fetch_document_links(self, None, 1))

    @classmethod
    def get_pymongo_collection(cls) -> Any:
        """Return a pymongo async collection on the view (read it only)."""
        return cls._db_binding_.pymongo_collection()  # type: ignore[union-attr]

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
        """Return a find over the view's documents.

        Example:
            >>> await ColorCount.find(ColorCount.n >= 2, sort="-n").to_list()  # doctest: +SKIP

        """
        query = cls._find_many_cls(cls, projection_model)
        return query.find(*args, skip=skip, limit=limit, sort=sort, session=session, **kwargs)

    find = find_many

    @classmethod
    def find_one(
        cls,
        *args: Mapping[str, Any] | bool,
        projection_model: type[Any] | None = None,
        session: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Return a find of the first matching document (await it, or ``.run()`` it when sync).

        Example:
            >>> await ColorCount.find_one(ColorCount.color == "red")  # doctest: +SKIP

        """
        query = cls._find_one_cls(cls, projection_model)
        return query.find(*args, session=session, **kwargs)

    @classmethod
    def find_all(cls, **kwargs: Any) -> Any:
        """Return a find of every document of the view."""
        return cls.find_many({}, **kwargs)

    all = find_all

    @classmethod
    def aggregate(
        cls,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        **pymongo_kwargs: Any,
    ) -> Any:
        """Return an aggregation over the view.

        Example:
            >>> await ColorCount.aggregate([{"$count": "n"}]).to_list()  # doctest: +SKIP

        """
        return cls.find_all().aggregate(
            aggregation_pipeline, projection_model, session, **pymongo_kwargs
        )

    @classmethod
    async def count(cls) -> int:
        """Return how many documents the view holds.

        Example:
            >>> await ColorCount.count()  # doctest: +SKIP

        """
        return await run_async(cls.find_all()._plan_count())


class SyncView(View):
    """Blocking ``View`` (``data_bridge.sync.View``): terminal methods return results.

    Example:
        >>> ColorCount.find_all().to_list()  # doctest: +SKIP

    """

    _find_many_cls = SyncFindMany
    _find_one_cls = SyncFindOne

    def fetch_link(self, field: Any) -> None:  # type: ignore[override]
        """Replace the link(s) in ``field`` by the linked document(s)."""
        run_sync(links.fetch_document_links(self, [str(field)], 1))

    def fetch_all_links(self) -> None:  # type: ignore[override]
        """Fetch every link field of this row, one level deep."""
        run_sync(links.fetch_document_links(self, None, 1))

    @classmethod
    def count(cls) -> int:  # type: ignore[override]
        """Return how many documents the view holds."""
        return run_sync(cls.find_all()._plan_count())  # type: ignore[no-any-return]


def _source_name(settings: DocumentSettings) -> str:
    source = getattr(settings, "source", None)
    if source is None:
        raise ValueError("a View needs Settings.source (a document class or collection name)")
    return source if isinstance(source, str) else str(source.get_collection_name())


def prepare(cls: Any, database: Any, recreate: bool) -> Plan[None]:
    """Create the view of ``cls`` if missing; with ``recreate``, drop and create it again."""
    settings = cls.get_settings()
    name = cls.get_collection_name()
    options = {
        "viewOn": _source_name(settings),
        "pipeline": list(getattr(settings, "pipeline", [])),
    }
    existing = yield Call(database, "list_collection_names", {"name": name})
    if name in existing:
        if not recreate:
            return
        yield Call(database.collection(name), "drop")
    yield Call(database, "create_collection", name, options)
