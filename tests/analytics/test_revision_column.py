"""``revision_id`` is a frame column only when the model uses revisions (as in Beanie)."""

from __future__ import annotations

import uuid

import data_bridge
import data_bridge.sync
import pymongo
import pytest

from .conftest import resolve


@pytest.mark.parametrize("revisions", [False, True], ids=["plain", "use_revision"])
@pytest.mark.parametrize("flavour", ["async", "sync"])
async def test_revision_id_is_exported_only_with_use_revision(
    flavour: str,
    revisions: bool,
    mongodb_uri: str,
    db_name: str,
    raw_db: pymongo.database.Database,
) -> None:
    base = data_bridge.Document if flavour == "async" else data_bridge.sync.Document
    collection = f"things_{flavour}_{'rev' if revisions else 'plain'}"

    class Thing(base):  # type: ignore[valid-type,misc]
        name: str

        class Settings:
            name = collection
            use_revision = revisions

    if flavour == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Thing]
        )
    else:
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Thing]
        )
    raw_db[collection].delete_many({})
    inserted = [Thing(name="a"), Thing(name="b")]
    for thing in inserted:
        await resolve(thing.insert())
    # The oracle: what the server holds, whatever the ODM exports.
    stored = list(raw_db[collection].find({}, sort=[("_id", 1)]))
    assert ("revision_id" in stored[0]) is revisions

    expected = ["_id", "revision_id", "name"] if revisions else ["_id", "name"]
    table = await resolve(Thing.find_all().sort("_id").to_arrow())
    assert table.column_names == expected
    frame = await resolve(Thing.find_all().sort("_id").to_pandas())
    assert list(frame.columns) == expected
    if revisions:
        assert table.column("revision_id").null_count == 0

    loaded = await resolve(Thing.find_all().sort("_id").to_list())
    assert [t.name for t in loaded] == ["a", "b"]
    if revisions:
        assert [t.revision_id for t in loaded] == [t.revision_id for t in inserted]
        assert all(isinstance(t.revision_id, uuid.UUID) for t in loaded)
    else:
        assert [t.revision_id for t in loaded] == [None, None]
