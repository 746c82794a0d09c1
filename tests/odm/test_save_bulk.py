"""``doc.save(bulk_writer=...)`` queues the upsert in the bulk writer, as Beanie's; a stale
revision then fails the bulk with a ``BulkWriteError``."""

from __future__ import annotations

import pymongo
import pytest
from data_bridge import BulkWriter, Document, init
from pymongo.errors import BulkWriteError


class Counter(Document):
    n: int

    class Settings:
        name = "save_bulk_counters"
        use_revision = True


@pytest.fixture
async def model(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Counter])
    raw[Counter.get_collection_name()].delete_many({})


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    return pymongo_client[db_name]


async def test_save_is_queued_in_the_bulk_writer(
    model: None, raw: pymongo.database.Database
) -> None:
    doc = await Counter(n=1).insert()
    stored = raw[Counter.get_collection_name()]

    async with BulkWriter() as bulk_writer:
        doc.n = 2
        await doc.save(bulk_writer=bulk_writer)
        new = Counter(n=10)
        await new.save(bulk_writer=bulk_writer)
        assert stored.find_one({"_id": doc.id})["n"] == 1  # not written before the commit

    assert stored.find_one({"_id": doc.id})["n"] == 2
    assert stored.find_one({"_id": new.id})["n"] == 10
    found = await Counter.get(doc.id)
    assert found is not None
    found.n = 3
    async with BulkWriter() as bulk_writer:
        await found.save(bulk_writer=bulk_writer)  # the revision it loaded: accepted
    assert stored.find_one({"_id": doc.id})["n"] == 3

    stale = await Counter.get(doc.id)
    assert stale is not None
    stale.revision_id = "wrong"  # type: ignore[assignment]
    stale.n = 4
    with pytest.raises(BulkWriteError):
        async with BulkWriter() as bulk_writer:
            await stale.save(bulk_writer=bulk_writer)
    assert stored.find_one({"_id": doc.id})["n"] == 3
