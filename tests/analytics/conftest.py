"""Analytics fixtures: the reference-shape collection, seeded with pymongo (the oracle).

Every test that runs a query takes ``api`` and runs once through the blocking API
(``data_bridge.connect``) and once through the awaitable one (``data_bridge.connect_async``).
"""

from __future__ import annotations

import datetime
import inspect
import random
from typing import Any

import data_bridge
import pymongo
import pytest
from bson import ObjectId

N_DOCS = 3000
BATCH = 250


def reference_docs(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Documents of the benchmark shape, with deterministic values and ascending ObjectIds."""
    rng = random.Random(seed)
    start = datetime.datetime(2024, 1, 1)
    cities = ["Paris", "Lyon", "Oslo", "Lima", "Kyiv"]
    docs = []
    for i in range(n):
        docs.append(
            {
                "_id": ObjectId(),
                "name": f"user{i}",
                "email": f"user{i}@example.com",
                "age": rng.randint(18, 90),
                "score": rng.random() * 100,
                "active": i % 3 != 0,
                "created": start + datetime.timedelta(minutes=i),
                "tags": [f"t{i % 7}", f"t{i % 11}"],
                "address": {"city": cities[i % 5], "zip": f"{10000 + i % 977}"},
            }
        )
    return docs


async def resolve(value: Any) -> Any:
    """Await ``value`` if the async API returned an awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value


@pytest.fixture(scope="module")
def raw_db(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    """The module's database through plain pymongo (the oracle)."""
    return pymongo_client[db_name]


@pytest.fixture(scope="module")
def people(raw_db: pymongo.database.Database) -> list[dict[str, Any]]:
    """The seeded ``people`` collection's documents, in ``_id`` order."""
    docs = reference_docs(N_DOCS)
    raw_db.people.drop()
    raw_db.people.insert_many(docs)
    return docs


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, mongodb_uri: str) -> Any:
    """A blocking or an awaitable analytics client."""
    if request.param == "sync":
        return data_bridge.connect(mongodb_uri)
    return data_bridge.connect_async(mongodb_uri)


@pytest.fixture
def sync_client(mongodb_uri: str) -> Any:
    """A blocking analytics client (for protocol tests, which are synchronous anyway)."""
    return data_bridge.connect(mongodb_uri)
