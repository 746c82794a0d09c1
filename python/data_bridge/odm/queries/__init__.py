"""Async query objects: ``FindMany``, ``FindOne``, update, delete and aggregation queries.

Example:
    >>> users = await User.find(User.age > 25).sort(-User.age).limit(10).to_list()  # doctest: +SKIP
    >>> await User.find_one(User.name == "x").update(Inc({User.age: 1}))  # doctest: +SKIP

"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Mapping
from typing import Any, TypeVar, overload

from data_bridge.analytics.models import AggregationArrow, FindManyArrow
from data_bridge.observability.explain import FindOneExplain
from data_bridge.odm.executor import run_async
from data_bridge.odm.query_core import (
    AggregationQueryCore,
    DeleteQueryCore,
    FindManyCore,
    FindOneCore,
    UpdateQueryCore,
)
from data_bridge.odm.results import UpdateResponse, from_table

M = TypeVar("M")
R = TypeVar("R")
P = TypeVar("P")


class UpdateQuery(UpdateQueryCore):
    """An update; await it to run (UpdateResult, a document, or the upserted document)."""

    def __await__(self) -> Generator[Any, None, Any]:
        return run_async(self._plan()).__await__()


class UpdateMany(UpdateQuery):
    """Update of every matching document."""


class UpdateOne(UpdateQuery):
    """Update of the first matching document."""


class DeleteQuery(DeleteQueryCore):
    """A delete; await it to run (DeleteResult)."""

    def __await__(self) -> Generator[Any, None, Any]:
        return run_async(self._plan()).__await__()


class DeleteMany(DeleteQuery):
    """Delete of every matching document."""


class DeleteOne(DeleteQuery):
    """Delete of the first matching document."""


class AggregationQuery(AggregationQueryCore[R], AggregationArrow):
    """An aggregation; ``await q.to_list()`` or ``async for row in q``.

    Example:
        >>> pipeline = [{"$group": {"_id": None, "n": {"$sum": 1}}}]
        >>> await User.aggregate(pipeline).to_list()  # doctest: +SKIP
        [{'_id': None, 'n': 3}]

    """

    async def to_list(self, length: int | None = None) -> list[R]:
        """Every result (at most ``length``): dicts, or projection-model instances."""
        return await run_async(self._plan_to_list(length))

    def __await__(self) -> Generator[Any, None, list[R]]:
        return self.to_list().__await__()

    async def __aiter__(self) -> AsyncIterator[R]:
        for item in await self.to_list():
            yield item


class FindMany(FindManyCore[M], FindManyArrow):
    """A find over many documents; chain builders, then run it with a terminal method.

    Example:
        >>> await User.find(User.age >= 18).sort("-age").limit(5).to_list()  # doctest: +SKIP

    """

    _update_many_cls: type[UpdateMany] = UpdateMany
    _delete_many_cls: type[DeleteMany] = DeleteMany
    _aggregation_cls: type[AggregationQuery[Any]] = AggregationQuery

    async def to_list(self, length: int | None = None) -> list[M]:
        """Return the results as model instances (at most ``length``)."""
        return await run_async(self._plan_to_list(length))

    def __await__(self) -> Generator[Any, None, list[M]]:
        return self.to_list().__await__()

    @overload
    def project(self, projection_model: None) -> FindMany[M]: ...
    @overload
    def project(self, projection_model: type[P]) -> FindMany[P]: ...
    def project(self, projection_model: type[Any] | None) -> FindMany[Any]:
        """Decode results into ``projection_model`` (a pydantic model) instead of documents.

        Example:
            >>> names = await User.find().project(NameOnly).to_list()  # doctest: +SKIP

        """
        self.projection_model = projection_model
        return self

    async def __aiter__(self) -> AsyncIterator[M]:
        if self.on_mismatch == "raw":
            # The lossless fallback may re-read: it cannot start from a half-consumed stream.
            for doc in await self.to_list():
                yield doc
            return
        stream = self._stream()
        model = self._result_model()
        try:
            async for table in stream:
                docs = from_table(model, table)
                if self.fetch_links:
                    await run_async(self._plan_fetch_links(docs))
                for doc in docs:
                    yield doc
        finally:
            stream.close()

    async def first_or_none(self) -> M | None:
        """Return the first result, or None."""
        return await run_async(self._plan_first())

    async def count(self) -> int:
        """How many documents match (honours skip / limit)."""
        return await run_async(self._plan_count())

    async def exists(self) -> bool:
        """Whether any document matches."""
        return await run_async(self._plan_exists())

    async def sum(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Sum of ``field`` over the matches (None when nothing matches)."""
        return await run_async(self._plan_accumulate("$sum", field))

    async def avg(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Average of ``field`` over the matches (None when nothing matches)."""
        return await run_async(self._plan_accumulate("$avg", field))

    async def max(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Largest ``field`` value among the matches."""
        return await run_async(self._plan_accumulate("$max", field))

    async def min(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Smallest ``field`` value among the matches."""
        return await run_async(self._plan_accumulate("$min", field))

    def update(self, *args: Mapping[str, Any], **kwargs: Any) -> UpdateMany:
        """Return an update of every match (await it)."""
        model, query = self._update_args()
        kwargs.setdefault("session", self.session)
        query_obj = self._update_many_cls(model, query, many=True)
        return query_obj.update(*args, **kwargs)  # type: ignore[no-any-return]

    update_many = update

    def upsert(self, *args: Mapping[str, Any], on_insert: Any, **kwargs: Any) -> UpdateMany:
        """Update every match, or insert ``on_insert`` when nothing matches."""
        model, query = self._update_args()
        kwargs.setdefault("session", self.session)
        query_obj = self._update_many_cls(model, query, many=True)
        return query_obj.upsert(*args, on_insert=on_insert, **kwargs)  # type: ignore[no-any-return]

    def set(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateMany:
        """Shortcut for ``update(Set(expression))``."""
        from data_bridge.odm.operators.update.general import Set

        return self.update(Set(expression), **kwargs)

    def inc(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateMany:
        """Shortcut for ``update(Inc(expression))``."""
        from data_bridge.odm.operators.update.general import Inc

        return self.update(Inc(expression), **kwargs)

    def current_date(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateMany:
        """Shortcut for ``update(CurrentDate(expression))``."""
        from data_bridge.odm.operators.update.general import CurrentDate

        return self.update(CurrentDate(expression), **kwargs)

    def delete(self, session: Any = None, bulk_writer: Any = None, **kwargs: Any) -> DeleteMany:
        """Return a delete of every match (await it)."""
        model, query = self._update_args()
        return self._delete_many_cls(
            model, query, True, session or self.session, bulk_writer, **kwargs
        )

    delete_many = delete

    @overload
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[dict[str, Any]]: ...
    @overload
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[P],
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[P]: ...
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> AggregationQuery[Any]:
        """Return an aggregation over the matches (the find's filter/sort/skip/limit come first)."""
        # Beanie's order: the find's match (and link lookups), the user's stages, then the
        # find's sort / skip / limit.
        return self._aggregation_cls(
            self.document_model,
            self.build_aggregation_pipeline(*aggregation_pipeline),
            [],
            projection_model,
            session or self.session,
            **pymongo_kwargs,
        )


class FindOne(FindOneCore[M], FindOneExplain):
    """A find of one document; await it for the document or None.

    Example:
        >>> user = await User.find_one(User.name == "x")  # doctest: +SKIP

    """

    _update_one_cls: type[UpdateOne] = UpdateOne
    _delete_one_cls: type[DeleteOne] = DeleteOne

    def __await__(self) -> Generator[Any, None, M | None]:
        return run_async(self._plan_one()).__await__()

    @overload
    def project(self, projection_model: None) -> FindOne[M]: ...
    @overload
    def project(self, projection_model: type[P]) -> FindOne[P]: ...
    def project(self, projection_model: type[Any] | None) -> FindOne[Any]:
        """Decode results into ``projection_model`` (a pydantic model) instead of documents.

        Example:
            >>> names = await User.find().project(NameOnly).to_list()  # doctest: +SKIP

        """
        self.projection_model = projection_model
        return self

    def _one_query(self) -> tuple[type[Any], dict[str, Any]]:
        return self.document_model, self.get_filter_query()

    def update(
        self,
        *args: Mapping[str, Any],
        response_type: UpdateResponse | None = None,
        **kwargs: Any,
    ) -> UpdateOne:
        """Return an update of the first match (await it); ``response_type`` picks the result."""
        model, query = self._one_query()
        kwargs.setdefault("session", self.session)
        query_obj = self._update_one_cls(model, query, many=False)
        return query_obj.update(*args, response_type=response_type, **kwargs)  # type: ignore[no-any-return]

    update_one = update

    def upsert(
        self,
        *args: Mapping[str, Any],
        on_insert: Any,
        response_type: UpdateResponse | None = None,
        **kwargs: Any,
    ) -> UpdateOne:
        """Update the first match, or insert ``on_insert`` when nothing matches."""
        model, query = self._one_query()
        kwargs.setdefault("session", self.session)
        query_obj = self._update_one_cls(model, query, many=False)
        return query_obj.upsert(  # type: ignore[no-any-return]
            *args, on_insert=on_insert, response_type=response_type, **kwargs
        )

    def set(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateOne:
        """Shortcut for ``update(Set(expression))``."""
        from data_bridge.odm.operators.update.general import Set

        return self.update(Set(expression), **kwargs)

    def inc(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateOne:
        """Shortcut for ``update(Inc(expression))``."""
        from data_bridge.odm.operators.update.general import Inc

        return self.update(Inc(expression), **kwargs)

    def current_date(self, expression: Mapping[Any, Any], **kwargs: Any) -> UpdateOne:
        """Shortcut for ``update(CurrentDate(expression))``."""
        from data_bridge.odm.operators.update.general import CurrentDate

        return self.update(CurrentDate(expression), **kwargs)

    def delete(self, session: Any = None, bulk_writer: Any = None, **kwargs: Any) -> DeleteOne:
        """Return a delete of the first match (await it)."""
        model, query = self._one_query()
        return self._delete_one_cls(
            model, query, False, session or self.session, bulk_writer, **kwargs
        )

    delete_one = delete

    async def replace_one(self, document: Any, session: Any = None, bulk_writer: Any = None) -> Any:
        """Replace the first match with ``document``; the UpdateResult."""
        return await run_async(self._plan_replace_one(document, session, bulk_writer))

    async def count(self) -> int:
        """Return how many documents match the filter (as Beanie's FindOne.count)."""
        return await run_async(self._plan_count())

    async def exists(self) -> bool:
        """Whether any document matches the filter (as Beanie's FindOne.exists)."""
        return await run_async(self._plan_exists())
