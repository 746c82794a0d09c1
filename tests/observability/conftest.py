"""Observability fixtures: a small indexed collection, models on it, and a clean log state."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge.observability import querylog

PEOPLE = 200


@pytest.fixture(autouse=True)
def logging_off() -> Iterator[None]:
    """Every test starts and ends with query logging off and no slow operations recorded."""
    data_bridge.disable_query_logging()
    data_bridge.slow_operations(clear=True)
    yield
    data_bridge.disable_query_logging()
    data_bridge.slow_operations(clear=True)
    querylog.settings.show_values = False


@pytest.fixture(scope="module")
def people(pymongo_client: pymongo.MongoClient, db_name: str) -> str:
    """Collection ``people``: ``PEOPLE`` documents, an index on ``age`` only; its name."""
    collection = pymongo_client[db_name]["people"]
    collection.drop()
    collection.insert_many(
        [{"name": f"n{i:03}", "age": i % 40, "city": f"c{i % 5}"} for i in range(PEOPLE)]
    )
    collection.create_index([("age", 1)])
    return "people"


def _models(base: type, prefix: str) -> SimpleNamespace:
    class Person(base):  # type: ignore[misc, valid-type]
        name: str
        age: int = 0
        city: str = ""

        class Settings:
            name = "people"

    Person.__name__ = f"{prefix}Person"
    return SimpleNamespace(Person=Person)


@pytest.fixture(scope="module", params=["async", "sync"])
async def family(
    request: pytest.FixtureRequest, mongodb_uri: str, db_name: str, people: str
) -> SimpleNamespace:
    """A ``Person`` model on ``people``, once per API flavour."""
    if request.param == "async":
        models = _models(data_bridge.Document, "A")
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[models.Person]
        )
    else:
        models = _models(data_bridge.sync.Document, "S")
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=[models.Person]
        )
    models.flavour = request.param
    return models


async def run(flavour: str, value: object) -> object:
    """Await ``value`` for the async flavour; the sync flavour already ran it."""
    if flavour == "async":
        return await value  # type: ignore[misc]
    return value
