"""A ``BackLink`` field needs no value: left out, it holds a placeholder, as in Beanie.

Back links are never stored, so ``Target()`` must be valid although ``back: BackLink[Source]``
has no default; the placeholder is ``BackLink(Source)`` (a list of one for a list of back
links), and ``fetch_links=True`` replaces it with the linking documents.
"""

from __future__ import annotations

import pymongo
import pytest
from data_bridge import BackLink, DeleteRules, Document, Link, MergeStrategy, WriteRules, init
from pydantic import Field


class Target(Document):
    back: BackLink[Source] = Field(json_schema_extra={"original_field": "link"})
    s: str = "t"

    class Settings:
        name = "back_placeholder_targets"


class ListTarget(Document):
    back: list[BackLink[ListSource]] = Field(json_schema_extra={"original_field": "links"})

    class Settings:
        name = "back_placeholder_list_targets"


class Source(Document):
    link: Link[Target]
    note: str = ""

    class Settings:
        name = "back_placeholder_sources"


class ListSource(Document):
    links: list[Link[ListTarget]]

    class Settings:
        name = "back_placeholder_list_sources"


MODELS = [Target, ListTarget, Source, ListSource]


@pytest.fixture
async def models(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=MODELS)
    for model in MODELS:
        raw[model.get_collection_name()].delete_many({})


async def test_left_out_back_links_hold_placeholders(
    models: None, raw: pymongo.database.Database
) -> None:
    target, list_target = Target(), ListTarget()

    assert isinstance(target.back, BackLink)
    assert target.back.document_class is Source
    assert [type(b) for b in list_target.back] == [BackLink]
    assert list_target.back[0].document_class is ListSource

    await target.insert()
    await list_target.insert()
    stored = raw[Target.get_collection_name()].find_one({"_id": target.id})
    assert stored is not None
    assert "back" not in stored or stored["back"] is None  # never stored
    await Source(link=target).insert()
    await ListSource(links=[list_target]).insert()

    # Read back without fetching: back links are never stored, so never required on read.
    plain, plain_list = await Target.get(target.id), await ListTarget.get(list_target.id)
    assert plain is not None
    assert plain_list is not None

    fetched = await Target.get(target.id, fetch_links=True)
    fetched_list = await ListTarget.get(list_target.id, fetch_links=True)

    assert fetched is not None
    assert isinstance(fetched.back, Source)
    assert fetched_list is not None
    assert [type(b) for b in fetched_list.back] == [ListSource]


def test_given_back_links_are_kept() -> None:
    assert Target(back=None).back is None


async def test_write_rule_saves_fetched_back_linked_documents(
    models: None, raw: pymongo.database.Database
) -> None:
    target = await Target().insert()
    source = await Source(link=target).insert()
    sources = raw[Source.get_collection_name()]

    fetched = await Target.get(target.id, fetch_links=True)
    assert fetched is not None
    fetched.back.note = "changed through the back link"
    await fetched.save()  # WriteRules.DO_NOTHING: the back-linked document is left alone
    assert sources.find_one({"_id": source.id})["note"] == ""
    await fetched.save(link_rule=WriteRules.WRITE)
    assert sources.find_one({"_id": source.id})["note"] == "changed through the back link"

    placeholder = Target()
    placeholder.back.note = "kept"  # an unfetched placeholder takes attributes, as Beanie's
    assert placeholder.back.note == "kept"


async def test_delete_links_deletes_fetched_back_linked_documents(models: None) -> None:
    kept_target = await Target().insert()
    kept = await Source(link=kept_target).insert()
    target = await Target().insert()
    source = await Source(link=target).insert()

    unfetched = await Target.get(kept_target.id)
    assert unfetched is not None
    await unfetched.delete(link_rule=DeleteRules.DELETE_LINKS)  # back link not fetched
    fetched = await Target.get(target.id, fetch_links=True)
    assert fetched is not None
    await fetched.delete(link_rule=DeleteRules.DELETE_LINKS)

    assert await Source.get(kept.id) is not None
    assert await Source.get(source.id) is None


async def test_sync_keeps_a_fetched_link_and_json_names_unfetched_back_links(
    models: None, raw: pymongo.database.Database
) -> None:
    # Beanie's FastAPI route: give a new document a new link, save(WRITE), sync(), return it
    target = Target(s="new")
    source = Source(link=Target(s="placeholder"), note="n")
    source.link = target
    await source.save(link_rule=WriteRules.WRITE)
    raw[Source.get_collection_name()].update_one({"_id": source.id}, {"$set": {"note": "m"}})
    await source.sync()

    assert source.note == "m"
    assert source.link is target  # a stored link never replaces the document held (Beanie)
    assert source.model_dump(mode="json")["link"] == {
        "id": str(target.id),
        "s": "new",
        "back": {"collection": Source.get_collection_name()},
    }
    assert source.get_changes() == {}  # the stored reference is the link held
    target.s = "local"
    raw[Source.get_collection_name()].update_one({"_id": source.id}, {"$set": {"note": "o"}})
    await source.sync(merge_strategy=MergeStrategy.local)
    assert (source.note, source.link.s) == ("o", "local")


async def test_back_links_dump_to_json_as_their_collection_fetched_or_not(models: None) -> None:
    target = await Target().insert()
    await Source(link=target).insert()
    list_target = await ListTarget().insert()
    await ListSource(links=[list_target]).insert()

    fetched = await Target.get(target.id, fetch_links=True)
    fetched_list = await ListTarget.get(list_target.id, fetch_links=True)
    assert fetched is not None
    assert fetched_list is not None
    assert isinstance(fetched.back, Source)

    # as Beanie: a back link is virtual, its JSON names the linking collection only
    assert fetched.model_dump(mode="json")["back"] == {"collection": Source.get_collection_name()}
    assert fetched_list.model_dump(mode="json")["back"] == [
        {"collection": ListSource.get_collection_name()}
    ]
    assert Target().model_dump(mode="json")["back"] == {"collection": Source.get_collection_name()}
