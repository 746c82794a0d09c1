"""Query results are lazy views that behave exactly like eagerly validated models."""

import copy
import datetime
import decimal
import json
import pickle

import data_bridge
import pytest
from data_bridge.odm import lazy
from pydantic import BaseModel, Field, TypeAdapter

from .helpers import run
from .models import Address, Color


async def load_pair(m, raw):
    """(lazy document from a query, the same document validated eagerly from pymongo's dict)."""
    user = m.User(
        name="ada",
        email=None,
        age=36,
        score=1.5,
        created=datetime.datetime(2026, 2, 3, 4, 5, 6, 7000),
        tags=["a", "b"],
        address=Address(city="Oslo"),
        addresses=[Address(city="x", zip="1"), Address(city="y")],
        meta={"nested": {"k": [1, 2]}},
        price=decimal.Decimal("3.25"),
        color=Color.RED,
    )
    await run(user.insert())
    lazy_doc = (await run(m.User.find(m.User.id == user.id).to_list()))[0]
    stored = raw[m.User.get_collection_name()].find_one({"_id": user.id})
    stored["price"] = stored["price"].to_decimal()
    eager = m.User.model_validate(stored)
    return lazy_doc, eager


async def test_results_are_real_instances_materialised_field_by_field(m, raw):
    doc, _ = await load_pair(m, raw)
    assert type(doc) is m.User
    assert lazy.real_dict(doc) == {}
    assert doc.age == 36
    assert set(lazy.real_dict(doc)) == {"age"}
    assert doc.address.city == "Oslo"
    assert set(lazy.real_dict(doc)) == {"age", "address"}
    assert isinstance(doc.address, Address)


async def test_dump_json_eq_repr_like_an_eager_model(m, raw):
    doc, eager = await load_pair(m, raw)
    assert doc.model_dump() == eager.model_dump()
    assert doc.model_dump(by_alias=True) == eager.model_dump(by_alias=True)
    assert doc.model_dump_json() == eager.model_dump_json()
    assert doc == eager
    assert repr(doc) == repr(eager)
    assert str(doc) == str(eager)
    assert doc.model_fields_set >= {"name", "age"}


async def test_partially_read_documents_dump_completely(m, raw):
    doc, eager = await load_pair(m, raw)
    _ = doc.tags
    assert doc.model_dump_json() == eager.model_dump_json()
    assert list(doc.model_dump()) == list(eager.model_dump())


async def test_fields_read_out_of_order_dump_in_declaration_order(m, raw):
    doc, eager = await load_pair(m, raw)
    # Every field read (so none is left to materialise), last ones first; one set by the user.
    for name in reversed(type(doc).model_fields):
        getattr(doc, name)
    doc.name = "ada"
    assert list(doc.__dict__) == list(eager.__dict__)
    assert doc.model_dump_json() == eager.model_dump_json()
    assert repr(doc) == repr(eager)


class Picklable(data_bridge.Document):
    name: str
    address: Address
    tags: list[str] = Field(default_factory=list)

    class Settings:
        name = "picklable"


async def test_pickle(mongodb_uri, db_name):
    await data_bridge.init(
        database=db_name, connection_string=mongodb_uri, document_models=[Picklable]
    )
    saved = await Picklable(name="p", address=Address(city="c"), tags=["x"]).insert()
    doc = await Picklable.get(saved.id)
    clone = pickle.loads(pickle.dumps(doc))
    assert clone == saved
    assert clone.address == Address(city="c")


async def test_copy_and_model_copy(m, raw):
    doc2, eager = await load_pair(m, raw)
    assert copy.copy(doc2) == eager
    doc3, eager3 = await load_pair(m, raw)
    assert copy.deepcopy(doc3) == eager3
    doc4, _ = await load_pair(m, raw)
    changed = doc4.model_copy(update={"age": 1})
    assert changed.age == 1
    assert changed.name == "ada"


async def test_fastapi_style_response_serialisation(m, raw):
    # FastAPI serialises response models with a TypeAdapter in JSON mode, by alias.
    doc, eager = await load_pair(m, raw)
    adapter = TypeAdapter(list[m.User])
    assert adapter.dump_python([doc], mode="json", by_alias=True) == adapter.dump_python(
        [eager], mode="json", by_alias=True
    )
    body = adapter.dump_json([doc], by_alias=True)
    assert json.loads(body)[0]["_id"] == str(eager.id)
    schema = m.User.model_json_schema()
    assert schema["properties"]["_id"]["anyOf"][0] == {"$ref": "#/$defs/PydanticObjectId"}
    assert schema["$defs"]["PydanticObjectId"]["type"] == "string"
    assert "revision_id" not in schema["properties"]


async def test_validation_of_a_lazy_document(m, raw):
    doc, eager = await load_pair(m, raw)
    assert m.User.model_validate(doc.model_dump()) == eager
    assert m.User.model_validate(doc) == eager


async def test_assignment_and_attribute_errors(m, raw):
    doc, _ = await load_pair(m, raw)
    doc.age = 40
    assert doc.age == 40
    assert "age" in doc.model_fields_set
    with pytest.raises(AttributeError, match="not_a_field"):
        _ = doc.not_a_field


async def test_missing_stored_fields_take_model_defaults(m, raw):
    raw[m.User.get_collection_name()].insert_one({"name": "sparse", "address": {"city": "c"}})
    doc = await run(m.User.find_one(m.User.name == "sparse"))
    assert doc.age == 0
    assert doc.tags == []
    assert doc.active is True
    assert doc.address == Address(city="c", zip="")
    assert doc.email is None


class Line(BaseModel):
    sku: str
    price: decimal.Decimal
    note: str | None = None
    qty: int = 1


class Basket(data_bridge.Document):
    lines: list[Line]
    plain: list[Address]

    class Settings:
        name = "baskets"


async def test_embedded_lists_prepare_decimals_and_defaults_only_where_types_need_it(
    mongodb_uri, db_name, raw
):
    """A column of embedded models is validated in one call; BSON-only values (Decimal128) and
    missing keys with a non-None default are mended first, whatever their depth."""
    await data_bridge.init(
        database=db_name, connection_string=mongodb_uri, document_models=[Basket]
    )
    from bson import Decimal128

    raw["baskets"].insert_one(
        {
            "lines": [
                {"sku": "a", "price": Decimal128("1.10")},
                {"sku": "b", "price": Decimal128("2")},
            ],
            "plain": [{"city": "Oslo", "zip": "1"}, {"city": "Rome"}],
        }
    )
    (basket,) = await Basket.find_all().to_list()
    assert basket.lines == [
        Line(sku="a", price=decimal.Decimal("1.10")),
        Line(sku="b", price=decimal.Decimal("2")),
    ]
    assert [line.qty for line in basket.lines] == [1, 1]
    assert basket.plain == [Address(city="Oslo", zip="1"), Address(city="Rome", zip="")]
