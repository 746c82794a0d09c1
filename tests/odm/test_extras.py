"""``extra="allow"`` models load the stored keys outside the model into their extras, as in Beanie.

Documents are stored with pymongo with keys the model does not declare (scalars, sub-documents,
arrays, BSON-only types), at the top level and inside embedded models; every read path must give
the same extras pydantic gives when it validates the stored document, and writes must keep them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import data_bridge.sync
import pymongo
import pytest
from bson import Decimal128, ObjectId
from data_bridge import Document, init
from data_bridge.odm import model_shapes
from pydantic import BaseModel, ConfigDict, Field


class Tag(BaseModel):
    model_config = ConfigDict(extra="allow")

    label: str


class Closed(BaseModel):
    label: str


class Loose(Document):
    model_config = ConfigDict(extra="allow")

    name: str
    tag: Tag | None = None
    tags: list[Tag] = Field(default_factory=list)
    closed: Closed | None = None

    class Settings:
        name = "extras_loose"


class SyncLoose(data_bridge.sync.Document):
    model_config = ConfigDict(extra="allow")

    name: str

    class Settings:
        name = "extras_sync"


WHEN = dt.datetime(2025, 1, 2, 3, 4, 5)
STORED: dict[str, Any] = {
    "name": "a",
    "color": "red",
    "size": 3,
    "when": WHEN,
    "price": Decimal128("1.5"),
    "meta": {"k": [1, {"z": None}]},
    "tag": {"label": "t", "weight": 2.5},
    "tags": [{"label": "u", "rank": 1}, {"label": "v"}],
    "closed": {"label": "c", "hidden": True},
}


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    return pymongo_client[db_name]


@pytest.fixture
async def stored(raw: pymongo.database.Database, db_name: str, mongodb_uri: str) -> ObjectId:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Loose])
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncLoose]
    )
    raw.extras_loose.delete_many({})
    return raw.extras_loose.insert_one(dict(STORED)).inserted_id


def _expected(raw: pymongo.database.Database, oid: ObjectId) -> Loose:
    """What pydantic gives for the stored document (the oracle)."""
    # BSON-only types (Decimal128) stay as stored in extras, as pydantic keeps them.
    return Loose.model_validate(raw.extras_loose.find_one({"_id": oid}))


def _check(doc: Loose, expected: Loose) -> None:
    assert doc.model_extra == expected.model_extra
    assert doc.model_extra == {
        "color": "red",
        "size": 3,
        "when": WHEN,
        "price": Decimal128("1.5"),
        "meta": {"k": [1, {"z": None}]},
    }
    assert doc.color == "red"  # type: ignore[attr-defined]
    assert doc.tag is not None
    assert doc.tag.model_extra == {"weight": 2.5}
    assert [t.model_extra for t in doc.tags] == [{"rank": 1}, {}]
    assert doc.closed is not None
    assert doc.closed.model_extra is None
    assert doc.model_dump() == expected.model_dump()
    assert doc == expected


@pytest.mark.parametrize("engine_built", [True, False], ids=["engine-built", "validated"])
async def test_every_read_path_loads_the_extras(
    stored: ObjectId, raw: pymongo.database.Database, engine_built: bool
) -> None:
    expected = _expected(raw, stored)
    model_shapes.ENABLED = engine_built
    try:
        _check((await Loose.find_all().to_list())[0], expected)
        _check(await Loose.get(stored), expected)  # type: ignore[arg-type]
        _check(await Loose.find_one(Loose.name == "a"), expected)  # type: ignore[arg-type]
        async for doc in Loose.find_all():
            _check(doc, expected)
        updated = await Loose.find_one(Loose.name == "a").update(
            {"$set": {"size": 3}}, response_type=data_bridge.UpdateResponse.NEW_DOCUMENT
        )
        _check(updated, expected)
    finally:
        model_shapes.ENABLED = True


async def test_the_sync_api_loads_the_extras(
    stored: ObjectId, raw: pymongo.database.Database
) -> None:
    raw.extras_sync.delete_many({})
    raw.extras_sync.insert_one({"name": "s", "other": [1, 2]})
    doc = SyncLoose.find_one(SyncLoose.name == "s").run()
    assert doc is not None
    assert doc.model_extra == {"other": [1, 2]}


async def test_arrow_exports_hold_the_model_fields_only(stored: ObjectId) -> None:
    table = await Loose.find_all().to_arrow()
    assert "__extra__" not in table.column_names
    assert table.column("tag").type.names == ["label"]
    assert table.num_rows == 1


async def test_saving_keeps_and_writes_extras(
    stored: ObjectId, raw: pymongo.database.Database
) -> None:
    doc = await Loose.get(stored)
    assert doc is not None
    doc.name = "b"
    await doc.save_changes()
    after = raw.extras_loose.find_one({"_id": stored})
    assert after["name"] == "b"
    assert after["color"] == "red"
    assert after["tag"] == {"label": "t", "weight": 2.5}
    doc.flavour = "mint"  # type: ignore[attr-defined]
    await doc.save()
    after = raw.extras_loose.find_one({"_id": stored})
    assert after["flavour"] == "mint"
    assert after["meta"] == {"k": [1, {"z": None}]}
    reloaded = await Loose.get(stored)
    assert reloaded is not None
    assert reloaded.model_extra is not None
    assert reloaded.model_extra["flavour"] == "mint"


async def test_a_model_without_extras_allowed_ignores_unknown_keys(
    stored: ObjectId, raw: pymongo.database.Database
) -> None:
    doc = await Loose.get(stored)
    assert doc is not None
    assert doc.closed is not None
    assert not hasattr(doc.closed, "hidden")
    # Validation of the stored document agrees.
    assert Closed.model_validate({"label": "c", "hidden": True}).model_extra is None
