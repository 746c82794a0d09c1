"""Events of documents written by a cascade (``link_rule=WriteRules.WRITE``), as in Beanie.

The linked documents a cascade writes are saved: their ``Save`` events fire, their ``Insert``
events do not (those belong to an explicit ``insert()``), whether they were new or stored.
"""

from __future__ import annotations

from typing import ClassVar

import pymongo
import pytest
from data_bridge import (
    Document,
    Insert,
    Link,
    Save,
    WriteRules,
    after_event,
    before_event,
    init,
)


class Wheel(Document):
    size: int
    seen: ClassVar[list[str]] = []

    @before_event(Insert)
    def before_insert(self) -> None:
        self.seen.append(f"before insert {self.size}")

    @after_event(Insert)
    def after_insert(self) -> None:
        self.seen.append(f"after insert {self.size}")

    @before_event(Save)
    def before_save(self) -> None:
        self.seen.append(f"before save {self.size}")

    @after_event(Save)
    def after_save(self) -> None:
        self.seen.append(f"after save {self.size}")

    class Settings:
        name = "cascade_events_wheels"


class Cart(Document):
    wheels: list[Link[Wheel]]
    inserted: ClassVar[int] = 0

    @after_event(Insert)
    def count_insert(self) -> None:
        type(self).inserted += 1

    class Settings:
        name = "cascade_events_carts"


@pytest.fixture
async def models(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Wheel, Cart])
    for model in (Wheel, Cart):
        raw[model.get_collection_name()].delete_many({})
    Wheel.seen.clear()
    Cart.inserted = 0


async def test_cascade_fires_save_not_insert(models: None, raw: pymongo.database.Database) -> None:
    stored = await Wheel(size=1).insert()
    assert Wheel.seen == ["before insert 1", "after insert 1"]
    Wheel.seen.clear()

    cart = Cart(wheels=[stored, Wheel(size=2)])
    await cart.insert(link_rule=WriteRules.WRITE)

    assert sorted(Wheel.seen) == sorted(
        ["before save 1", "after save 1", "before save 2", "after save 2"]
    )
    assert Cart.inserted == 1
    assert raw[Wheel.get_collection_name()].count_documents({}) == 2
    assert all(wheel.id is not None for wheel in cart.wheels)  # type: ignore[union-attr]
