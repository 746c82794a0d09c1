"""A ``Link`` field validates from the linked document's id, as Beanie's (a FastAPI JSON body
sends ``"windows": ["<hex id>"]``)."""

from __future__ import annotations

import pymongo
import pytest
from bson import DBRef
from data_bridge import Document, Link, init
from pydantic import ValidationError


class Pane(Document):
    x: int

    class Settings:
        name = "link_id_panes"


class Frame(Document):
    panes: list[Link[Pane]]
    main: Link[Pane] | None = None

    class Settings:
        name = "link_id_frames"


@pytest.fixture
async def models(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Pane, Frame])
    for model in (Pane, Frame):
        raw[model.get_collection_name()].delete_many({})


async def test_link_fields_take_ids(models: None, raw: pymongo.database.Database) -> None:
    pane = await Pane(x=1).insert()

    frame = Frame.model_validate({"panes": [str(pane.id)], "main": pane.id})
    await frame.insert()

    stored = raw[Frame.get_collection_name()].find_one({"_id": frame.id})
    assert stored is not None
    assert stored["panes"] == [DBRef("link_id_panes", pane.id)]
    assert stored["main"] == DBRef("link_id_panes", pane.id)
    fetched = await Frame.get(frame.id, fetch_links=True)
    assert fetched is not None
    assert [p.x for p in fetched.panes] == [1]

    with pytest.raises(ValidationError, match="or the linked document's id, got str"):
        Frame.model_validate({"panes": ["not an id"]})


async def test_a_new_linked_document_without_write_rule_is_refused(models: None) -> None:
    from data_bridge import WriteRules
    from data_bridge.exceptions import DocumentWasNotSaved

    frame = Frame(panes=[Pane(x=2)])
    with pytest.raises(DocumentWasNotSaved, match=r"Frame\.panes: the linked Pane has no id"):
        await frame.insert()
    with pytest.raises(DocumentWasNotSaved):
        await Frame.insert_many([Frame(panes=[Pane(x=3)])])
    assert await Frame.count() == 0

    await frame.insert(link_rule=WriteRules.WRITE)
    assert await Pane.count() == 1
