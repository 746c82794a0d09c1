"""The exact filters, sorts and updates the query DSL compiles to (no server needed)."""

import datetime
import decimal
import enum
import re

import pytest
from bson import Decimal128, ObjectId, Regex
from data_bridge import Document, Indexed, PydanticObjectId, SortDirection
from data_bridge.odm.compile import compile_filter, compile_sort, compile_update
from data_bridge.operators import (
    GT,
    GTE,
    LT,
    LTE,
    NE,
    AddToSet,
    All,
    And,
    Bit,
    BitsAllClear,
    BitsAllSet,
    BitsAnyClear,
    BitsAnySet,
    Box,
    CurrentDate,
    ElemMatch,
    Eq,
    Exists,
    Expr,
    GeoIntersects,
    GeoWithin,
    In,
    Inc,
    JsonSchema,
    Max,
    Min,
    Mod,
    Mul,
    Near,
    NearSphere,
    Nor,
    Not,
    NotIn,
    Or,
    Pop,
    Pull,
    PullAll,
    Push,
    RegEx,
    Rename,
    Set,
    SetOnInsert,
    Size,
    Text,
    Type,
    Unset,
    Where,
)
from pydantic import BaseModel, Field


class Color(enum.Enum):
    RED = "red"


class Geo(BaseModel):
    type: str = "Point"
    coordinates: list[float] = []


class Address(BaseModel):
    city: str
    geo: Geo | None = None


class Person(Document):
    name: Indexed(str)
    age: int = 0
    address: Address | None = None
    addresses: list[Address] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)


def test_comparisons_compile_to_exact_filters():
    assert (Person.age > 25).query == {"age": {"$gt": 25}}
    assert (Person.age >= 25).query == {"age": {"$gte": 25}}
    assert (Person.age < 25).query == {"age": {"$lt": 25}}
    assert (Person.age <= 25).query == {"age": {"$lte": 25}}
    assert (Person.age == 25).query == {"age": 25}
    assert (Person.age != 25).query == {"age": {"$ne": 25}}
    assert (Person.id == ObjectId("5f0f0f0f0f0f0f0f0f0f0f0f")).query == {
        "_id": ObjectId("5f0f0f0f0f0f0f0f0f0f0f0f")
    }


def test_nested_paths_follow_embedded_models_and_lists():
    assert (Person.address.city == "NYC").query == {"address.city": "NYC"}
    assert (Person.address.geo.type == "Point").query == {"address.geo.type": "Point"}
    assert (Person.addresses.city == "Oslo").query == {"addresses.city": "Oslo"}
    assert str(Person.address.unknown_key) == "address.unknown_key"


def test_equality_with_a_dict_cannot_smuggle_operators():
    assert (Person.name == {"$ne": None}).query == {"name": {"$eq": {"$ne": None}}}
    assert Eq("name", {"$gt": ""}).query == {"name": {"$eq": {"$gt": ""}}}
    embedded = Address(city="x")
    assert compile_filter([Person.address == embedded]) == {
        "address": {"$eq": {"city": "x", "geo": None}}
    }


def test_and_or_not_combinators():
    a, b, c = Person.age > 1, Person.name == "x", Person.age < 9
    assert (a & b).query == {"$and": [{"age": {"$gt": 1}}, {"name": "x"}]}
    assert (a | b).query == {"$or": [{"age": {"$gt": 1}}, {"name": "x"}]}
    assert (~a).query == {"$nor": [{"age": {"$gt": 1}}]}
    assert (a & b & c).query == {"$and": [{"age": {"$gt": 1}}, {"name": "x"}, {"age": {"$lt": 9}}]}
    assert ((a & b) | ~c).query == {
        "$or": [
            {"$and": [{"age": {"$gt": 1}}, {"name": "x"}]},
            {"$nor": [{"age": {"$lt": 9}}]},
        ]
    }
    assert (a & {"tags": "t"}).query == {"$and": [{"age": {"$gt": 1}}, {"tags": "t"}]}
    assert ({"tags": "t"} | a).query == {"$or": [{"tags": "t"}, {"age": {"$gt": 1}}]}


def test_sort_keys():
    assert +Person.age == ("age", SortDirection.ASCENDING)
    assert -Person.age == ("age", SortDirection.DESCENDING)
    assert compile_sort([-Person.age, "name", "-tags", "+address.city", [("x", -1)]]) == [
        ("age", -1),
        ("name", 1),
        ("tags", -1),
        ("address.city", 1),
        ("x", -1),
    ]
    with pytest.raises(TypeError, match="cannot sort by"):
        compile_sort([3.5])


def test_find_operators_compile_as_beanie():
    cases = [
        (Eq(Person.age, 1), {"age": 1}),
        (NE(Person.age, 1), {"age": {"$ne": 1}}),
        (GT(Person.age, 1), {"age": {"$gt": 1}}),
        (GTE(Person.age, 1), {"age": {"$gte": 1}}),
        (LT(Person.age, 1), {"age": {"$lt": 1}}),
        (LTE(Person.age, 1), {"age": {"$lte": 1}}),
        (In(Person.age, [1, 2]), {"age": {"$in": [1, 2]}}),
        (NotIn(Person.age, [1, 2]), {"age": {"$nin": [1, 2]}}),
        (All(Person.tags, ["a", "b"]), {"tags": {"$all": ["a", "b"]}}),
        (ElemMatch(Person.addresses, {"city": "x"}), {"addresses": {"$elemMatch": {"city": "x"}}}),
        (ElemMatch(Person.addresses, city="x"), {"addresses": {"$elemMatch": {"city": "x"}}}),
        (Size(Person.tags, 2), {"tags": {"$size": 2}}),
        (Exists(Person.name), {"name": {"$exists": True}}),
        (Exists(Person.name, False), {"name": {"$exists": False}}),
        (Type(Person.age, "int"), {"age": {"$type": "int"}}),
        (Expr({"$gt": ["$a", "$b"]}), {"$expr": {"$gt": ["$a", "$b"]}}),
        (JsonSchema({"required": ["name"]}), {"$jsonSchema": {"required": ["name"]}}),
        (Mod(Person.age, 2, 0), {"age": {"$mod": [2, 0]}}),
        (RegEx(Person.name, "^a", "i"), {"name": {"$regex": "^a", "$options": "i"}}),
        (RegEx(Person.name, "^a"), {"name": {"$regex": "^a"}}),
        (
            Text("coffee", language="en"),
            {
                "$text": {
                    "$search": "coffee",
                    "$caseSensitive": False,
                    "$language": "en",
                    "$diacriticSensitive": False,
                }
            },
        ),
        (Where("this.a > 1"), {"$where": "this.a > 1"}),
        (BitsAllClear(Person.age, 5), {"age": {"$bitsAllClear": 5}}),
        (BitsAllSet(Person.age, 5), {"age": {"$bitsAllSet": 5}}),
        (BitsAnyClear(Person.age, 5), {"age": {"$bitsAnyClear": 5}}),
        (BitsAnySet(Person.age, 5), {"age": {"$bitsAnySet": 5}}),
        (And(GT("a", 1), LT("a", 5)), {"$and": [{"a": {"$gt": 1}}, {"a": {"$lt": 5}}]}),
        (And(GT("a", 1)), {"a": {"$gt": 1}}),
        (Or(GT("a", 1), {"b": 2}), {"$or": [{"a": {"$gt": 1}}, {"b": 2}]}),
        (Nor(GT("a", 1)), {"$nor": [{"a": {"$gt": 1}}]}),
        (Not(GT("a", 1)), {"a": {"$not": {"$gt": 1}}}),
        (Not({"a": 1}), {"a": {"$not": {"$eq": 1}}}),
        (
            Near(Person.address.geo, 1.5, 2.5, max_distance=10, min_distance=1),
            {
                "address.geo": {
                    "$near": {
                        "$geometry": {"type": "Point", "coordinates": [1.5, 2.5]},
                        "$maxDistance": 10,
                        "$minDistance": 1,
                    }
                }
            },
        ),
        (
            NearSphere("geo", 1, 2),
            {"geo": {"$nearSphere": {"$geometry": {"type": "Point", "coordinates": [1, 2]}}}},
        ),
        (
            GeoWithin("geo", "Polygon", [[[0, 0], [1, 0], [1, 1], [0, 0]]]),
            {
                "geo": {
                    "$geoWithin": {
                        "$geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                        }
                    }
                }
            },
        ),
        (
            GeoIntersects("geo", "Point", [1, 2]),
            {"geo": {"$geoIntersects": {"$geometry": {"type": "Point", "coordinates": [1, 2]}}}},
        ),
        (Box("geo", [0, 0], [1, 1]), {"geo": {"$geoWithin": {"$box": [[0, 0], [1, 1]]}}}),
    ]
    for operator, expected in cases:
        assert operator.query == expected, type(operator).__name__
        assert dict(operator) == expected


def test_not_rejects_operator_and_multi_key_expressions():
    with pytest.raises(AttributeError, match="can not be used with operators"):
        _ = Not({"$and": []}).query
    with pytest.raises(AttributeError, match="only be used with one expression"):
        _ = Not({"a": 1, "b": 2}).query


def test_update_operators_compile_as_beanie():
    cases = [
        (Set({Person.name: "x"}), {"$set": {"name": "x"}}),
        (Unset({"name": ""}), {"$unset": {"name": ""}}),
        (Inc({Person.age: 1}), {"$inc": {"age": 1}}),
        (Mul({"age": 2}), {"$mul": {"age": 2}}),
        (Min({"age": 2}), {"$min": {"age": 2}}),
        (Max({"age": 2}), {"$max": {"age": 2}}),
        (Rename({"a": "b"}), {"$rename": {"a": "b"}}),
        (SetOnInsert({"a": 1}), {"$setOnInsert": {"a": 1}}),
        (CurrentDate({"at": True}), {"$currentDate": {"at": True}}),
        (AddToSet({Person.tags: "x"}), {"$addToSet": {"tags": "x"}}),
        (Pop({"tags": 1}), {"$pop": {"tags": 1}}),
        (Pull({"tags": "x"}), {"$pull": {"tags": "x"}}),
        (PullAll({"tags": ["x"]}), {"$pullAll": {"tags": ["x"]}}),
        (Push({"tags": {"$each": ["x"]}}), {"$push": {"tags": {"$each": ["x"]}}}),
        (Bit({"age": {"and": 1}}), {"$bit": {"age": {"and": 1}}}),
    ]
    for operator, expected in cases:
        assert operator.query == expected, type(operator).__name__


def test_compile_filter_and_combines_and_encodes_values():
    when = datetime.date(2024, 5, 1)
    assert compile_filter([]) == {}
    assert compile_filter([True]) == {}
    assert compile_filter([False]) == {"$expr": False}
    assert compile_filter([Person.age > 1, {"name": Color.RED}]) == {
        "$and": [{"age": {"$gt": 1}}, {"name": "red"}]
    }
    assert compile_filter([{"price": decimal.Decimal("1.5"), "at": when}]) == {
        "price": Decimal128("1.5"),
        "at": datetime.datetime(2024, 5, 1),
    }
    pattern = re.compile("^a")
    assert compile_filter([{"name": pattern}]) == {"name": Regex.from_native(pattern)}
    with pytest.raises(TypeError, match="must be a mapping or an operator"):
        compile_filter([42])


def test_compile_update_merges_operators_and_rejects_plain_documents():
    update = compile_update([Set({"a": 1}), Set({Person.age: 2}), Inc({"n": 1})])
    assert update == {"$set": {"a": 1, "age": 2}, "$inc": {"n": 1}}
    assert all(type(k) is str for k in update["$set"])
    with pytest.raises(ValueError, match="must use operators"):
        compile_update([{"a": 1}])


def test_expression_field_is_a_hashable_str_usable_as_key():
    key = Person.address.city
    assert isinstance(key, str)
    assert {key: 1} == {"address.city": 1}
    assert (
        Person.id == "_id"
    )  # comparing two paths (or a str) is plain str equality only for fields
    assert isinstance(PydanticObjectId(), ObjectId)
