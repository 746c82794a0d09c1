"""The engine's model encoder (``odm.fast_encode``) stores exactly what the pydantic-dump path does.

Every case inserts the same values twice, once through the model path and once through the
general path (``model_dump(by_alias=True)`` + ``encoder.encode``), then reads both back through
pymongo as raw BSON: the bytes must match (ids aside), and the decoded value must be the
expected stored form. Cases the model path must not take (custom serializers, bson_encoders,
sets, ...) are checked to fall back, and are stored as before.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Annotated, Any, ClassVar, Literal

import bson
import data_bridge
import data_bridge.sync
import pymongo
import pytest
from bson import Binary, Decimal128, Int64, ObjectId
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from data_bridge import DecimalAnnotation, Document, PydanticObjectId, after_event, before_event
from data_bridge.odm import fast_encode
from data_bridge.odm.actions import Insert
from pydantic import BaseModel, Field, PlainSerializer, field_serializer


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.Enum):
    LOW = 1


class Size(enum.IntEnum):
    BIG = 3


class Point(BaseModel):
    x: float
    y: float | None = None


class Aliased(BaseModel):
    inner_name: str = Field(alias="innerName")


class Sub(Point):
    z: int = 0


TZ = dt.timezone(dt.timedelta(hours=2))
UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
OID = ObjectId("5f0f0f0f0f0f0f0f0f0f0f0f")
NOW = dt.datetime(2024, 5, 6, 7, 8, 9, 123000)

# name -> (annotation, value, stored value as pymongo decodes it)
CASES: dict[str, tuple[Any, Any, Any]] = {
    "str": (str, "héllo", "héllo"),
    "int32": (int, 5, 5),
    "int64": (int, 2**40, Int64(2**40)),
    "float": (float, 1.5, 1.5),
    "bool": (bool, True, True),
    "datetime_naive": (dt.datetime, NOW, NOW),
    "datetime_aware_to_utc": (dt.datetime, NOW.replace(tzinfo=TZ), NOW - dt.timedelta(hours=2)),
    "date": (dt.date, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2)),
    "timedelta": (dt.timedelta, dt.timedelta(seconds=90, milliseconds=5), 90.005),
    "uuid": (uuid.UUID, UID, Binary.from_uuid(UID)),
    "decimal": (decimal.Decimal, decimal.Decimal("1.10"), Decimal128("1.10")),
    "decimal_annotation": (DecimalAnnotation, decimal.Decimal("-2.5"), Decimal128("-2.5")),
    "str_enum": (Color, Color.RED, "red"),
    "plain_enum": (Level, Level.LOW, 1),
    "int_enum": (Size, Size.BIG, 3),
    "literal": (Literal["a", "b"], "b", "b"),
    "object_id": (PydanticObjectId, PydanticObjectId(OID), OID),
    "bytes": (bytes, b"\x00\x01", b"\x00\x01"),
    "list_int": (list[int], [1, 2], [1, 2]),
    "tuple_point": (tuple[float, float], (1.0, 2.0), [1.0, 2.0]),
    "dict_str_int": (dict[str, int], {"a": 1}, {"a": 1}),
    "dict_any_keeps_none": (
        dict[str, Any],
        {"a": None, "b": {"c": None}},
        {"a": None, "b": {"c": None}},
    ),
    "any_mixed": (
        Any,
        [1, "x", {"d": dt.date(2020, 1, 1)}],
        [1, "x", {"d": dt.datetime(2020, 1, 1)}],
    ),
    "optional_set": (int | None, 4, 4),
    "nested": (Point, Point(x=1, y=2), {"x": 1.0, "y": 2.0}),
    "nested_none_field": (Point, Point(x=1), {"x": 1.0, "y": None}),
    "nested_list": (list[Point], [Point(x=1, y=2)], [{"x": 1.0, "y": 2.0}]),
    "nested_dict": (dict[str, Point], {"p": Point(x=3)}, {"p": {"x": 3.0, "y": None}}),
    "nested_alias": (Aliased, Aliased(innerName="q"), {"innerName": "q"}),
    "optional_model_none": (Point | None, None, None),
}
# Cases whose stored form drops None-valued model fields with keep_nulls=False.
WITHOUT_NULLS = {
    "nested_none_field": {"x": 1.0},
    "nested_dict": {"p": {"x": 3.0}},
}


def _model(base: type, name: str, annotation: Any, keep_nulls: bool) -> type:
    qualname = f"FE_{name}_{int(keep_nulls)}"
    # Module and qualified name as a `class Settings:` in the class body would have them.
    settings = type(
        "Settings",
        (),
        {
            "name": f"fe_{name}_{int(keep_nulls)}",
            "keep_nulls": keep_nulls,
            "__module__": __name__,
            "__qualname__": f"{qualname}.Settings",
        },
    )
    namespace = {
        "__annotations__": {"v": annotation, "label": str},
        "Settings": settings,
        "__module__": __name__,
        "__qualname__": qualname,
        "label": "x",
    }
    return type(qualname, (base,), namespace)


def _raw(database: pymongo.database.Database, name: str) -> list[RawBSONDocument]:
    options = CodecOptions(document_class=RawBSONDocument)
    return list(database.get_collection(name, codec_options=options).find())


def _without_id(raw: RawBSONDocument) -> bytes:
    """The document's bytes with its ObjectId zeroed (ids differ between the two inserts)."""
    data = raw.raw
    oid = raw["_id"]
    return data.replace(oid.binary, b"\x00" * 12) if isinstance(oid, ObjectId) else data


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    return pymongo_client[db_name]


async def _init(cls: type, db_name: str, uri: str) -> None:
    if issubclass(cls, data_bridge.sync.Document):
        data_bridge.sync.init(database=db_name, connection_string=uri, document_models=[cls])
    else:
        await data_bridge.init(database=db_name, connection_string=uri, document_models=[cls])


@pytest.mark.parametrize("keep_nulls", [True, False], ids=["keep_nulls", "drop_nulls"])
@pytest.mark.parametrize("name", list(CASES))
async def test_model_path_stores_what_the_dump_path_stores(
    name: str, keep_nulls: bool, raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    annotation, value, stored = CASES[name]
    cls = _model(Document, name, annotation, keep_nulls)
    await _init(cls, db_name, mongodb_uri)
    raw[cls.get_collection_name()].delete_many({})
    assert fast_encode.layout_of(cls) is not None
    fast = cls(v=value, label="a")
    assert fast_encode.encode(cls, [fast]) is not None
    await fast.insert()
    fast_encode.ENABLED = False
    try:
        await cls(v=value, label="a").insert()
    finally:
        fast_encode.ENABLED = True
    stored_docs = _raw(raw, cls.get_collection_name())
    assert len(stored_docs) == 2
    a, b = sorted(stored_docs, key=lambda d: d["_id"] != fast.id)
    assert _without_id(a) == _without_id(b)
    expected = stored if keep_nulls else WITHOUT_NULLS.get(name, stored)
    if expected is None and not keep_nulls:
        assert "v" not in a
    else:
        stored_value = bson.decode(a.raw)["v"]
        assert stored_value == expected
        assert type(stored_value) is type(expected)
    assert isinstance(fast.id, PydanticObjectId)
    assert a["_id"] == fast.id
    assert not fast.is_changed


def _fallback_models() -> dict[str, type]:
    class Encoded(Document):
        when: dt.date

        class Settings:
            name = "fe_fallback_encoders"
            bson_encoders: ClassVar[dict[Any, Any]] = {dt.date: lambda d: d.isoformat()}

    class Serialized(Document):
        secret: str

        class Settings:
            name = "fe_fallback_serializer"

        @field_serializer("secret")
        def _hide(self, value: str) -> str:
            return value.upper()

    class Annotated_(Document):
        doubled: Annotated[int, PlainSerializer(lambda v: v * 2)]

        class Settings:
            name = "fe_fallback_plain"

    class Tagged(Document):
        tags: set[str]

        class Settings:
            name = "fe_fallback_set"

    return {
        "bson_encoders": Encoded,
        "field_serializer": Serialized,
        "plain_serializer": Annotated_,
        "set": Tagged,
    }


FALLBACK_VALUES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "bson_encoders": ({"when": dt.date(2024, 1, 2)}, {"when": "2024-01-02"}),
    "field_serializer": ({"secret": "abc"}, {"secret": "ABC"}),
    "plain_serializer": ({"doubled": 4}, {"doubled": 8}),
    "set": ({"tags": {"x"}}, {"tags": ["x"]}),
}


@pytest.mark.parametrize("name", list(FALLBACK_VALUES))
async def test_custom_serialization_falls_back(
    name: str, raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    cls = _fallback_models()[name]
    await _init(cls, db_name, mongodb_uri)
    raw[cls.get_collection_name()].delete_many({})
    assert fast_encode.layout_of(cls) is None
    values, stored = FALLBACK_VALUES[name]
    doc = cls(**values)
    await doc.insert()
    found = raw[cls.get_collection_name()].find_one({"_id": doc.id})
    assert found is not None
    assert {k: v for k, v in found.items() if k != "_id"} == stored


async def test_subclass_instance_in_model_field_falls_back_at_run_time(
    raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    cls = _model(Document, "subclass", Point, True)
    await _init(cls, db_name, mongodb_uri)
    raw[cls.get_collection_name()].delete_many({})
    doc = cls(v=Point(x=1), label="a")
    doc.v = Sub(x=1, z=5)  # pydantic stores a subclass instance as the declared class
    assert fast_encode.encode(cls, [doc]) is None
    await doc.insert()
    found = raw[cls.get_collection_name()].find_one({"_id": doc.id})
    assert found is not None
    assert found["v"] == {"x": 1.0, "y": None}


AFTER_INSERT: list[str] = []


class Tracked(Document):
    name: str
    when: dt.datetime
    point: Point
    alias_field: int = Field(default=0, alias="aliasField")
    note: str | None = None
    seen: list[str] = Field(default_factory=list)

    class Settings:
        name = "fe_tracked"
        use_revision = True

    @before_event(Insert)
    def _mark(self) -> None:
        self.seen.append("before")

    @after_event(Insert)
    def _after(self) -> None:
        AFTER_INSERT.append(self.name)


class TrackedSync(data_bridge.sync.Document):
    name: str
    point: Point

    class Settings:
        name = "fe_tracked_sync"
        use_state_management = True


@pytest.mark.parametrize("many", [False, True], ids=["insert", "insert_many"])
async def test_state_ids_revision_and_events_after_a_model_path_insert(
    many: bool, raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    await _init(Tracked, db_name, mongodb_uri)
    raw["fe_tracked"].delete_many({})
    AFTER_INSERT.clear()
    assert fast_encode.layout_of(Tracked) is not None
    docs = [Tracked(name=f"n{i}", when=NOW, point=Point(x=i), aliasField=i) for i in range(3)]
    if many:
        await Tracked.insert_many(docs)
    else:
        for doc in docs:
            await doc.insert()
    stored = {d["_id"]: d for d in raw["fe_tracked"].find()}
    for i, doc in enumerate(docs):
        assert isinstance(doc.id, PydanticObjectId)
        row = stored[doc.id]
        assert row["aliasField"] == i
        assert row["point"] == {"x": float(i), "y": None}
        assert isinstance(row["revision_id"], Binary)
        assert row["revision_id"] == Binary.from_uuid(doc.revision_id)
        # Events run on insert() (before hooks write into the stored document), not insert_many.
        assert row["seen"] == ([] if many else ["before"])
        assert doc.seen == ([] if many else ["before"])
        assert not doc.is_changed
        assert doc.get_saved_state()["name"] == f"n{i}"
    assert ([] if many else ["n0", "n1", "n2"]) == AFTER_INSERT
    first = docs[0]
    first.point.x = 42
    first.note = "hello"
    assert first.is_changed
    assert first.get_changes() == {"point.x": 42.0, "note": "hello"}
    await first.save_changes()
    row = raw["fe_tracked"].find_one({"_id": first.id})
    assert row is not None
    assert row["point"]["x"] == 42.0
    assert row["note"] == "hello"
    assert not first.is_changed
    first.name = "changed"
    first.rollback()
    assert first.name == "n0"


def test_sync_insert_many_uses_the_model_path(
    raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[TrackedSync]
    )
    raw["fe_tracked_sync"].delete_many({})
    docs = [TrackedSync(name=f"s{i}", point=Point(x=i, y=1)) for i in range(5)]
    assert fast_encode.encode(TrackedSync, docs) is not None
    TrackedSync.insert_many(docs)
    assert sorted(d["name"] for d in raw["fe_tracked_sync"].find()) == [f"s{i}" for i in range(5)]
    assert all(isinstance(d.id, PydanticObjectId) for d in docs)
    docs[1].point.y = 7
    docs[1].save_changes()
    row = raw["fe_tracked_sync"].find_one({"_id": docs[1].id})
    assert row is not None
    assert row["point"] == {"x": 1.0, "y": 7.0}
    fresh = TrackedSync(name="one", point=Point(x=0))
    fresh.insert()
    assert raw["fe_tracked_sync"].count_documents({"_id": fresh.id}) == 1


async def test_explicit_and_duplicate_ids(
    raw: pymongo.database.Database, db_name: str, mongodb_uri: str
) -> None:
    cls = _model(Document, "explicit_id", int, True)
    await _init(cls, db_name, mongodb_uri)
    raw[cls.get_collection_name()].delete_many({})
    given = PydanticObjectId()
    doc = cls(id=given, v=1, label="a")
    await doc.insert()
    assert doc.id == given
    assert raw[cls.get_collection_name()].find_one({"_id": given}) is not None
    with pytest.raises(data_bridge.errors.DuplicateKeyError):
        await cls(id=given, v=2, label="b").insert()
