"""``doc.update(...)`` on an ``extra="allow"`` model reloads its extras too, as Beanie."""

from __future__ import annotations

import pymongo
import pytest
from data_bridge import Document, init
from pydantic import ConfigDict


class Open(Document):
    model_config = ConfigDict(extra="allow")

    name: str = "n"

    class Settings:
        name = "update_extras_open"


@pytest.fixture
async def model(mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Open])
    pymongo_client[db_name][Open.get_collection_name()].delete_many({})


async def test_update_sets_an_extra_field_locally(model: None) -> None:
    doc = await Open().insert()

    await doc.update({"$set": {"my_extra_field": 12345, "name": "m"}})

    assert doc.my_extra_field == 12345
    assert doc.name == "m"
    assert doc.model_extra == {"my_extra_field": 12345}
    found = await Open.get(doc.id)
    assert found is not None
    assert found.model_extra == {"my_extra_field": 12345}
