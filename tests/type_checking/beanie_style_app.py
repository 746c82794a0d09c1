"""A Beanie-style async app: the code a Beanie user writes, with ``data_bridge`` imports.

The typing test (``test_typing.py``) checks it with mypy (strict) and pyright, and checks the
very same text with ``beanie`` in place of ``data_bridge`` to compare with Beanie's own types.
``assert_type`` pins what each call returns. It is type-checked, never run.
"""

from __future__ import annotations

from typing import Any

from data_bridge import Document, Link, PydanticObjectId, init_beanie
from data_bridge.operators import GT, In, Inc, Set
from pydantic import BaseModel, Field
from typing_extensions import assert_type


class Address(BaseModel):
    city: str
    zip: str


class Team(Document):
    name: str

    class Settings:
        name = "teams"


class User(Document):
    name: str
    age: int = 0
    tags: list[str] = Field(default_factory=list)
    address: Address
    team: Link[Team] | None = None

    class Settings:
        name = "users"


class UserName(BaseModel):
    name: str


class AgeCount(BaseModel):
    age: int
    n: int


async def app(uri: str) -> None:
    await init_beanie(connection_string=uri, document_models=[Team, User])

    # Inserts and instance updates.
    team = await Team(name="core").insert()
    assert_type(team, Team)
    user = User(name="Ada", age=36, address=Address(city="Berlin", zip="10115"))
    await user.insert()
    user_id: PydanticObjectId | None = user.id
    await user.set({User.age: 37})
    await user.inc({User.age: 1})
    await user.save()
    await User.insert_many([User(name="Bob", address=Address(city="Paris", zip="75001"))])

    # Reads.
    assert_type(await User.get(user_id), User | None)
    assert_type(await User.find_one(User.name == "Ada"), User | None)
    adults = await User.find(User.age > 18).to_list()
    assert_type(adults, list[User])
    assert_type(await User.find_many(User.age > 18).to_list(), list[User])
    assert_type(await User.find_all().to_list(), list[User])
    assert_type(await User.all().to_list(), list[User])
    berliners = User.find(User.address.city == "Berlin", GT(User.age, 3))
    assert_type(await berliners.sort(-User.age).skip(1).limit(10).to_list(), list[User])
    assert_type(await berliners.first_or_none(), User | None)
    assert_type(await berliners.count(), int)
    assert_type(await berliners.exists(), bool)
    async for each in User.find(In(User.name, ["Ada", "Bob"])):
        assert_type(each, User)
    assert_type(await User.count(), int)
    assert_type(await User.find(User.age > 1).project(UserName).to_list(), list[UserName])
    assert_type(await User.find_one(User.name == "Ada").project(UserName), UserName | None)

    # Links.
    linked = await User.find(User.name == "Ada", fetch_links=True).to_list()
    assert_type(linked, list[User])
    await user.fetch_all_links()

    # Query updates and deletes.
    await User.find(User.age < 18).update(Inc({User.age: 1}))
    await User.find_one(User.name == "Bob").update(Set({User.age: 20}))
    await User.find(User.age > 99).delete()

    # Aggregations.
    groups = await User.aggregate(
        [{"$group": {"_id": "$age", "n": {"$sum": 1}}}, {"$project": {"age": "$_id", "n": 1}}],
        projection_model=AgeCount,
    ).to_list()
    assert_type(groups, list[AgeCount])
    raw = await User.find(User.age > 1).aggregate([{"$count": "n"}]).to_list()
    assert_type(raw, list[dict[str, Any]])

    await user.delete()
