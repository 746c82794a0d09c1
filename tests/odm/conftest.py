"""ODM fixtures: every test runs once through the async API and once through the sync one."""

from types import SimpleNamespace

import data_bridge
import data_bridge.sync
import pymongo
import pytest

from .models import build


@pytest.fixture(scope="module", params=["async", "sync"])
async def family(request: pytest.FixtureRequest, mongodb_uri: str, db_name: str) -> SimpleNamespace:
    """The test models of one flavour, initialised on this module's database."""
    flavour = request.param
    if flavour == "async":
        models = build(data_bridge.Document, "a")
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=models.all
        )
    else:
        models = build(data_bridge.sync.Document, "s")
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=models.all
        )
    models.flavour = flavour
    return models


@pytest.fixture
def m(
    family: SimpleNamespace, pymongo_client: pymongo.MongoClient, db_name: str
) -> SimpleNamespace:
    """``family`` with every collection emptied first."""
    database = pymongo_client[db_name]
    for model in family.all:
        database[model.get_collection_name()].delete_many({})
    return family


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    """The module's database through plain pymongo (the oracle)."""
    return pymongo_client[db_name]
