"""``init`` (Beanie's ``init_beanie``): bind document classes to collections, create indexes.

Example:
    >>> from data_bridge import init
    >>> await init(connection_string="mongodb://localhost:27017/app",
    ...            document_models=[User, "app.models.Order"])  # doctest: +SKIP

"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Sequence
from typing import Any

from data_bridge import _engine
from data_bridge.errors import Deprecation
from data_bridge.odm import indexes, inheritance, timeseries, views
from data_bridge.odm.backend import Binding, uri_of_pymongo_database
from data_bridge.odm.executor import Call, Hook, Plan, run_async, run_sync
from data_bridge.server import ServerTraits

_CLIENTS: dict[str, Any] = {}


def _forget_clients() -> None:
    """Drop the parent's clients in a forked child: they cannot be used there (their pid differs).

    ``init`` in the child then creates fresh ones (the engine re-creates its runtime and decode
    pool after fork by itself).
    """
    _CLIENTS.clear()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_forget_clients)


def _client(uri: str) -> Any:
    client = _CLIENTS.get(uri)
    if client is None or client.is_closed:
        client = _engine.Client(uri)
        _CLIENTS[uri] = client
    return client


def _exclude_hidden_fields(cls: Any) -> None:
    """Exclude Beanie's deprecated ``json_schema_extra={"hidden": True}`` fields, warning once."""
    hidden = [
        info
        for info in cls.model_fields.values()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("hidden") is True
    ]
    if not hidden:
        return
    warnings.warn(
        f"{cls.__name__}: 'hidden=True' is deprecated, please use 'exclude=True'",
        DeprecationWarning,
        stacklevel=2,
    )
    for info in hidden:
        info.exclude = True
        del info.json_schema_extra["hidden"]  # type: ignore[index]
    cls.model_rebuild(force=True)


def _resolve(model: Any) -> type[Any]:
    if isinstance(model, str):
        module_name, _, name = model.rpartition(".")
        if not module_name:
            raise ValueError(f"document model {model!r} must be a dotted path 'module.Class'")
        return getattr(importlib.import_module(module_name), name)  # type: ignore[no-any-return]
    return model  # type: ignore[no-any-return]


def _database(database: Any, connection_string: str | None) -> tuple[Any, str | None, Any]:
    """(engine database, connection string, pymongo database or None)."""
    if database is None:
        if connection_string is None:
            raise ValueError("init needs database= or connection_string=")
        client = _client(connection_string)
        engine_db = client.default_database()
        if engine_db is None:
            raise ValueError(
                f"connection string {connection_string!r} names no database: add /dbname or pass "
                "database="
            )
        return engine_db, connection_string, None
    if isinstance(database, str):
        if connection_string is None:
            raise ValueError("init(database='name') also needs connection_string=")
        return _client(connection_string).database(database), connection_string, None
    if isinstance(database, _engine.Database):
        return database, connection_string, None
    # A pymongo (async) database, the way most Beanie applications call init_beanie.
    if connection_string is not None:
        raise ValueError(
            "init got both a pymongo database and connection_string=: pass one of them"
        )
    uri = uri_of_pymongo_database(database)
    return _client(uri).database(database.name), uri, database


def _plan_init(
    database: Any,
    connection_string: str | None,
    document_models: Sequence[Any] | None,
    allow_index_dropping: bool,
    skip_indexes: bool,
    recreate_views: bool = False,
) -> Plan[None]:
    if document_models is None:
        raise ValueError("init needs document_models=[...]: the classes to bind")
    engine_db, uri, pymongo_db = _database(database, connection_string)
    # Which constructs this server answers wrongly: queries that need one raise instead.
    server = ServerTraits.from_build_info((yield Call(engine_db, "command", {"buildInfo": 1})))
    for model in document_models or []:
        cls = _resolve(model)
        if hasattr(cls, "Collection"):
            raise Deprecation(
                f"{cls.__name__}: the inner Collection class is no longer supported; "
                "declare an inner Settings class instead"
            )
        if hasattr(cls, "_db_family"):  # a UnionDoc: a collection, no model of its own
            cls._db_binding_ = Binding(
                engine_db, cls.get_collection_name(), uri, pymongo_db, server
            )
            continue
        if getattr(cls, "_db_is_view_", False):
            cls._db_settings_ = None
            cls._db_binding_ = Binding(
                engine_db, cls.get_collection_name(), uri, pymongo_db, server
            )
            yield from views.prepare(cls, engine_db, recreate_views)
            continue
        union: Any = inheritance.union_of(cls)
        if union is not None:
            union.register(cls)
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
        _exclude_hidden_fields(cls)
        cls._db_setup()
        cls._db_settings_ = None
        cls._db_actions_ = None
        name = cls.get_collection_name()
        cls._db_binding_ = Binding(engine_db, name, uri, pymongo_db, server)
        yield from timeseries.prepare(cls, engine_db)
        if not skip_indexes:
            yield from indexes.sync_declared(cls, allow_index_dropping)
        custom_init = getattr(cls, "custom_init", None)
        if custom_init is not None:  # Beanie's hook: a (sync or async) classmethod run last
            yield Hook(custom_init)


async def init(
    database: Any = None,
    connection_string: str | None = None,
    document_models: Sequence[Any] | None = None,
    allow_index_dropping: bool = False,
    recreate_views: bool = False,
    multiprocessing_mode: bool = False,
    skip_indexes: bool = False,
) -> None:
    """Bind ``document_models`` (classes or dotted paths) to their collections.

    ``database`` may be a pymongo ``AsyncDatabase`` (as with ``init_beanie``), an engine
    ``Database``, or a name used with ``connection_string``; with only ``connection_string``,
    the database named in its path is used.

    Example:
        >>> await init(database=AsyncMongoClient(uri).app, document_models=[User])  # doctest: +SKIP

    """
    await run_async(
        _plan_init(
            database,
            connection_string,
            document_models,
            allow_index_dropping,
            skip_indexes,
            recreate_views,
        )
    )


init_beanie = init


def init_sync(
    database: Any = None,
    connection_string: str | None = None,
    document_models: Sequence[Any] | None = None,
    allow_index_dropping: bool = False,
    recreate_views: bool = False,
    multiprocessing_mode: bool = False,
    skip_indexes: bool = False,
) -> None:
    """Blocking :func:`init` (for ``data_bridge.sync`` documents, or any code without a loop).

    Example:
        >>> init_sync(connection_string=URI, document_models=[User])  # doctest: +SKIP

    """
    run_sync(
        _plan_init(
            database,
            connection_string,
            document_models,
            allow_index_dropping,
            skip_indexes,
            recreate_views,
        )
    )
