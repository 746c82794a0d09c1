"""Field helpers (``User.name.startswith("A")``, ``User.tags.contains("x")``, ...) over the wire.

Each helper runs against the real server through the async and the sync API and is checked
against the rows the same filter selects in Python; misuse is a ``TypeError`` at build time.
"""

# ruff: noqa: E501  (the case tables read best one case per line)
from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge import expr
from data_bridge.odm.expressions import TextMatch, kinds_of
from data_bridge.operators import Exists, Not
from pydantic import BaseModel, Field

from .helpers import run

ROWS: list[dict[str, Any]] = [
    {"name": "Ada", "email": "ada@lab.org", "age": 36, "tags": ["python", "rust"],
     "address": {"city": "Berlin", "zip": "10115"}, "nick": None},
    {"name": "adam", "email": "adam@shop.COM", "age": 17, "tags": ["go"],
     "address": {"city": "Bern", "zip": "3000"}},
    {"name": "Bob", "email": "bob@lab.ORG", "age": 52, "tags": ["python", "c", "sql"],
     "address": {"city": "Paris", "zip": "75001"}, "nick": "bobby"},
    {"name": "C.J. (x)", "email": "cj@a.b", "age": 25, "tags": [],
     "address": {"city": "ber lin", "zip": "00000"}, "nick": "cj"},
    {"name": "eve", "email": "eve@lab.org\nX", "age": 65, "tags": ["rust"],
     "address": {"city": "Oslo", "zip": "0150"}},
    {"name": "R&D #1 ~x-y*", "email": "rd@x.io", "age": 30, "tags": ["c"],
     "address": {"city": "Rome", "zip": "00100"}},
]  # fmt: skip


class Address(BaseModel):
    city: str
    zip: str


class Shirt(BaseModel):
    size: int = 0  # a field named like a helper: the field wins
    exists: str = ""


def _model(base: type, prefix: str) -> type:
    class Member(base):  # type: ignore[misc, valid-type]
        name: str
        email: str = ""
        age: int = 0
        tags: list[str] = Field(default_factory=list)
        address: Address | None = None
        nick: str | None = None
        shirt: Shirt | None = None
        meta: dict[str, Any] = Field(default_factory=dict)

        class Settings:
            name = "members"

    Member.__name__ = f"{prefix}Member"
    return Member


@pytest.fixture(scope="module")
def members(pymongo_client: pymongo.MongoClient, db_name: str) -> str:
    """Collection ``members`` with ``ROWS`` and an index on ``address.city``; its name."""
    collection = pymongo_client[db_name]["members"]
    collection.drop()
    collection.insert_many([dict(row) for row in ROWS])
    collection.create_index([("address.city", 1)])
    return "members"


@pytest.fixture(scope="module", params=["async", "sync"])
async def family(
    request: pytest.FixtureRequest, mongodb_uri: str, db_name: str, members: str
) -> SimpleNamespace:
    """The ``Member`` model on ``members``, once per API flavour."""
    if request.param == "async":
        member = _model(data_bridge.Document, "A")
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[member]
        )
    else:
        member = _model(data_bridge.sync.Document, "S")
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=[member]
        )
    return SimpleNamespace(Member=member, flavour=request.param)


async def names(family: SimpleNamespace, *filters: Any) -> list[str]:
    """Names of the members matching ``filters``, in insertion order."""
    query = family.Member.find(*filters).sort("_id")
    found = await run(query.to_list())
    return [member.name for member in found]


def expected(predicate: Any) -> list[str]:
    return [row["name"] for row in ROWS if predicate(row)]


# ------------------------------------------------------------------ string helpers


@pytest.mark.parametrize(
    ("build", "predicate"),
    [
        (lambda m: m.name.startswith("Ad"), lambda r: r["name"].startswith("Ad")),
        (lambda m: m.name.istartswith("ad"), lambda r: r["name"].lower().startswith("ad")),
        (lambda m: m.email.endswith(".org"), lambda r: r["email"].endswith(".org")),
        (lambda m: m.email.iendswith(".org"), lambda r: r["email"].lower().endswith(".org")),
        (lambda m: m.name.contains("."), lambda r: "." in r["name"]),
        (lambda m: m.name.contains("(x)"), lambda r: "(x)" in r["name"]),
        (lambda m: m.name.icontains("A"), lambda r: "a" in r["name"].lower()),
        (lambda m: m.name.matches(r"^[A-Z][a-z]+$"), lambda r: re.match(r"^[A-Z][a-z]+$", r["name"])),
        (lambda m: m.name.matches("^b", "i"), lambda r: r["name"].lower().startswith("b")),
        (lambda m: m.address.city.startswith("Ber"), lambda r: r["address"]["city"].startswith("Ber")),
        (lambda m: m.nick.startswith("b"), lambda r: (r.get("nick") or "").startswith("b")),
    ],
    ids=[
        "startswith", "istartswith", "endswith", "iendswith", "contains-dot", "contains-parens",
        "icontains", "matches", "matches-options", "nested-startswith", "optional-str",
    ],
)  # fmt: skip
async def test_string_helpers(family: SimpleNamespace, build: Any, predicate: Any) -> None:
    assert await names(family, build(family.Member)) == expected(predicate)


async def test_text_is_literal_not_a_pattern(family: SimpleNamespace) -> None:
    member = family.Member
    # "." would match any character as a regex; as literal text it matches only a dot.
    assert member.name.contains(".").query == {"name": {"$regex": r"\."}}
    assert await names(family, member.name.contains("C.J")) == ["C.J. (x)"]
    assert await names(family, member.name.contains("C-J")) == []
    assert await names(family, member.name.startswith("C.J. (")) == ["C.J. (x)"]
    # Every character Python's re.escape escapes reaches the server as a literal.
    assert await names(family, member.name.contains("&D #1 ~x-y*")) == ["R&D #1 ~x-y*"]
    assert await names(family, member.name.endswith("-y*")) == ["R&D #1 ~x-y*"]


async def test_endswith_is_the_very_end(family: SimpleNamespace) -> None:
    # eve's email ends with ".org\nX": a "$" anchor could match before a newline, "\z" does not.
    member = family.Member
    assert await names(family, member.email.endswith("X")) == ["eve"]
    assert "eve" not in await names(family, member.email.endswith(".org"))


# ------------------------------------------------------------------ array helpers


@pytest.mark.parametrize(
    ("build", "predicate"),
    [
        (lambda m: m.tags.contains("python"), lambda r: "python" in r["tags"]),
        (lambda m: m.tags.contains_all(["python", "rust"]), lambda r: {"python", "rust"} <= set(r["tags"])),
        (lambda m: m.tags.contains_any(["go", "c"]), lambda r: bool({"go", "c"} & set(r["tags"]))),
        (lambda m: m.tags.size(0), lambda r: len(r["tags"]) == 0),
        (lambda m: m.tags.size(3), lambda r: len(r["tags"]) == 3),
    ],
    ids=["contains", "contains_all", "contains_any", "size-0", "size-3"],
)  # fmt: skip
async def test_array_helpers(family: SimpleNamespace, build: Any, predicate: Any) -> None:
    assert await names(family, build(family.Member)) == expected(predicate)


# ------------------------------------------------------------------ any field


@pytest.mark.parametrize(
    ("build", "predicate"),
    [
        (lambda m: m.age.is_in([17, 52, 99]), lambda r: r["age"] in (17, 52, 99)),
        (lambda m: m.age.not_in([17, 52]), lambda r: r["age"] not in (17, 52)),
        (lambda m: m.address.city.is_in(("Bern", "Oslo")), lambda r: r["address"]["city"] in ("Bern", "Oslo")),
        (lambda m: m.age.between(25, 52), lambda r: 25 <= r["age"] <= 52),
        (lambda m: m.nick.exists(), lambda r: "nick" in r),
        (lambda m: m.nick.exists(False), lambda r: "nick" not in r),
        (lambda m: m.nick.is_null(), lambda r: r.get("nick") is None),
    ],
    ids=["is_in", "not_in", "nested-is_in", "between", "exists", "exists-false", "is_null"],
)  # fmt: skip
async def test_general_helpers(family: SimpleNamespace, build: Any, predicate: Any) -> None:
    assert await names(family, build(family.Member)) == expected(predicate)


async def test_helpers_compose_with_and_or_not(family: SimpleNamespace) -> None:
    member = family.Member
    query = (member.tags.contains("python") | member.name.istartswith("e")) & ~member.age.between(
        40, 60
    )
    assert await names(family, query) == expected(
        lambda r: (
            ("python" in r["tags"] or r["name"].lower().startswith("e"))
            and not 40 <= r["age"] <= 60
        )
    )
    # Several filters AND-combine, helpers next to plain comparisons.
    assert await names(family, member.address.city.startswith("Ber"), member.age > 20) == ["Ada"]


async def test_typed_expr_is_the_same_expression(family: SimpleNamespace) -> None:
    member = family.Member
    assert expr(member.tags) is member.tags
    assert await names(family, expr(member.tags).contains("rust")) == ["Ada", "eve"]
    with pytest.raises(TypeError, match=r"expr\(\) takes a model field such as User.name"):
        expr("tags")


async def test_prefix_is_served_by_the_index(family: SimpleNamespace) -> None:
    member = family.Member
    query = member.find(member.address.city.startswith("Ber"))
    assert query.get_filter_query() == {"address.city": {"$regex": "^Ber"}}
    result = await run(query.explain())
    summary = result.summary
    assert summary.stage == "IXSCAN"
    assert summary.index_name == "address.city_1"
    assert not summary.is_collscan
    assert summary.returned == 2
    # Case-insensitive text has no index bounds: the same index would be scanned whole.
    insensitive = await run(member.find(member.address.city.istartswith("ber")).explain())
    assert insensitive.summary.returned == 3


# ------------------------------------------------------------------ misuse: TypeError at build


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda m: m.age.startswith("1"), "startswith() applies to str fields: 'age' is int"),
        (lambda m: m.age.icontains("1"), "icontains() applies to str fields: 'age' is int"),
        (lambda m: m.tags.matches("x"), "matches() applies to str fields: 'tags' is list[str]"),
        (lambda m: m.name.contains_all(["a"]), "contains_all() applies to list fields: 'name' is str"),
        (lambda m: m.address.city.size(1), "size() applies to list fields: 'address.city' is str"),
        (lambda m: m.age.contains(1), "contains() applies to str and list fields: 'age' is int"),
        (lambda m: m.address.contains("x"), "contains() applies to str and list fields: 'address' is"),
        (lambda m: m.meta.k.contains("x"), "contains() cannot tell whether 'meta.k' holds text or a list"),
        (lambda m: m.tags.contains(["a", "b"]), "use contains_all() or contains_any()"),
        (lambda m: m.age.is_in("123"), "is_in() takes a list of values, got str"),
        (lambda m: m.tags.size(-1), "size() takes a non-negative int"),
        (lambda m: m.name.startswith(3), "startswith() takes a str, got int"),
    ],
)  # fmt: skip
def test_misuse_is_a_type_error_naming_the_field(
    family: SimpleNamespace, build: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        build(family.Member)


def test_a_field_named_like_a_helper_is_the_field(family: SimpleNamespace) -> None:
    member = family.Member
    assert member.shirt.size == "shirt.size"
    assert (member.shirt.size > 3).query == {"shirt.size": {"$gt": 3}}
    assert member.shirt.exists == "shirt.exists"
    # On that path the operator spells the helper: Exists(field).
    assert Exists(member.shirt).query == {"shirt": {"$exists": True}}
    # The field's own helpers are there as on any int field.
    assert member.shirt.size.between(1, 3).query == {"shirt.size": {"$gte": 1, "$lte": 3}}


def test_a_text_match_is_not_a_bool() -> None:
    # Code that meant str.startswith on a field path fails loudly instead of always matching.
    with pytest.raises(TypeError, match="is a query, not a bool"):
        bool(TextMatch("name", "^-"))


def test_sort_keys_still_read_as_text(family: SimpleNamespace) -> None:
    member = family.Member
    assert member.find().sort(member.name).sort_expressions == [("name", 1)]
    assert member.find().sort(-member.age).sort_expressions == [("age", -1)]


async def test_field_keys_in_dicts_still_read_as_text(family: SimpleNamespace) -> None:
    # Code that tests a key with str.startswith gets a plain str, not a field expression.
    member = family.Member
    query = Not({member.name: {"$regex": "^A"}})
    assert query.query == {"name": {"$not": {"$regex": "^A"}}}
    assert await names(family, query) == expected(lambda r: not r["name"].startswith("A"))


def test_kinds_of_annotations() -> None:
    assert kinds_of(str) == {"text"}
    assert kinds_of(str | None) == {"text"}
    assert kinds_of(list[int] | None) == {"array"}
    assert kinds_of(int) == {"other"}
    assert kinds_of(Any) == {"unknown"}
    assert kinds_of(None) == {"unknown"}
