"""Blocking query objects (``data_bridge.sync``): terminal methods return results directly.

Query builders stay lazy: run one with ``.run()`` (Bunnet's convention); ``to_list``,
``first_or_none``, ``count``, ... execute immediately.

Example:
    >>> users = User.find(User.age > 25).sort(-User.age).to_list()  # doctest: +SKIP
    >>> User.find_one(User.name == "x").update(Inc({User.age: 1})).run()  # doctest: +SKIP

"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, cast, overload

from data_bridge.analytics.models import SyncAggregationArrow, SyncFindManyArrow
from data_bridge.observability.explain import SyncFindOneExplain
from data_bridge.odm import queries
from data_bridge.odm.executor import run_sync
from data_bridge.odm.results import UpdateResponse, from_table

M = TypeVar("M")
R = TypeVar("R")
P = TypeVar("P")


class _RunOrWarn:
    """A blocking write that only acts on ``.run()``: dropping it unrun warns.

    Like asyncio's "coroutine ... was never awaited": ``User.find(...).update(...)`` without
    ``.run()`` (Bunnet's convention) changes nothing, so saying nothing would hide the bug.
    """

    _db_ran = False

    def _plan(self) -> Any:
        self._db_ran = True  # run(), a bulk writer, anything that executes it goes through here
        return super()._plan()  # type: ignore[misc]

    def __del__(self) -> None:
        if not self._db_ran:
            model = getattr(getattr(self, "document_model", None), "__name__", "?")
            warnings.warn(
                f"{type(self).__name__} on {model} {getattr(self, 'find_query', {})!r} was never "
                "run: call .run() to execute it (data_bridge.sync queries are lazy)",
                RuntimeWarning,
                stacklevel=1,
            )


class SyncUpdateMany(_RunOrWarn, queries.UpdateMany):
    """Blocking update of every match; ``.run()`` executes it.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> from data_bridge.operators import Inc
        >>> update = User.find(User.age >= 18).update(Inc({User.age: 1}))
        >>> update.get_update_query()
        {'$inc': {'age': 1}}
        >>> update.run().modified_count  # doctest: +SKIP
        2

    """

    def run(self) -> Any:
        """Execute; UpdateResult (or the inserted document on upsert)."""
        return run_sync(self._plan())


class SyncUpdateOne(_RunOrWarn, queries.UpdateOne):
    """Blocking update of the first match; ``.run()`` executes it.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> from data_bridge.operators import Set
        >>> update = User.find_one(User.name == "Ada").update(Set({User.age: 37}))
        >>> update.get_update_query()
        {'$set': {'age': 37}}
        >>> update.run().modified_count  # doctest: +SKIP
        1

    """

    def run(self) -> Any:
        """Execute; UpdateResult or a document, per ``response_type``."""
        return run_sync(self._plan())


class SyncDeleteMany(_RunOrWarn, queries.DeleteMany):
    """Blocking delete of every match; ``.run()`` executes it.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> delete = User.find(User.age < 18).delete()
        >>> delete.find_query
        {'age': {'$lt': 18}}
        >>> delete.run().deleted_count  # doctest: +SKIP
        1

    """

    def run(self) -> Any:
        """Execute; the DeleteResult."""
        return run_sync(self._plan())


class SyncDeleteOne(_RunOrWarn, queries.DeleteOne):
    """Blocking delete of the first match; ``.run()`` executes it.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> delete = User.find_one(User.name == "Ada").delete()
        >>> delete.find_query
        {'name': 'Ada'}
        >>> delete.run().deleted_count  # doctest: +SKIP
        1

    """

    def run(self) -> Any:
        """Execute; the DeleteResult."""
        return run_sync(self._plan())


class SyncAggregationQuery(SyncAggregationArrow, queries.AggregationQuery[R]):  # type: ignore[misc]
    """Blocking aggregation: ``to_list()`` (or ``run()``) returns the result documents.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> count = User.find(User.age >= 18).aggregate([{"$count": "n"}])
        >>> count.get_aggregation_pipeline()
        [{'$match': {'age': {'$gte': 18}}}, {'$count': 'n'}]
        >>> count.to_list()  # doctest: +SKIP
        [{'n': 2}]

    """

    def to_list(self, length: int | None = None) -> list[R]:  # type: ignore[override]
        """Every result (at most ``length``)."""
        return run_sync(self._plan_to_list(length))

    def run(self) -> list[R]:
        """Return same as ``to_list()``."""
        return self.to_list()

    def __iter__(self) -> Iterator[R]:
        return iter(self.to_list())


class SyncFindMany(SyncFindManyArrow, queries.FindMany[M]):  # type: ignore[misc]
    """Blocking find over many documents: ``to_list()``, ``count()``, ... run it.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> adults = User.find(User.age >= 18).sort(-User.age)
        >>> adults.get_filter_query()
        {'age': {'$gte': 18}}
        >>> [user.name for user in adults.to_list()]  # doctest: +SKIP
        ['Ada', 'Bob']
        >>> adults.count()  # doctest: +SKIP
        2

    """

    _update_many_cls = SyncUpdateMany
    _delete_many_cls = SyncDeleteMany
    _aggregation_cls = SyncAggregationQuery

    def to_list(self, length: int | None = None) -> list[M]:  # type: ignore[override]
        """Return the results as model instances (at most ``length``)."""
        return run_sync(self._plan_to_list(length))

    def run(self) -> list[M]:
        """Return same as ``to_list()``."""
        return self.to_list()

    @overload
    def project(self, projection_model: None) -> SyncFindMany[M]: ...
    @overload
    def project(self, projection_model: type[P]) -> SyncFindMany[P]: ...
    def project(self, projection_model: type[Any] | None) -> SyncFindMany[Any]:
        """Decode results into ``projection_model`` (a pydantic model) instead of documents."""
        self.projection_model = projection_model
        return self

    def __iter__(self) -> Iterator[M]:
        if self.on_mismatch == "raw":
            # The lossless fallback may re-read: it cannot start from a half-consumed stream.
            yield from self.to_list()
            return
        stream = self._stream()
        model = self._result_model()
        try:
            for table in stream:
                docs = from_table(model, table)
                if self.fetch_links:
                    run_sync(self._plan_fetch_links(docs))
                yield from docs
        finally:
            stream.close()

    def first_or_none(self) -> M | None:  # type: ignore[override]
        """Return the first result, or None."""
        return run_sync(self._plan_first())

    def count(self) -> int:  # type: ignore[override]
        """How many documents match."""
        return run_sync(self._plan_count())

    def exists(self) -> bool:  # type: ignore[override]
        """Whether any document matches."""
        return run_sync(self._plan_exists())

    def sum(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Sum of ``field`` over the matches."""
        return run_sync(self._plan_accumulate("$sum", field))

    def avg(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Average of ``field`` over the matches."""
        return run_sync(self._plan_accumulate("$avg", field))

    def max(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Largest ``field`` value among the matches."""
        return run_sync(self._plan_accumulate("$max", field))

    def min(self, field: Any, session: Any = None, ignore_cache: bool = False) -> Any:
        """Smallest ``field`` value among the matches."""
        return run_sync(self._plan_accumulate("$min", field))

    # The builders below only narrow the async class's return types to the blocking queries
    # (the instances already are: see ``_update_many_cls`` & co).

    def update(self, *args: Mapping[str, Any], **kwargs: Any) -> SyncUpdateMany:
        """Return a blocking update of every match (``.run()`` executes it)."""
        return cast(SyncUpdateMany, super().update(*args, **kwargs))

    update_many = update

    def upsert(self, *args: Mapping[str, Any], on_insert: Any, **kwargs: Any) -> SyncUpdateMany:
        """Update every match, or insert ``on_insert`` when nothing matches (``.run()``)."""
        return cast(SyncUpdateMany, super().upsert(*args, on_insert=on_insert, **kwargs))

    def set(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateMany:
        """Shortcut for ``update(Set(expression))``."""
        return cast(SyncUpdateMany, super().set(expression, **kwargs))

    def inc(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateMany:
        """Shortcut for ``update(Inc(expression))``."""
        return cast(SyncUpdateMany, super().inc(expression, **kwargs))

    def current_date(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateMany:
        """Shortcut for ``update(CurrentDate(expression))``."""
        return cast(SyncUpdateMany, super().current_date(expression, **kwargs))

    def delete(self, session: Any = None, bulk_writer: Any = None, **kwargs: Any) -> SyncDeleteMany:
        """Return a blocking delete of every match (``.run()`` executes it)."""
        return cast(SyncDeleteMany, super().delete(session, bulk_writer, **kwargs))

    delete_many = delete

    @overload
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[dict[str, Any]]: ...
    @overload
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[P],
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[P]: ...
    def aggregate(
        self,
        aggregation_pipeline: list[dict[str, Any]],
        projection_model: type[Any] | None = None,
        session: Any = None,
        ignore_cache: bool = False,
        **pymongo_kwargs: Any,
    ) -> SyncAggregationQuery[Any]:
        """Return a blocking aggregation over the matches (``to_list()`` runs it)."""
        query = super().aggregate(
            aggregation_pipeline, projection_model, session, ignore_cache, **pymongo_kwargs
        )
        return cast("SyncAggregationQuery[Any]", query)


class SyncFindOne(SyncFindOneExplain, queries.FindOne[M]):  # type: ignore[misc]
    """Blocking find of one document: ``.run()`` returns it or None.

    Example:
        >>> from data_bridge.sync import Document
        >>> class User(Document):
        ...     name: str
        ...     age: int = 0
        >>> query = User.find_one(User.name == "Ada")
        >>> query.get_filter_query()
        {'name': 'Ada'}
        >>> query.run().age  # doctest: +SKIP
        36

    """

    _update_one_cls = SyncUpdateOne
    _delete_one_cls = SyncDeleteOne

    def run(self) -> M | None:
        """Return the first match, or None."""
        return run_sync(self._plan_one())

    @overload
    def project(self, projection_model: None) -> SyncFindOne[M]: ...
    @overload
    def project(self, projection_model: type[P]) -> SyncFindOne[P]: ...
    def project(self, projection_model: type[Any] | None) -> SyncFindOne[Any]:
        """Decode results into ``projection_model`` (a pydantic model) instead of documents."""
        self.projection_model = projection_model
        return self

    def replace_one(self, document: Any, session: Any = None, bulk_writer: Any = None) -> Any:
        """Replace the first match with ``document``; the UpdateResult."""
        return run_sync(self._plan_replace_one(document, session, bulk_writer))

    def count(self) -> int:  # type: ignore[override]
        """Return how many documents match the filter (as Beanie's FindOne.count)."""
        return run_sync(self._plan_count())

    def exists(self) -> bool:  # type: ignore[override]
        """Whether any document matches the filter (as Beanie's FindOne.exists)."""
        return run_sync(self._plan_exists())

    # Return types narrowed to the blocking queries, as on ``SyncFindMany``.

    def update(
        self,
        *args: Mapping[str, Any],
        response_type: UpdateResponse | None = None,
        **kwargs: Any,
    ) -> SyncUpdateOne:
        """Return a blocking update of the first match (``.run()`` executes it)."""
        return cast(SyncUpdateOne, super().update(*args, response_type=response_type, **kwargs))

    update_one = update

    def upsert(
        self,
        *args: Mapping[str, Any],
        on_insert: Any,
        response_type: UpdateResponse | None = None,
        **kwargs: Any,
    ) -> SyncUpdateOne:
        """Update the first match, or insert ``on_insert`` when nothing matches (``.run()``)."""
        query = super().upsert(*args, on_insert=on_insert, response_type=response_type, **kwargs)
        return cast(SyncUpdateOne, query)

    def set(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateOne:
        """Shortcut for ``update(Set(expression))``."""
        return cast(SyncUpdateOne, super().set(expression, **kwargs))

    def inc(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateOne:
        """Shortcut for ``update(Inc(expression))``."""
        return cast(SyncUpdateOne, super().inc(expression, **kwargs))

    def current_date(self, expression: Mapping[Any, Any], **kwargs: Any) -> SyncUpdateOne:
        """Shortcut for ``update(CurrentDate(expression))``."""
        return cast(SyncUpdateOne, super().current_date(expression, **kwargs))

    def delete(self, session: Any = None, bulk_writer: Any = None, **kwargs: Any) -> SyncDeleteOne:
        """Return a blocking delete of the first match (``.run()`` executes it)."""
        return cast(SyncDeleteOne, super().delete(session, bulk_writer, **kwargs))

    delete_one = delete
