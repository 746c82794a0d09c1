"""Where a document class's data lives: the engine collection and, on demand, a pymongo one."""

from __future__ import annotations

from typing import Any

from data_bridge.errors import CollectionWasNotInitialized
from data_bridge.server import UNKNOWN, ServerTraits


class Binding:
    """The engine collection a document class reads and writes, and how to reach it otherwise."""

    __slots__ = (
        "_pymongo_collection",
        "_pymongo_sync_collection",
        "collection",
        "database",
        "pymongo_database",
        "server",
        "uri",
    )

    def __init__(
        self,
        database: Any,
        collection_name: str,
        uri: str | None,
        pymongo_database: Any = None,
        server: ServerTraits = UNKNOWN,
    ) -> None:
        self.database = database
        self.server = server
        self.collection = database.collection(collection_name)
        self.uri = uri
        self.pymongo_database = pymongo_database
        self._pymongo_collection: Any = None
        self._pymongo_sync_collection: Any = None

    def pymongo_sync_collection(self) -> Any:
        """Return a blocking ``pymongo.MongoClient`` collection on the same server and namespace.

        The pymongo database given to ``init`` is used when it is a blocking one.
        """
        if self._pymongo_sync_collection is None:
            from pymongo.database import Database

            database = self.pymongo_database
            if not isinstance(database, Database):
                if self.uri is None:
                    raise CollectionWasNotInitialized(
                        "no connection string known for this model: pass connection_string= "
                        "or a pymongo database to init()"
                    )
                from pymongo import MongoClient

                database = MongoClient(self.uri)[self.database.name]
            self._pymongo_sync_collection = database[self.collection.name]
        return self._pymongo_sync_collection

    def pymongo_collection(self) -> Any:
        """Return a ``pymongo.AsyncMongoClient`` collection on the same server and namespace."""
        if self._pymongo_collection is None:
            database = self.pymongo_database
            if database is None:
                if self.uri is None:
                    raise CollectionWasNotInitialized(
                        "no connection string known for this model: pass connection_string= "
                        "or a pymongo database to init()"
                    )
                from pymongo import AsyncMongoClient

                client: AsyncMongoClient[Any] = AsyncMongoClient(self.uri)
                database = client[self.database.name]
                self.pymongo_database = database
            self._pymongo_collection = database[self.collection.name]
        return self._pymongo_collection


def uri_of_pymongo_database(database: Any) -> str:
    """Return the connection string a pymongo (async or sync) database's client was created with."""
    client = database.client
    init_kwargs = getattr(client, "_init_kwargs", None) or {}
    host = init_kwargs.get("host")
    port = init_kwargs.get("port") or 27017
    if isinstance(host, (list, tuple)):
        host = host[0] if host else None
    if not host:
        host = "localhost"
    if "://" in host:
        return str(host)
    return f"mongodb://{host}:{port}"
