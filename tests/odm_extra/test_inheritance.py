"""Inheritance (``is_root``) and ``UnionDoc``: many classes in one collection, over the wire."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest

from tests.odm.helpers import run


def _build(flavour: str) -> SimpleNamespace:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document
    union_base: Any = data_bridge.UnionDoc if flavour == "async" else data_bridge.sync.UnionDoc

    class Vehicle(base):
        color: str

        class Settings:
            is_root = True
            name = f"vehicles_{flavour}"

    class Car(Vehicle):
        doors: int = 4

    class Bus(Car):
        seats: int = 40

    class Bike(Vehicle):
        gears: int = 21

    class Pets(union_base):
        class Settings:
            name = f"pets_{flavour}"

    class Cat(base):
        lives: int = 9

        class Settings:
            union_doc = Pets

    class Dog(base):
        name: str

        class Settings:
            union_doc = Pets
            union_doc_alias = "dog"

    return SimpleNamespace(
        Vehicle=Vehicle, Car=Car, Bus=Bus, Bike=Bike, Pets=Pets, Cat=Cat, Dog=Dog
    )


@pytest.fixture(scope="module")
async def models(flavour: str, mongodb_uri: str, db_name: str) -> SimpleNamespace:
    m = _build(flavour)
    models = [m.Vehicle, m.Car, m.Bus, m.Bike, m.Pets, m.Cat, m.Dog]
    if flavour == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=models
        )
    else:
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=models
        )
    return m


@pytest.fixture
async def fleet(models: SimpleNamespace, raw: pymongo.database.Database) -> SimpleNamespace:
    """One grey Vehicle, a red Car, a red Bus and a red Bike (inserted one way each)."""
    raw[models.Vehicle.get_collection_name()].delete_many({})
    m = models
    await run(m.Vehicle(color="grey").insert())
    await run(m.Car(color="red", doors=2).insert())
    await run(m.Bus(color="red").save())
    await run(m.Bike.insert_many([m.Bike(color="red", gears=3)]))
    return m


async def test_subclasses_share_the_root_collection(
    fleet: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    m = fleet
    names = {m.Car.get_collection_name(), m.Bus.get_collection_name(), m.Bike.get_collection_name()}
    assert names == {m.Vehicle.get_collection_name()}
    stored = {d["_class_id"] for d in raw[m.Vehicle.get_collection_name()].find()}
    assert stored == {"Vehicle", "Vehicle.Car", "Vehicle.Car.Bus", "Vehicle.Bike"}


async def test_with_children_returns_each_row_as_its_own_class(fleet: SimpleNamespace) -> None:
    m = fleet
    found = await run(m.Vehicle.find(m.Vehicle.color == "red", with_children=True).to_list())
    found.sort(key=lambda d: type(d).__name__)
    assert [type(d) for d in found] == [m.Bike, m.Bus, m.Car]
    bike, bus, car = found
    assert (car.doors, bus.seats, bus.doors, bike.gears) == (2, 40, 4, 3)
    assert all(d.color == "red" for d in found)
    assert bus.model_dump(exclude={"id", "revision_id"}) == {
        "color": "red",
        "doors": 4,
        "seats": 40,
    }


async def test_without_children_a_class_sees_only_its_own(fleet: SimpleNamespace) -> None:
    m = fleet
    assert [type(d) for d in await run(m.Vehicle.find_all().to_list())] == [m.Vehicle]
    assert [d.doors for d in await run(m.Car.find_all().to_list())] == [2]
    assert await run(m.Bike.count()) == 1
    cars = await run(m.Car.find_all(with_children=True).to_list())
    assert sorted(type(d).__name__ for d in cars) == ["Bus", "Car"]


async def test_get_and_find_one_decode_the_stored_class(fleet: SimpleNamespace) -> None:
    m = fleet
    bus = await run(m.Vehicle.find_one(m.Bus.seats == 40, with_children=True))
    assert type(bus) is m.Bus
    assert await run(m.Car.get(bus.id)) is None  # a Bus is not exactly a Car
    again = await run(m.Car.get(bus.id, with_children=True))
    assert type(again) is m.Bus
    assert again.seats == 40


async def test_updates_and_deletes_stay_within_the_class(
    fleet: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    m = fleet
    from data_bridge.odm.operators.update.general import Set

    await run(m.Car.find_all(with_children=True).update(Set({"color": "blue"})))
    colors = {d["_class_id"]: d["color"] for d in raw[m.Vehicle.get_collection_name()].find()}
    assert colors == {
        "Vehicle": "grey",
        "Vehicle.Car": "blue",
        "Vehicle.Car.Bus": "blue",
        "Vehicle.Bike": "red",
    }
    await run(m.Bike.delete_all())
    assert raw[m.Vehicle.get_collection_name()].count_documents({}) == 3


async def test_union_doc_returns_members_as_their_classes(
    models: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    m = models
    raw[m.Pets.get_collection_name()].delete_many({})
    await run(m.Cat(lives=7).insert())
    await run(m.Dog(name="Rex").insert())
    stored = sorted(d["_class_id"] for d in raw[m.Pets.get_collection_name()].find())
    assert stored == ["Cat", "dog"]
    pets = await run(m.Pets.find_all().to_list())
    pets.sort(key=lambda p: type(p).__name__)
    assert [type(p) for p in pets] == [m.Cat, m.Dog]
    assert (pets[0].lives, pets[1].name) == (7, "Rex")
    assert [d.name for d in await run(m.Dog.find_all().to_list())] == ["Rex"]
    assert await run(m.Cat.count()) == 1
