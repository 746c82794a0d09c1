"""``DocumentWithSoftDelete``: delete marks, finds skip marked documents, hard_delete removes."""

from __future__ import annotations

from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest

from tests.odm.helpers import run


@pytest.fixture(scope="module")
async def Note(flavour: str, mongodb_uri: str, db_name: str) -> Any:
    base: Any = (
        data_bridge.DocumentWithSoftDelete
        if flavour == "async"
        else data_bridge.sync.DocumentWithSoftDelete
    )

    class Note(base):
        text: str

        class Settings:
            name = f"notes_{flavour}"

    if flavour == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Note]
        )
    else:
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Note]
        )
    return Note


@pytest.fixture
def notes(Note: Any, raw: pymongo.database.Database) -> pymongo.collection.Collection:
    collection = raw[Note.get_collection_name()]
    collection.delete_many({})
    return collection


async def test_delete_marks_and_finds_skip(
    Note: Any,
    notes: pymongo.collection.Collection,
) -> None:
    kept = await run(Note(text="kept").insert())
    gone = await run(Note(text="gone").insert())
    assert not gone.is_deleted()
    await run(gone.delete())
    assert gone.is_deleted()
    stored = notes.find_one({"_id": gone.id})
    assert stored is not None
    assert stored["deleted_at"] is not None
    assert [n.text for n in await run(Note.find_all().to_list())] == ["kept"]
    assert await run(Note.find_one(Note.text == "gone")) is None
    assert await run(Note.get(gone.id)) is None
    assert (await run(Note.get(kept.id))).text == "kept"
    assert await run(Note.count()) == 1
    everything = await run(Note.find_many_in_all().to_list())
    assert sorted(n.text for n in everything) == ["gone", "kept"]
    assert [n.is_deleted() for n in everything if n.text == "gone"] == [True]


async def test_hard_delete_removes(
    Note: Any,
    notes: pymongo.collection.Collection,
) -> None:
    note = await run(Note(text="x").insert())
    await run(note.delete())
    assert notes.count_documents({}) == 1
    result = await run(note.hard_delete())
    assert result.deleted_count == 1
    assert notes.count_documents({}) == 0
