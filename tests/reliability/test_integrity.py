"""Integrity (issue 18): no silent None, no duplicated columns, nested schema checks, fork safety,
every byte of a result checked even where a schema skips it.

Every test talks to a real server (the session's, or a fake wire server for bytes no real server
sends); the reproducers are the issue's own.
"""

from __future__ import annotations

import inspect
import multiprocessing
import os
import warnings
from collections.abc import Iterator
from typing import Any

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pymongo
import pytest
from data_bridge.errors import DecodeError, InvalidInput, SchemaError
from pydantic import BaseModel, Field, ValidationError

from .fake_server import PAYLOADS, FakeServer, Payload, array, document, element, ok_document
from .fake_server import nested as nested_document
from .fake_server import string as bson_string

# --- 1. a required field stored as null, or missing ---------------------------------------------

REQUIRED = "required_fields"


class Person(data_bridge.Document):
    """``age`` is required and not Optional: pydantic refuses None and a missing key."""

    name: str
    age: int

    class Settings:
        name = REQUIRED


class SyncPerson(data_bridge.sync.Document):
    """The same model on the blocking API."""

    name: str
    age: int

    class Settings:
        name = REQUIRED


class Rules(data_bridge.sync.Document):
    """pydantic's rules field by field: which stored shapes are valid."""

    score: float = 1.5  # missing -> the default; null -> invalid
    note: str | None = None  # missing or null -> None
    tag: str | None  # required Optional: null -> None; missing -> invalid

    class Settings:
        name = "rules"


async def run(value: Any) -> Any:
    """Await an async result, ``.run()`` a lazy sync query, pass a sync result through."""
    if hasattr(type(value), "run") and not isinstance(value, data_bridge.sync.Document):
        return value.run()
    if inspect.isawaitable(value):
        return await value
    return value


@pytest.fixture(scope="module")
def people(pymongo_client: pymongo.MongoClient, db_name: str) -> None:
    """Issue 18's reproducer: one stored null, one missing key, one valid document."""
    pymongo_client[db_name][REQUIRED].insert_many(
        [{"name": "a", "age": None}, {"name": "b"}, {"name": "c", "age": 3}]
    )


@pytest.fixture(scope="module", params=["async", "sync"])
async def person(
    request: pytest.FixtureRequest, mongodb_uri: str, db_name: str, people: None
) -> Any:
    """The model on one flavour of the API."""
    if request.param == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Person]
        )
        return Person
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncPerson]
    )
    return SyncPerson


READS = {
    "to_list": lambda m: m.find_all().to_list(),
    "to_arrow": lambda m: m.find_all().to_arrow(),
    "find_one": lambda m: m.find_one(m.name == "a"),
    "find_one_missing": lambda m: m.find_one(m.name == "b"),
}


@pytest.mark.parametrize("read", list(READS))
async def test_required_field_null_or_missing_raises(person: Any, read: str) -> None:
    with pytest.raises(DecodeError) as caught:
        await run(READS[read](person))
    error = caught.value
    found = "missing" if read == "find_one_missing" else "null"
    assert (error.row, error.path, error.expected, error.found) == (0, "age", "long", found)
    assert "row 0" in str(error)
    assert "'age'" in str(error)


async def test_required_field_raw_mode_returns_the_stored_values(person: Any) -> None:
    docs = await run(person.find_all(on_mismatch="raw").to_list())
    assert [(d.name, d.age) for d in docs] == [("a", None), ("b", None), ("c", 3)]


async def test_valid_documents_still_read(person: Any) -> None:
    doc = await run(person.find_one(person.name == "c"))
    assert (doc.name, doc.age) == ("c", 3)


RULE_CASES = {
    "score missing -> default": ({"tag": "t"}, ("score", 1.5)),
    "note missing -> None": ({"tag": "t"}, ("note", None)),
    "note null -> None": ({"tag": "t", "note": None}, ("note", None)),
    "tag null -> None": ({"tag": None}, ("tag", None)),
    "score null -> error": ({"tag": "t", "score": None}, ("score", "null")),
    "tag missing -> error": ({}, ("tag", "missing")),
}


@pytest.mark.parametrize("case", list(RULE_CASES))
def test_pydantic_rules_for_defaults_and_optionals(
    case: str, pymongo_client: pymongo.MongoClient, mongodb_uri: str, db_name: str
) -> None:
    stored, (field, expected) = RULE_CASES[case]
    collection = pymongo_client[db_name]["rules"]
    collection.delete_many({})
    collection.insert_one(dict(stored))
    data_bridge.sync.init(database=db_name, connection_string=mongodb_uri, document_models=[Rules])
    if not case.endswith("error"):
        assert getattr(Rules.find_all().to_list()[0], field) == expected
        return
    with pytest.raises(DecodeError) as caught:
        Rules.find_all().to_list()
    assert (caught.value.path, caught.value.found) == (field, expected)
    # pydantic agrees that the stored document is invalid.
    with pytest.raises(ValidationError, match=field):
        Rules.model_validate(stored)


# --- 2. duplicate Arrow column names ------------------------------------------------------------


class Dup(data_bridge.sync.Document):
    d: int

    class Settings:
        name = "dup_columns"


def test_write_refuses_duplicate_column_names(
    pymongo_client: pymongo.MongoClient, mongodb_uri: str, db_name: str
) -> None:
    table = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["d", "d"])
    coll = data_bridge.connect(mongodb_uri)[db_name]["dup_columns"]
    with pytest.raises(InvalidInput, match="'d'"):
        data_bridge.write(coll, table)
    data_bridge.sync.init(database=db_name, connection_string=mongodb_uri, document_models=[Dup])
    with pytest.raises(InvalidInput, match="'d'"):
        Dup.insert_arrow(table)
    nested = pa.table({"s": pa.StructArray.from_arrays([pa.array([1]), pa.array([2])], ["x", "x"])})
    with pytest.raises(InvalidInput, match=r"'s\.x'"):
        data_bridge.write(coll, nested)
    assert pymongo_client[db_name]["dup_columns"].count_documents({}) == 0


# --- 3. nested struct fields checked by Model.insert_arrow ---------------------------------------


class Address(BaseModel):
    city: str
    zip: str = ""


class Customer(data_bridge.sync.Document):
    name: str
    addr: Address
    past: list[Address] = Field(default_factory=list)

    class Settings:
        name = "customers"


def test_insert_arrow_checks_nested_struct_fields(
    pymongo_client: pymongo.MongoClient, mongodb_uri: str, db_name: str
) -> None:
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[Customer]
    )
    no_city = pa.table({"name": ["a"], "addr": [{"zip": "1"}]})
    with pytest.raises(SchemaError, match=r"addr\.city"):
        Customer.insert_arrow(no_city)
    wrong_type = pa.table({"name": ["a"], "addr": [{"city": 5}]})
    with pytest.raises(SchemaError, match=r"addr\.city"):
        Customer.insert_arrow(wrong_type)
    in_list = pa.table({"name": ["a"], "addr": [{"city": "x"}], "past": [[{"zip": "2"}]]})
    with pytest.raises(SchemaError, match=r"past\[\]\.city"):
        Customer.insert_arrow(in_list)
    assert pymongo_client[db_name]["customers"].count_documents({}) == 0
    # A complete frame goes in and reads back.
    Customer.insert_arrow(pa.table({"name": ["a"], "addr": [{"city": "x", "zip": "1"}]}))
    assert Customer.find_all().to_list()[0].addr == Address(city="x", zip="1")


# --- 5. fork: a child process gets a fresh client ----------------------------------------------


class Forked(data_bridge.sync.Document):
    i: int

    class Settings:
        name = "forked"


_FORK_URI = ""


def _child_work(i: int) -> tuple[int, int]:
    """In a forked child: init again with the parent's connection string, write, then read."""
    data_bridge.sync.init(connection_string=_FORK_URI, document_models=[Forked])
    Forked(i=i).insert()
    table = data_bridge.connect(_FORK_URI.rsplit("/", 1)[0])["x"]["y"].find().to_arrow()
    return os.getpid(), Forked.find(Forked.i == i).count() + table.num_rows


def test_fork_pool_children_get_fresh_clients(
    pymongo_client: pymongo.MongoClient, mongodb_uri: str, db_name: str
) -> None:
    global _FORK_URI
    _FORK_URI = f"{mongodb_uri.rstrip('/')}/{db_name}"
    data_bridge.sync.init(connection_string=_FORK_URI, document_models=[Forked])
    Forked(i=-1).insert()
    assert Forked.count() == 1  # the parent's client and runtime are live before the fork
    with warnings.catch_warnings():
        # CPython warns that fork() in a process with threads may deadlock: that is the case
        # under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map(_child_work, range(6))
    assert {pid for pid, _ in results} - {os.getpid()}
    assert [n for _, n in results] == [1] * 6
    # The parent's client still works after its children used theirs.
    assert Forked.count() == 7
    assert sorted(d["i"] for d in pymongo_client[db_name]["forked"].find()) == [
        -1,
        0,
        1,
        2,
        3,
        4,
        5,
    ]


# --- 6. the bytes a schema skips are checked too ------------------------------------------------

SKIPPED = {
    # A field outside the schema ("extra") holding each kind of broken value.
    "skipped_bad_utf8": element(0x02, b"extra", bson_string(b"ab\xff\xfe")),
    "skipped_bad_key": element(0x03, b"extra", document(element(0x10, b"k\xff", b"\x01\0\0\0"))),
    "skipped_bool_7": element(0x08, b"extra", b"\x07"),
    "skipped_nested_overrun": element(
        0x03, b"extra", document(element(0x03, b"inner", b"\xff\0\0\0" + b"\x10a\0\1\0\0\0\0"))
    ),
    "skipped_deep_150": element(0x03, b"extra", nested_document(150)),
    "skipped_bad_type": element(0x03, b"extra", document(element(0x42, b"weird", b"\x01\0\0\0"))),
}


class Skipper(data_bridge.sync.Document):
    name: str

    class Settings:
        name = "skipper"


@pytest.fixture(scope="module")
def hostile() -> Iterator[FakeServer]:
    """A fake server answering each ``skipped_*`` collection with one broken document."""
    for name, bad in SKIPPED.items():
        broken = document(element(0x02, b"name", bson_string(b"ok")), bad)
        PAYLOADS[name] = Payload(first_batch=array(ok_document(0), broken))
    try:
        with FakeServer() as server:
            yield server
    finally:
        for name in SKIPPED:
            PAYLOADS.pop(name, None)


@pytest.mark.parametrize("payload", list(SKIPPED))
def test_schema_reads_validate_skipped_bytes(hostile: FakeServer, payload: str) -> None:
    coll = data_bridge.connect(hostile.uri)["fake"][payload]
    with pytest.raises(DecodeError):
        coll.find().to_arrow()  # no schema: every byte is decoded
    with pytest.raises(DecodeError):
        coll.find(schema={"name": "string"}).to_arrow()

    class Model(Skipper):
        class Settings:
            name = payload

    data_bridge.sync.init(database="fake", connection_string=hostile.uri, document_models=[Model])
    with pytest.raises(DecodeError):
        Model.find_all().to_list()
