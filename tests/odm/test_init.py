"""init / init_beanie: every way Beanie applications bind their models."""

import data_bridge
import pytest
from data_bridge import Document, init, init_beanie
from data_bridge.errors import CollectionWasNotInitialized
from pymongo import AsyncMongoClient


class Note(Document):
    text: str

    class Settings:
        name = "notes"


class Orphan(Document):
    text: str


async def test_init_with_a_pymongo_async_database_and_dotted_paths(mongodb_uri, db_name):
    client: AsyncMongoClient = AsyncMongoClient(mongodb_uri)
    try:
        await init_beanie(database=client[db_name], document_models=[f"{__name__}.Note"])
        note = await Note(text="hi").insert()
        collection = Note.get_pymongo_collection()
        assert collection.name == "notes"
        assert collection.database.name == db_name
        assert (await collection.find_one({"_id": note.id}))["text"] == "hi"
        assert (await Note.get(note.id)).text == "hi"
    finally:
        await client.close()


async def test_init_with_a_connection_string_and_database_name(mongodb_uri, db_name):
    await init(connection_string=mongodb_uri, database=db_name, document_models=[Note])
    await Note(text="again").insert()
    assert await Note.find(Note.text == "again").count() == 1
    pymongo_collection = Note.get_pymongo_collection()
    assert await pymongo_collection.count_documents({"text": "again"}) == 1
    await pymongo_collection.database.client.close()


async def test_uninitialised_models_say_so():
    with pytest.raises(CollectionWasNotInitialized, match="Orphan"):
        await Orphan(text="x").insert()


async def test_init_needs_somewhere_to_connect():
    with pytest.raises(ValueError, match="database= or connection_string="):
        await init(document_models=[Note])


def test_public_names_are_exported():
    for name in (
        "Document",
        "init",
        "init_beanie",
        "PydanticObjectId",
        "Indexed",
        "BulkWriter",
        "before_event",
        "after_event",
        "UpdateResponse",
        "DecimalAnnotation",
    ):
        assert name in data_bridge.__all__
        assert hasattr(data_bridge, name)
