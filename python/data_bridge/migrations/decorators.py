"""The two kinds of migration step: per-document (iterative) and free-form (free fall)."""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from data_bridge.odm.init import init

MigrationFunction = Callable[..., Awaitable[Any]]


class FreeFallMigration:
    """A step that runs arbitrary code with ``document_models`` bound to the database.

    Example:
        >>> class Forward:
        ...     @free_fall_migration(document_models=[Note])
        ...     async def fill(self, session):
        ...         await Note.find_all().update({"$set": {"tag": "x"}})

    """

    def __init__(self, function: MigrationFunction, document_models: Sequence[type]) -> None:
        self.function = function
        self.document_models = list(document_models)

    async def prepare(
        self, database: Any, allow_index_dropping: bool = False, uri: str | None = None
    ) -> None:
        """Bind the models to ``database`` (before any transaction opens: init writes indexes)."""
        if self.document_models:
            await init(
                database=database,
                connection_string=uri,
                document_models=self.document_models,
                allow_index_dropping=allow_index_dropping,
            )

    async def run(self, owner: Any, session: Any) -> None:
        """Call the function with ``session``."""
        await self.function(owner, session)


class IterativeMigration:
    """A step called once per stored document: ``(input_document, output_document)``.

    The input model reads every document of its collection; the output document starts as the
    input's fields validated into the output model, the function edits it, and it replaces the
    stored document (in batches of ``batch_size``).

    Example:
        >>> class Forward:
        ...     @iterative_migration(batch_size=500)
        ...     async def rename(self, input_document: OldNote, output_document: Note):
        ...         output_document.name = input_document.title

    """

    def __init__(
        self,
        function: MigrationFunction,
        document_models: Sequence[type],
        batch_size: int,
    ) -> None:
        self.function = function
        self.document_models = list(document_models)
        self.batch_size = batch_size
        hints = typing.get_type_hints(function)
        try:
            self.input_model: Any = hints["input_document"]
            self.output_model: Any = hints["output_document"]
        except KeyError as missing:
            raise TypeError(
                f"iterative migration {function.__qualname__} must annotate its parameters "
                f"input_document and output_document with document classes (missing {missing})"
            ) from None

    async def prepare(
        self, database: Any, allow_index_dropping: bool = False, uri: str | None = None
    ) -> None:
        """Bind the models to ``database`` (before any transaction opens: init writes indexes).

        The output model is bound after the input model: with ``allow_index_dropping``, the
        indexes only the input model declares are dropped.
        """
        models = [self.input_model, self.output_model, *self.document_models]
        await init(
            database=database,
            connection_string=uri,
            document_models=list(dict.fromkeys(models)),
            allow_index_dropping=allow_index_dropping,
        )

    async def run(self, owner: Any, session: Any) -> None:
        """Rewrite every document of the input model's collection through the function."""
        batch: list[Any] = []
        for input_document in await self.input_model.find_all(session=session).to_list():
            # The function writes onto a recorder; its values are merged over the input's and
            # validated into the output model (so new required fields can be filled in).
            recorder = OutputRecorder()
            await self.function(owner, input_document=input_document, output_document=recorder)
            values = _merge(input_document.model_dump(), recorder.values())
            output_document = self.output_model.model_validate(values)
            output_document.id = input_document.id
            batch.append(output_document)
            if len(batch) >= self.batch_size:
                await self.output_model.replace_many(batch, session=session)
                batch = []
        if batch:
            await self.output_model.replace_many(batch, session=session)


class OutputRecorder:
    """Records the attributes an iterative migration sets (``a.b = 1`` too).

    Example:
        >>> out = OutputRecorder()
        >>> out.name = "x"
        >>> out.address.city = "Oslo"
        >>> out.values()
        {'name': 'x', 'address': {'city': 'Oslo'}}

    """

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def __setattr__(self, name: str, value: Any) -> None:
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name not in values:
            values[name] = OutputRecorder()
        return values[name]

    def values(self) -> dict[str, Any]:
        """Return what was set, nested recorders as dicts."""
        return {
            k: v.values() if isinstance(v, OutputRecorder) else v for k, v in self._values.items()
        }


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def iterative_migration(
    document_models: Sequence[type] | None = None, batch_size: int = 10_000
) -> Callable[[MigrationFunction], IterativeMigration]:
    """Decorate ``async def f(self, input_document: Old, output_document: New)``.

    Example:
        >>> class Forward:
        ...     @iterative_migration()
        ...     async def rename(self, input_document: OldNote, output_document: Note):
        ...         output_document.name = input_document.title

    """

    def decorate(function: MigrationFunction) -> IterativeMigration:
        return IterativeMigration(function, document_models or [], batch_size)

    return decorate


def free_fall_migration(
    document_models: Sequence[type],
) -> Callable[[MigrationFunction], FreeFallMigration]:
    """Decorate ``async def f(self, session)`` that may do anything with ``document_models``.

    Example:
        >>> class Backward:
        ...     @free_fall_migration(document_models=[Note])
        ...     async def undo(self, session):
        ...         await Note.delete_all(session=session)

    """

    def decorate(function: MigrationFunction) -> FreeFallMigration:
        return FreeFallMigration(function, document_models)

    return decorate
