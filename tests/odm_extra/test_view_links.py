"""Links in a ``View``: ``fetch_links=True`` on its queries and ``fetch_all_links()`` on a row."""

from __future__ import annotations

import pymongo
import pytest
from data_bridge import Document, Link, View, init


class Owner(Document):
    name: str

    class Settings:
        name = "view_links_owners"


class Pet(Document):
    owner: Link[Owner]
    n: int

    class Settings:
        name = "view_links_pets"


class PetView(View):
    owner: Link[Owner]
    n: int

    class Settings:
        view_name = "view_links_pet_view"
        source = Pet
        pipeline = [{"$set": {"n": {"$multiply": ["$n", 10]}}}]  # noqa: RUF012


@pytest.fixture
async def pets(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    for model in (Owner, Pet):
        raw[model.get_collection_name()].delete_many({})
    await init(
        database=db_name,
        connection_string=mongodb_uri,
        document_models=[Owner, Pet, PetView],
        recreate_views=True,
    )
    for i in range(3):
        await Pet(owner=await Owner(name=f"o{i}").insert(), n=i).insert()


async def test_view_queries_fetch_links(pets: None) -> None:
    rows = await PetView.find(fetch_links=True).sort(PetView.n).to_list()
    one = await PetView.find_one(PetView.n == 20, fetch_links=True)

    assert [(row.n, row.owner.name) for row in rows] == [(0, "o0"), (10, "o1"), (20, "o2")]
    assert one is not None
    assert isinstance(one.owner, Owner)
    assert one.owner.name == "o2"


async def test_view_row_fetch_all_links(pets: None) -> None:
    rows = await PetView.find_all().sort(PetView.n).to_list()
    assert all(isinstance(row.owner, Link) for row in rows)

    for row in rows:
        await row.fetch_all_links()

    assert [row.owner.name for row in rows] == ["o0", "o1", "o2"]
