"""Analytics on ODM queries and ``Model.insert_arrow`` (async and sync model flavours)."""

from __future__ import annotations

import datetime
import pickle
from types import SimpleNamespace

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pymongo
import pytest
from pydantic import BaseModel

from .conftest import N_DOCS, resolve


class Address(BaseModel):
    city: str
    zip: str


def _models(base: type, suffix: str) -> SimpleNamespace:
    class Person(base):  # type: ignore[valid-type,misc]
        name: str
        age: int
        score: float
        active: bool
        created: datetime.datetime
        tags: list[str]
        address: Address

        class Settings:
            name = "people"

    class Item(base):  # type: ignore[valid-type,misc]
        label: str
        qty: int
        note: str | None = None

        class Settings:
            name = f"items_{suffix}"

    class CityCount(BaseModel):
        city: str
        n: int

    return SimpleNamespace(Person=Person, Item=Item, CityCount=CityCount, all=[Person, Item])


@pytest.fixture(scope="module", params=["async", "sync"])
async def models(
    request: pytest.FixtureRequest, mongodb_uri: str, db_name: str, people: list
) -> SimpleNamespace:
    if request.param == "async":
        ns = _models(data_bridge.Document, "a")
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=ns.all
        )
    else:
        ns = _models(data_bridge.sync.Document, "s")
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=ns.all
        )
    ns.flavour = request.param
    return ns


async def test_model_query_to_arrow_uses_model_schema(
    models: SimpleNamespace, people: list[dict]
) -> None:
    Person = models.Person
    table = await resolve(Person.find(Person.age > 50).sort("_id").to_arrow())
    expected = [d for d in people if d["age"] > 50]
    assert table.column("name").to_pylist() == [d["name"] for d in expected]
    assert table.column("address").to_pylist() == [d["address"] for d in expected]
    assert "email" not in table.column_names  # not a model field: skipped, never decoded
    assert table.schema.field("age").type == pa.int64()


async def test_model_query_frames(models: SimpleNamespace, people: list[dict]) -> None:
    Person = models.Person
    df = await resolve(Person.find(Person.active == True).to_pandas(columns=["score"]))  # noqa: E712
    assert list(df.columns) == ["score"]
    assert len(df) == sum(d["active"] for d in people)
    frame = await resolve(Person.find().to_polars())
    assert frame.height == N_DOCS
    ages = await resolve(Person.find().sort("_id").to_numpy("age"))
    assert ages.tolist() == [d["age"] for d in people]


async def test_model_query_partitions(models: SimpleNamespace, people: list[dict]) -> None:
    Person = models.Person
    table = await resolve(Person.find(Person.age < 40).to_arrow(partitions=3))
    assert table.column("name").to_pylist() == [d["name"] for d in people if d["age"] < 40]
    parts = await resolve(Person.find().partitions(2))
    restored = pickle.loads(pickle.dumps(parts))
    assert isinstance(restored[0].schema, dict)
    assert sum(p.to_arrow().num_rows for p in restored) == N_DOCS


async def test_model_aggregation_to_arrow(models: SimpleNamespace, people: list[dict]) -> None:
    Person = models.Person
    pipeline = [
        {"$group": {"_id": "$address.city", "n": {"$sum": 1}}},
        {"$project": {"_id": 0, "city": "$_id", "n": 1}},
        {"$sort": {"city": 1}},
    ]
    table = await resolve(Person.aggregate(pipeline, projection_model=models.CityCount).to_arrow())
    assert table.column_names == ["city", "n"]
    assert sum(table.column("n").to_pylist()) == N_DOCS


async def test_model_query_is_a_lazy_stream(models: SimpleNamespace, people: list) -> None:
    import duckdb

    q = models.Person.find(models.Person.age >= 18)
    [(count,)] = duckdb.sql("select count(*) from q").fetchall()
    assert count == N_DOCS
    assert "find on" in q._repr_html_()


async def test_insert_arrow_round_trip(
    models: SimpleNamespace, raw_db: pymongo.database.Database
) -> None:
    Item = models.Item
    coll = raw_db[Item.get_collection_name()]
    coll.delete_many({})
    frame = pa.table({"label": ["a", "b", "c"], "qty": [1, 2, 3], "note": [None, "x", None]})
    result = await resolve(Item.insert_arrow(frame))
    assert result.inserted_count == 3
    stored = list(coll.find({}, {"_id": 0}, sort=[("_id", 1)]))
    assert stored == [
        {"label": "a", "qty": 1},
        {"label": "b", "qty": 2, "note": "x"},
        {"label": "c", "qty": 3},
    ]
    loaded = await resolve(Item.find(Item.qty >= 2).sort("qty").to_list())
    assert [i.label for i in loaded] == ["b", "c"]


async def test_insert_arrow_names_row_and_column(models: SimpleNamespace) -> None:
    Item = models.Item
    with pytest.raises(data_bridge._engine.EncodeError) as info:
        await resolve(Item.insert_arrow(pa.table({"label": ["a", None], "qty": [1, 2]})))
    assert info.value.row == 1
    assert info.value.path == "label"
    assert "row 1" in str(info.value)
    with pytest.raises(data_bridge._engine.SchemaError, match=r"'qty'.*string"):
        await resolve(Item.insert_arrow(pa.table({"label": ["a"], "qty": ["one"]})))
    with pytest.raises(data_bridge._engine.SchemaError, match="'qty' is missing"):
        await resolve(Item.insert_arrow(pa.table({"label": ["a"]})))
    with pytest.raises(data_bridge._engine.SchemaError, match="colour"):
        await resolve(Item.insert_arrow(pa.table({"label": ["a"], "qty": [1], "colour": [1]})))


async def test_document_html(models: SimpleNamespace) -> None:
    item = models.Item(label="<x>", qty=2)
    html = item._repr_html_()
    assert "&lt;x&gt;" in html
    assert "qty" in html


async def test_schema_override_on_model_query(models: SimpleNamespace, people: list[dict]) -> None:
    Person = models.Person
    q = Person.find().sort("_id")
    table = await resolve(q.to_arrow(schema={"email": "string", "age": "int"}))
    assert table.column_names == ["email", "age"]  # the override replaces the model's schema
    assert table.schema.field("age").type == pa.int32()
    assert table.column("email").to_pylist() == [d["email"] for d in people]
    frame = await resolve(q.to_polars(schema=pa.schema({"score": pa.float64()})))
    assert frame.columns == ["score"]
