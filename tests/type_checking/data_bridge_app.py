"""What data-bridge adds to a Beanie-style app: the blocking API, Arrow exports, field helpers.

Checked by ``test_typing.py`` with mypy (strict) and pyright, never run. ``assert_type`` pins
what each call returns; the blocking API must not look like the async one (no coroutines).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
from data_bridge import Document, expr, sync
from data_bridge.odm.expressions import ArrayExpression, TextExpression
from data_bridge.operators import And, Inc, Set
from pydantic import BaseModel, Field
from typing_extensions import assert_type


class Address(BaseModel):
    city: str
    zip: str


class Item(sync.Document):
    name: str
    qty: int = 0
    tags: list[str] = Field(default_factory=list)
    address: Address

    class Settings:
        name = "items"


class Order(Document):
    sku: str
    total: float = 0.0


class ItemName(BaseModel):
    name: str


class QtyCount(BaseModel):
    qty: int
    n: int


def blocking(uri: str) -> None:
    sync.init(connection_string=uri, document_models=[Item])

    item = Item(name="pen", qty=2, address=Address(city="Berlin", zip="10115")).insert()
    assert_type(item, Item)
    assert_type(item.save(), Item)
    assert_type(Item.get(item.id), Item | None)
    assert_type(Item.find_one(Item.name == "pen").run(), Item | None)
    pens = Item.find(Item.qty > 1).sort(-Item.qty).limit(5)
    assert_type(pens.to_list(), list[Item])
    assert_type(pens.first_or_none(), Item | None)
    assert_type(pens.count(), int)
    assert_type(Item.find_many(Item.qty > 1).to_list(), list[Item])
    assert_type(Item.find_all().to_list(), list[Item])
    assert_type(Item.all().to_list(), list[Item])
    assert_type(Item.count(), int)
    assert_type(Item.find().project(ItemName).to_list(), list[ItemName])
    assert_type(Item.find_one(Item.qty > 1).project(ItemName).run(), ItemName | None)
    for each in Item.find(Item.address.city == "Berlin"):
        assert_type(each, Item)
    Item.find(Item.qty < 1).update(Inc({Item.qty: 1})).run()
    Item.find_one(Item.name == "pen").update(Set({Item.qty: 3})).run()
    Item.find(Item.qty > 99).delete().run()
    counts = Item.aggregate(
        [{"$group": {"_id": "$qty", "n": {"$sum": 1}}}, {"$project": {"qty": "$_id", "n": 1}}],
        projection_model=QtyCount,
    ).to_list()
    assert_type(counts, list[QtyCount])
    assert_type(Item.find().aggregate([{"$count": "n"}]).to_list(), list[dict[str, Any]])

    # Arrow exports.
    assert_type(Item.find(Item.qty > 0).to_arrow(), pa.Table)
    assert_type(Item.find().to_pandas(columns=["name", "qty"]), pd.DataFrame)
    assert_type(Item.find().to_polars(), pl.DataFrame)
    assert_type(Item.find().to_numpy("qty"), np.ndarray[Any, Any])


async def analytics() -> None:
    orders = Order.find(Order.total > 10)
    assert_type(await orders.to_arrow(), pa.Table)
    assert_type(await orders.to_pandas(), pd.DataFrame)
    assert_type(await orders.to_polars(), pl.DataFrame)


def helpers() -> None:
    # Typed by the field's type: string helpers on str fields, array helpers on list fields.
    name = expr(Item.name)
    assert_type(name, TextExpression)
    tags = expr(Item.tags)
    assert_type(tags, ArrayExpression[str])
    city = expr(Item.address.city)
    query = (
        city.startswith("Ber")
        & name.icontains("pen")
        & (tags.contains("office") | tags.contains_any(["home", "school"]))
        & ~expr(Item.qty).between(10, 20)
        & tags.size(2)
    )
    assert_type(query, And)
    assert_type(Item.find(query, expr(Item.qty).is_in([1, 2])).to_list(), list[Item])
