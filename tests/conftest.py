"""Fixtures shared by every test: one real server per session, a fresh database per module.

With ``MONGODB_URI`` set, tests run against that server (for example a real mongod); otherwise an
embedded SecantusDB server is started for the session. Nothing here mocks the database.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pymongo
import pytest
from data_bridge.embedded import EmbeddedServer


@pytest.fixture(scope="session")
def mongodb_uri() -> Iterator[str]:
    """URI of the server every test talks to."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    with EmbeddedServer() as server:
        yield server.uri


@pytest.fixture(scope="session")
def pymongo_client(mongodb_uri: str) -> Iterator[pymongo.MongoClient]:
    """An independent client, used by tests as an oracle and for cleanup."""
    client: pymongo.MongoClient = pymongo.MongoClient(mongodb_uri, serverSelectionTimeoutMS=10_000)
    yield client
    client.close()


@pytest.fixture(scope="module")
def db_name(request: pytest.FixtureRequest, pymongo_client: pymongo.MongoClient) -> Iterator[str]:
    """A database name unique to this test module, dropped when the module's tests finish."""
    module = re.sub(r"[^A-Za-z0-9]", "_", request.module.__name__.rsplit(".", 1)[-1])
    name = f"t_{module[:40]}_{uuid.uuid4().hex[:8]}"
    yield name
    pymongo_client.drop_database(name)
