"""Bad input through every public entry point: one table, one test.

Each row feeds one malformed input (bad keys, names, sizes, depths, strings, ids, operator
injection attempts, malformed BSON from the wire) to one entry point — engine collection
(awaitable and blocking), ODM ``Document`` (async and ``data_bridge.sync``), analytics queries
and ``data_bridge.write`` — and states what must happen: the typed exception and the words its
message must contain (what was wrong, where), or, for injection attempts that are legal
queries, that nothing leaks. Rows on the real server also check the stored data is unchanged;
rows marked ``fake`` read from ``fake_server.FakeServer``, which answers with broken bytes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pydantic
import pymongo
import pytest
from bson import ObjectId
from data_bridge import PydanticObjectId, _engine
from data_bridge.errors import (
    DecodeError,
    EncodeError,
    InvalidInput,
    InvalidObjectId,
)
from data_bridge.operators import Set
from pydantic import Field

from .fake_server import PAYLOADS, FakeServer

#: Over MongoDB's 16 MiB maxBsonObjectSize once wrapped in a document.
BIG = "x" * (16 * 1024 * 1024 + 1)
#: A Python str that has no UTF-8 form (what ``surrogateescape`` makes of a stray byte).
SURROGATE = "caf\udce9"


def deep_dict(depth: int) -> dict[str, Any]:
    """``{"n": {"n": ... {}}}`` nested ``depth`` levels."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"n": value}
    return value


def deep_list(depth: int) -> list[Any]:
    """``[[...[]...]]`` nested ``depth`` levels."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


DEEP = deep_dict(200)

# --------------------------------------------------------------------------------- models


class Person(data_bridge.Document):
    name: str
    meta: dict[str, Any] = Field(default_factory=dict)

    class Settings:
        name = "people"


class Tag(data_bridge.Document):
    """A model whose ids are strings: ``get`` cannot convert, so it must not be injectable."""

    id: str | None = None  # type: ignore[assignment]
    label: str = ""

    class Settings:
        name = "tags"


class SyncPerson(data_bridge.sync.Document):
    name: str
    meta: dict[str, Any] = Field(default_factory=dict)

    class Settings:
        name = "sync_people"


def fake_model(base: type, collection: str) -> Any:
    """A model reading ``collection`` of the fake server (the collection picks the payload)."""

    class Fake(base):  # type: ignore[valid-type,misc]
        name: str | None = None
        n: dict[str, Any] | None = None

        class Settings:
            name = collection

    return Fake


def fake_models(base: type) -> dict[str, Any]:
    """One model per malformed payload of the fake server."""
    return {collection: fake_model(base, collection) for collection in PAYLOADS}


FAKE_ASYNC = fake_models(data_bridge.Document)
FAKE_SYNC = fake_models(data_bridge.sync.Document)

SEED = [
    {"_id": ObjectId("5f0f0f0f0f0f0f0f0f0f0f01"), "name": "secret", "meta": {"k": 1}},
    {"_id": ObjectId("5f0f0f0f0f0f0f0f0f0f0f02"), "name": "other", "meta": {}},
]

# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    """The malformed-reply server."""
    with FakeServer() as server:
        yield server


@pytest.fixture(scope="module")
async def env(
    mongodb_uri: str,
    db_name: str,
    pymongo_client: pymongo.MongoClient,
    fake: FakeServer,
) -> SimpleNamespace:
    """Every entry point, bound to the real server (and the fake one for malformed reads)."""
    await data_bridge.init(
        database=db_name, connection_string=mongodb_uri, document_models=[Person, Tag]
    )
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncPerson]
    )
    await data_bridge.init(
        database="fake", connection_string=fake.uri, document_models=list(FAKE_ASYNC.values())
    )
    data_bridge.sync.init(
        database="fake", connection_string=fake.uri, document_models=list(FAKE_SYNC.values())
    )
    client = _engine.Client(mongodb_uri)
    fake_client = _engine.Client(fake.uri)
    return SimpleNamespace(
        db=client.database(db_name),
        coll=client.database(db_name).collection("things"),
        fake=fake_client.database("fake"),
        analytics=data_bridge.connect(mongodb_uri)[db_name],
        analytics_async=data_bridge.connect_async(mongodb_uri)[db_name],
        fake_analytics=data_bridge.connect(fake.uri)["fake"],
        fake_analytics_async=data_bridge.connect_async(fake.uri)["fake"],
    )


@pytest.fixture
def seeded(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    """The real server's database with the same few documents in every collection."""
    database = pymongo_client[db_name]
    for name in ("things", "people", "sync_people"):
        database[name].delete_many({})
        database[name].insert_many([dict(doc) for doc in SEED])
    database.tags.delete_many({})
    database.tags.insert_many([{"_id": "t1", "label": "secret"}, {"_id": "t2", "label": "x"}])
    return database


def snapshot(database: pymongo.database.Database) -> dict[str, list[dict[str, Any]]]:
    """Every document of every collection, in ``_id`` order."""
    return {
        name: list(database[name].find().sort("_id", 1))
        for name in sorted(database.list_collection_names())
    }


async def resolve(value: Any) -> Any:
    """Await ``value`` when the entry point returned an awaitable."""
    while inspect.isawaitable(value):
        value = await value
    return value


# ------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    """One bad input at one entry point and what must happen.

    ``raises`` with ``says`` (fragments the message must contain, case-insensitively), or
    ``raises=None`` with ``result`` (a check on the returned value: nothing leaked).
    """

    id: str
    call: Callable[[SimpleNamespace], Any]
    raises: type[BaseException] | None
    says: tuple[str, ...] = ()
    result: Callable[[Any], bool] | None = None


async def _save_with(model: Any, **changes: Any) -> Any:
    document = await model.find_one(model.name == "secret")
    for key, value in changes.items():
        setattr(document, key, value)
    return await document.save()


def _sync_save_with(model: Any, **changes: Any) -> Any:
    document = model.find_one(model.name == "secret").run()
    for key, value in changes.items():
        setattr(document, key, value)
    return document.save()


def _arrow_bad_utf8() -> pa.Table:
    # pyarrow does not check UTF-8 when a string array is built from buffers.
    data = b"ok\xff\xfe"
    offsets = pa.py_buffer(pa.array([0, 2, 4], pa.int32()).buffers()[1])
    strings = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(data)])
    return pa.table({"s": strings})


DOLLAR = "starts with '$'"
NUL = "NUL"

WRITES: list[Row] = [
    # --- '$' keys in stored documents: refused at every level (DBRef's $ref/$id/$db excepted)
    Row(
        "engine.insert_one top $",
        lambda e: e.coll.insert_one({"$set": {"a": 1}}),
        InvalidInput,
        ("'$set'", DOLLAR),
    ),
    Row(
        "engine.insert_one_sync nested $",
        lambda e: e.coll.insert_one_sync({"a": {"$gt": 1}}),
        InvalidInput,
        ("'a.$gt'", DOLLAR),
    ),
    Row(
        "engine.insert_many second doc $",
        lambda e: e.coll.insert_many([{"ok": 1}, {"$where": "1"}]),
        InvalidInput,
        ("'$where'", DOLLAR),
    ),
    Row(
        "engine.replace_one $",
        lambda e: e.coll.replace_one({}, {"$set": {"a": 1}}),
        InvalidInput,
        ("replacement", "'$set'", DOLLAR),
    ),
    Row(
        "engine.replace_one_sync nested $",
        lambda e: e.coll.replace_one_sync({}, {"m": {"$x": 1}}),
        InvalidInput,
        ("replacement", "'m.$x'"),
    ),
    Row(
        "engine.find_one_and_replace $",
        lambda e: e.coll.find_one_and_replace({}, {"$x": 1}),
        InvalidInput,
        ("replacement", "'$x'"),
    ),
    Row(
        "engine.update_one $set smuggles $ key",
        lambda e: e.coll.update_one({}, {"$set": {"meta": {"$x": 1}}}),
        InvalidInput,
        ("'$set.meta.$x'", DOLLAR),
    ),
    Row(
        "engine.update_many_sync $setOnInsert $ key",
        lambda e: e.coll.update_many_sync({"none": 1}, {"$setOnInsert": {"$x": 1}}, upsert=True),
        InvalidInput,
        ("'$setOnInsert.$x'",),
    ),
    Row(
        "engine.update_one without operator",
        lambda e: e.coll.update_one({}, {"name": "x"}),
        InvalidInput,
        ('"name"', "not an operator"),
    ),
    Row(
        "engine.bulk_write replacement $",
        lambda e: e.coll.bulk_write(
            [
                {"insert_one": {"document": {"ok": 1}}},
                {"replace_one": {"filter": {}, "replacement": {"$x": 1}}},
            ]
        ),
        InvalidInput,
        ("request 1", "'$x'"),
    ),
    Row(
        "engine.bulk_write update $set $ key",
        lambda e: e.coll.bulk_write_sync(
            [{"update_one": {"filter": {}, "update": {"$set": {"a": {"$x": 1}}}}}]
        ),
        InvalidInput,
        ("'$set.a.$x'",),
    ),
    # --- NUL in keys: never valid (BSON keys are C strings)
    Row(
        "engine.insert_one NUL key", lambda e: e.coll.insert_one({"a\0b": 1}), InvalidInput, (NUL,)
    ),
    Row(
        "engine.insert_one_sync nested NUL key",
        lambda e: e.coll.insert_one_sync({"a": {"b\0": 1}}),
        InvalidInput,
        (NUL, "'a.b"),
    ),
    Row(
        "engine.update_one NUL key",
        lambda e: e.coll.update_one({}, {"$set": {"a\0": 1}}),
        InvalidInput,
        (NUL,),
    ),
    # --- strings with no UTF-8 form
    Row(
        "engine.insert_one surrogate value",
        lambda e: e.coll.insert_one({"s": SURROGATE}),
        InvalidInput,
        ("'s'", "UTF-8"),
    ),
    Row(
        "engine.insert_one_sync surrogate key",
        lambda e: e.coll.insert_one_sync({SURROGATE: 1}),
        InvalidInput,
        ("key", "UTF-8"),
    ),
    Row(
        "engine.update_one surrogate",
        lambda e: e.coll.update_one({}, {"$set": {"s": SURROGATE}}),
        InvalidInput,
        ("'$set.s'", "UTF-8"),
    ),
    # --- documents over 16 MiB: refused before sending, with the size
    Row(
        "engine.insert_one 16MiB+",
        lambda e: e.coll.insert_one({"s": BIG}),
        InvalidInput,
        ("16777216", "bytes"),
    ),
    Row(
        "engine.insert_many_sync 16MiB+ second",
        lambda e: e.coll.insert_many_sync([{"ok": 1}, {"s": BIG}]),
        InvalidInput,
        ("request 1", "16777216"),
    ),
    Row(
        "engine.replace_one 16MiB+",
        lambda e: e.coll.replace_one({}, {"s": BIG}),
        InvalidInput,
        ("16777216",),
    ),
    # --- nesting: 100 levels is MongoDB's limit for stored documents
    Row(
        "engine.insert_one nesting 200",
        lambda e: e.coll.insert_one({"d": DEEP}),
        InvalidInput,
        ("nested deeper than 100",),
    ),
    Row(
        "engine.insert_one_sync list nesting 200",
        lambda e: e.coll.insert_one_sync({"l": deep_list(200)}),
        InvalidInput,
        ("nested deeper than 100", "l[0]"),
    ),
    Row(
        "engine.find filter nesting 200",
        lambda e: e.coll.find(DEEP),
        InvalidInput,
        ("filter", "nested deeper than 100"),
    ),
    # --- Arrow input: same key rules as dicts
    Row(
        "engine.insert_arrow $ column",
        lambda e: e.coll.insert_arrow(pa.table({"$x": [1]})),
        InvalidInput,
        ("'$x'", "'$'"),
    ),
    Row(
        "engine.insert_arrow_sync nested $ field",
        lambda e: e.coll.insert_arrow_sync(pa.table({"s": [{"$y": 1}]})),
        InvalidInput,
        ("'s.$y'",),
    ),
    Row(
        "engine.insert_arrow NUL column",
        lambda e: e.coll.insert_arrow(pa.table({"a\0b": [1]})),
        InvalidInput,
        (NUL,),
    ),
    Row(
        "engine.insert_arrow 16MiB+ row",
        lambda e: e.coll.insert_arrow(pa.table({"s": [BIG]})),
        InvalidInput,
        ("16777216",),
    ),
    Row(
        "engine.insert_arrow invalid UTF-8",
        lambda e: e.coll.insert_arrow_sync(_arrow_bad_utf8()),
        EncodeError,
        ("row 1", "'s'", "not valid utf-8"),
    ),
    Row(
        "analytics write $ column",
        lambda e: data_bridge.write(e.analytics["things"], pa.table({"$x": [1]})),
        InvalidInput,
        ("'$x'",),
    ),
    Row(
        "analytics write_async NUL column",
        lambda e: data_bridge.write_async(e.analytics_async["things"], pa.table({"a\0": [1]})),
        InvalidInput,
        (NUL,),
    ),
    # --- ODM documents (async)
    Row(
        "odm.insert $ key",
        lambda e: Person(name="a", meta={"$x": 1}).insert(),
        InvalidInput,
        ("'meta.$x'", DOLLAR),
    ),
    Row(
        "odm.insert NUL key",
        lambda e: Person(name="a", meta={"a\0": 1}).insert(),
        InvalidInput,
        (NUL,),
    ),
    Row(
        "odm.insert surrogate",
        lambda e: Person(name=SURROGATE).insert(),
        InvalidInput,
        ("'name'", "UTF-8"),
    ),
    Row("odm.insert 16MiB+", lambda e: Person(name=BIG).insert(), InvalidInput, ("16777216",)),
    Row(
        "odm.insert_many 16MiB+ second",
        lambda e: Person.insert_many([Person(name="ok"), Person(name=BIG)]),
        InvalidInput,
        ("request 1", "16777216"),
    ),
    Row(
        "odm.insert nesting 200",
        lambda e: Person(name="a", meta=DEEP).insert(),
        InvalidInput,
        ("nested deeper than 100",),
    ),
    Row(
        "odm.save $ key",
        lambda e: _save_with(Person, meta={"$x": 1}),
        InvalidInput,
        ("meta.$x", DOLLAR),
    ),
    Row(
        "odm.replace $ key",
        lambda e: _save_with(Person, meta={"a": {"$x": 1}}),
        InvalidInput,
        ("meta.a.$x",),
    ),
    Row(
        "odm.update Set dict with $ key",
        lambda e: Person.find_one(Person.name == "secret").update(Set({Person.meta: {"$gt": ""}})),
        InvalidInput,
        ("meta.$gt",),
    ),
    Row(
        "odm.find_many.update raw $set $ key",
        lambda e: Person.find(Person.name == "secret").update({"$set": {"meta": {"$x": 1}}}),
        InvalidInput,
        ("meta.$x",),
    ),
    # --- ODM documents (sync API)
    Row(
        "sync.insert $ key",
        lambda e: SyncPerson(name="a", meta={"$x": 1}).insert(),
        InvalidInput,
        ("'meta.$x'",),
    ),
    Row(
        "sync.save $ key",
        lambda e: _sync_save_with(SyncPerson, meta={"$x": 1}),
        InvalidInput,
        ("meta.$x",),
    ),
    Row("sync.insert 16MiB+", lambda e: SyncPerson(name=BIG).insert(), InvalidInput, ("16777216",)),
    Row(
        "sync.insert surrogate",
        lambda e: SyncPerson(name=SURROGATE).insert(),
        InvalidInput,
        ("UTF-8",),
    ),
]

NAMES: list[Row] = [
    Row(
        "engine.collection empty",
        lambda e: e.db.collection(""),
        InvalidInput,
        ("must not be empty",),
    ),
    Row("engine.collection NUL", lambda e: e.db.collection("a\0b"), InvalidInput, ("NUL",)),
    Row(
        "engine.collection system.*",
        lambda e: e.db.collection("system.users"),
        InvalidInput,
        ("system collection",),
    ),
    Row("engine.collection $", lambda e: e.db.collection("a$b"), InvalidInput, ("'$'",)),
    Row(
        "engine.collection 256 bytes",
        lambda e: e.db.collection("c" * 256),
        InvalidInput,
        ("256 bytes", "255"),
    ),
    Row(
        "engine.collection namespace 256 bytes",
        lambda e: e.db.collection("c" * (255 - len(e.db.name))),
        InvalidInput,
        ("namespace", "256 bytes", "255"),
    ),
    Row("engine.database NUL", lambda e: e.db.client.database("a\0"), InvalidInput, ("NUL",)),
    Row(
        "analytics collection system.*",
        lambda e: e.analytics["system.js"],
        InvalidInput,
        ("system collection",),
    ),
    Row(
        "analytics collection empty",
        lambda e: e.analytics_async[""],
        InvalidInput,
        ("must not be empty",),
    ),
]

INJECTION: list[Row] = [
    # Equality against a dict compiles to $eq: the dict is a value, never operators.
    Row(
        "odm.find_one == dict compiles to $eq",
        lambda e: Person.find_one(Person.name == {"$ne": None}),
        None,
        result=lambda r: r is None,
    ),
    Row(
        "odm.find == dict compiles to $eq",
        lambda e: Person.find(Person.meta == {"$exists": True}).to_list(),
        None,
        result=lambda r: r == [],
    ),
    Row(
        "sync.find_one == dict compiles to $eq",
        lambda e: SyncPerson.find_one(SyncPerson.name == {"$gt": ""}).run(),
        None,
        result=lambda r: r is None,
    ),
    Row(
        "odm.find_one user dict via Eq()",
        lambda e: Person.find_one(data_bridge.operators.Eq(Person.name, {"$regex": ".*"})),
        None,
        result=lambda r: r is None,
    ),
    # Lookups by id: the id is converted to the id type, or compared with $eq.
    Row(
        "odm.get dict (ObjectId id)",
        lambda e: Person.get({"$ne": None}),
        InvalidObjectId,
        ("{'$ne': None}", "is not a valid objectid"),
    ),
    Row(
        "odm.get dict (str id) compiles to $eq",
        lambda e: Tag.get({"$ne": None}),
        None,
        result=lambda r: r is None,
    ),
    Row("sync.get dict", lambda e: SyncPerson.get({"$gt": ""}), InvalidObjectId, ("$gt",)),
    # Sort keys from user input
    Row(
        "odm.sort '-$where'",
        lambda e: Person.find().sort("-$where").to_list(),
        InvalidInput,
        ('sort key "$where"', DOLLAR),
    ),
    Row(
        "odm.sort NUL", lambda e: Person.find_all().sort("name\0").to_list(), InvalidInput, ("NUL",)
    ),
    Row(
        "sync.sort '$function'",
        lambda e: SyncPerson.find().sort("$function").to_list(),
        InvalidInput,
        ('"$function"', DOLLAR),
    ),
    Row(
        "engine.find sort direction 'up'",
        lambda e: e.coll.find({}, sort=[("name", "up")]),
        InvalidInput,
        ('sort key "name"', "direction must be 1, -1", '"up"'),
    ),
    Row(
        "engine.find_raw_sync sort $ key",
        lambda e: e.coll.find_raw_sync({}, sort={"$where": 1}),
        InvalidInput,
        ('sort key "$where"',),
    ),
    Row(
        "analytics to_arrow sort $ key",
        lambda e: e.analytics["things"].find({}, sort=[("$where", 1)]).to_arrow(),
        InvalidInput,
        ('sort key "$where"',),
    ),
    Row(
        "engine.find projection NUL key",
        lambda e: e.coll.find({}, projection={"a\0": 1}),
        InvalidInput,
        ("projection", NUL),
    ),
    # Malformed ObjectIds
    Row("odm.get 'xyz'", lambda e: Person.get("xyz"), InvalidObjectId, ("'xyz'", "24 hex digits")),
    Row("sync.get 'xyz'", lambda e: SyncPerson.get("xyz"), InvalidObjectId, ("'xyz'",)),
    Row(
        "PydanticObjectId('xyz') in a query",
        lambda e: Person.find_one(Person.id == PydanticObjectId("5f0f")),
        InvalidObjectId,
        ("'5f0f'", "24 hex digits"),
    ),
    # At the pydantic layer, Beanie raises pydantic's ValidationError; so do we.
    Row(
        "pydantic model id 'xyz' (ValidationError, as Beanie)",
        lambda e: Person.model_validate({"_id": "xyz", "name": "a"}),
        pydantic.ValidationError,
        ("xyz",),
    ),
]


def _fake_reads() -> list[Row]:
    """Every malformed payload through every read entry point of the fake server."""
    says: dict[str, tuple[str, ...]] = {
        "bad_length": ('key "1"', "length exceeds remaining length"),
        "truncated": ("row 1",),
        "bad_utf8_value": ("row 1", "name", "utf-8"),
        "bad_utf8_key": ("row 1", "field 'n.", "invalid utf-8 in field name"),
        "bad_type": ("row 1", "weird", "0x42"),
        "negative_string": ("row 1", "name"),
        "deep_200": ("row 1", "'n", "nesting deeper than 100"),
        "garbage_next_batch": ("malformed reply",),
        "int_in_batch": ("cursor batch holds a int32 where a document was expected",),
        "garbage_reply": ("malformed reply",),
    }
    entries: dict[str, Callable[[SimpleNamespace, str], Any]] = {
        "engine.find": lambda e, c: e.fake.collection(c).find(batch_size=2),
        "engine.find_sync": lambda e, c: e.fake.collection(c).find_sync(batch_size=2),
        "engine.find_raw": lambda e, c: e.fake.collection(c).find_raw(batch_size=2),
        "engine.aggregate_sync": lambda e, c: e.fake.collection(c).aggregate_sync([]),
        "engine.find_stream": lambda e, c: (
            e.fake.collection(c).find_stream(batch_size=2).read_all()
        ),
        "analytics.to_arrow": lambda e, c: e.fake_analytics[c].find().to_arrow(),
        "analytics_async.to_arrow": lambda e, c: e.fake_analytics_async[c].find().to_arrow(),
        "odm.find.to_list": lambda e, c: FAKE_ASYNC[c].find_all().to_list(),
        "sync.find.to_list": lambda e, c: FAKE_SYNC[c].find_all().to_list(),
    }
    rows = []
    for payload, fragments in says.items():
        for entry, call in entries.items():
            rows.append(
                Row(
                    f"fake {payload} -> {entry}",
                    lambda e, call=call, payload=payload: call(e, payload),
                    DecodeError,
                    fragments,
                )
            )
    return rows


ROWS = WRITES + NAMES + INJECTION + _fake_reads()


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
async def test_bad_input(row: Row, env: SimpleNamespace, seeded: pymongo.database.Database) -> None:
    before = snapshot(seeded)
    if row.raises is None:
        result = await resolve(row.call(env))
        assert row.result is not None, f"{row.id}: a row that raises nothing needs a result check"
        assert row.result(result), f"{row.id}: leaked {result!r}"
    else:
        with pytest.raises(row.raises) as caught:
            await resolve(row.call(env))
        message = str(caught.value).lower()
        missing = [part for part in row.says if part.lower() not in message]
        assert not missing, f"{row.id}: message {str(caught.value)[:500]!r} lacks {missing}"
    assert snapshot(seeded) == before, f"{row.id}: the stored data changed"
