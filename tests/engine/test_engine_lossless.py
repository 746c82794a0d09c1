"""Nothing is lost on the way to Python: stream fields, every BSON type, Arrow memory, batches."""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pymongo
import pytest
from bson import (
    Binary,
    Code,
    CodecOptions,
    Decimal128,
    Int64,
    MaxKey,
    MinKey,
    ObjectId,
    Regex,
    Timestamp,
    UuidRepresentation,
)
from bson.raw_bson import RawBSONDocument
from data_bridge import _engine
from data_bridge.errors import DecodeError
from engine_support import MODES, call, fresh_name
from pymongo.errors import OperationFailure


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


# --- 1. a field first seen in a later batch of an inferred stream -------------------------------


@pytest.fixture(scope="module")
def late_field(db_name: str, pymongo_client: pymongo.MongoClient) -> str:
    """20 documents; only row 15 (after the first batch of 10) has the field `extra`."""
    name = fresh_name("late")
    pymongo_client[db_name][name].insert_many(
        [{"_id": i, "v": i} | ({"extra": "late"} if i == 15 else {}) for i in range(20)]
    )
    return name


def _stream(coll: _engine.Collection, kind: str, **kwargs: Any) -> _engine.RecordBatchStream:
    if kind == "find":
        return coll.find_stream({}, sort={"_id": 1}, batch_size=10, **kwargs)
    return coll.aggregate_stream([{"$sort": {"_id": 1}}], batch_size=10, **kwargs)


@pytest.mark.parametrize("kind", ["find", "aggregate"])
async def test_stream_field_after_the_first_batch_is_an_error(
    client: _engine.Client, db_name: str, late_field: str, kind: str
) -> None:
    coll = client.database(db_name).collection(late_field)
    stream = _stream(coll, kind)
    first = next(stream)
    assert first.num_rows == 10
    assert "extra" not in first.column_names
    with pytest.raises(DecodeError, match="schema=") as info:
        next(stream)
    assert info.value.row == 15
    assert info.value.path == "extra"
    # The async path and read_all fail the same way.
    with pytest.raises(DecodeError) as again:
        async for _ in _stream(coll, kind):
            pass
    assert (again.value.row, again.value.path) == (15, "extra")
    with pytest.raises(DecodeError, match="extra"):
        _stream(coll, kind).read_all()


async def test_stream_nested_field_after_the_first_batch_is_an_error(
    client: _engine.Client, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    name = fresh_name("nested_late")
    docs: list[dict[str, Any]] = [
        {"_id": i, "a": {"x": i}, "items": [{"sku": "s"}]} for i in range(12)
    ]
    docs[11]["items"].append({"sku": "t", "qty": 2})
    pymongo_client[db_name][name].insert_many(docs)
    coll = client.database(db_name).collection(name)
    with pytest.raises(DecodeError) as info:
        coll.find_stream({}, sort={"_id": 1}, batch_size=10).read_all()
    assert (info.value.row, info.value.path) == (11, "items[1].qty")


@pytest.mark.parametrize("kind", ["find", "aggregate"])
async def test_stream_with_explicit_schema_skips_unknown_fields(
    client: _engine.Client, db_name: str, late_field: str, kind: str
) -> None:
    coll = client.database(db_name).collection(late_field)
    table = _stream(coll, kind, schema={"_id": "int", "v": "int"}).read_all()
    assert table.num_rows == 20
    assert table.column_names == ["_id", "v"]
    assert table.column("v") == list(range(20))


async def test_find_without_stream_still_infers_over_every_document(
    client: _engine.Client, db_name: str, late_field: str
) -> None:
    table = await client.database(db_name).collection(late_field).find({}, sort={"_id": 1})
    assert table.column("extra") == [None] * 15 + ["late"] + [None] * 4


# --- 2. every BSON type reaches Python as pymongo gives it -------------------------------------


def _cstring(text: str) -> bytes:
    return text.encode() + b"\x00"


def _string(text: str) -> bytes:
    data = _cstring(text)
    return struct.pack("<i", len(data)) + data


def _raw_document(key: str, value_type: int, value: bytes) -> RawBSONDocument:
    """`{_id: <key>, v: <value>}` built byte by byte, for types pymongo cannot produce."""
    body = b"\x02" + _cstring("_id") + _string(key) + bytes([value_type]) + _cstring("v") + value
    body += b"\x00"
    return RawBSONDocument(struct.pack("<i", len(body) + 4) + body)


POINTER_ID = ObjectId("65f0a1b2c3d4e5f6a7b8c9d0")
OLD_BINARY = b"\x01\x02\x03"

# `$type` alias -> a builder of the document {_id: alias, v: value}.
VALUES: dict[str, Callable[[str], Any]] = {
    "double": lambda k: {"_id": k, "v": 2.5},
    "string": lambda k: {"_id": k, "v": "héllo"},
    "object": lambda k: {"_id": k, "v": {"a": 1, "b": [1, "x"]}},
    "array": lambda k: {"_id": k, "v": [1, 2, 3]},
    "binData": lambda k: {"_id": k, "v": b"\x00\x01"},
    "binData_user": lambda k: {"_id": k, "v": Binary(b"xyz", 0x80)},
    "binData_old": lambda k: _raw_document(
        k,
        0x05,
        struct.pack("<i", len(OLD_BINARY) + 4) + b"\x02" + struct.pack("<i", 3) + OLD_BINARY,
    ),
    "uuid": lambda k: {"_id": k, "v": uuid.UUID(int=0x1234)},
    "undefined": lambda k: _raw_document(k, 0x06, b""),
    "objectId": lambda k: {"_id": k, "v": ObjectId("65f0a1b2c3d4e5f6a7b8c9d1")},
    "bool": lambda k: {"_id": k, "v": True},
    "date": lambda k: {"_id": k, "v": datetime(2024, 2, 29, 12, 30, 15, 123000)},
    "null": lambda k: {"_id": k, "v": None},
    "regex": lambda k: {"_id": k, "v": Regex("^a.*", "i")},
    "dbPointer": lambda k: _raw_document(k, 0x0C, _string("db.pointed") + POINTER_ID.binary),
    "javascript": lambda k: {"_id": k, "v": Code("function() { return 1; }")},
    "symbol": lambda k: _raw_document(k, 0x0E, _string("sym")),
    "javascriptWithScope": lambda k: {"_id": k, "v": Code("function() { return x; }", {"x": 1})},
    "int": lambda k: {"_id": k, "v": 7},
    "timestamp": lambda k: {"_id": k, "v": Timestamp(1_700_000_000, 5)},
    "long": lambda k: {"_id": k, "v": Int64(2**40)},
    "decimal": lambda k: {"_id": k, "v": Decimal128("1.10")},
    "minKey": lambda k: {"_id": k, "v": MinKey()},
    "maxKey": lambda k: {"_id": k, "v": MaxKey()},
}

# The names a server uses when it refuses to store a deprecated type.
REFUSAL_NAMES = {
    "undefined": "undefined",
    "dbPointer": "dbpointer|db pointer",
    "symbol": "symbol",
}


def _insert(oracle: Any, alias: str) -> str | None:
    """Insert the document through pymongo (once); the server's refusal of its type, if any."""
    if oracle.find_one({"_id": alias}) is not None:
        return None
    try:
        oracle.insert_one(VALUES[alias](alias))
    except OperationFailure as exc:
        names = REFUSAL_NAMES.get(alias)
        if names and re.search(names, str(exc), re.IGNORECASE):
            return f"the server refuses to store BSON {alias}: {exc}"
        raise
    return _rewritten(oracle, alias)


def _rewritten(oracle: Any, alias: str) -> str | None:
    """Why the test cannot run if the server stored a legacy value as another BSON type."""
    sent = VALUES[alias](alias)
    if not isinstance(sent, RawBSONDocument):
        return None
    raw = oracle.with_options(codec_options=CodecOptions(document_class=RawBSONDocument)).find_one(
        {"_id": alias}
    )
    # Both documents are {_id: <alias>, v: ...}: the type byte of `v` follows the `_id` element.
    v_type_at = 4 + len(b"\x02_id\x00") + len(_string(alias))
    sent_type = sent.raw[v_type_at : v_type_at + 1]
    stored_type = raw.raw[v_type_at : v_type_at + 1] if raw is not None else b""
    if stored_type != sent_type:
        # SecantusDB's Python server turns a DBPointer into a {$ref, $id} sub-document. The
        # document is removed so that, as for a refused type, nothing of that type is stored.
        oracle.delete_one({"_id": alias})
        return (
            f"the server stored BSON {alias} (type 0x{sent_type.hex()}) as type "
            f"0x{stored_type.hex()}, so there is no {alias} to read back"
        )
    return None


@pytest.fixture(scope="module")
def oracle(db_name: str, pymongo_client: pymongo.MongoClient) -> Any:
    """A pymongo collection decoding UUIDs as uuid.UUID, our convention."""
    options: CodecOptions[Any] = CodecOptions(uuid_representation=UuidRepresentation.STANDARD)
    return pymongo_client[db_name].get_collection(fresh_name("types"), codec_options=options)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("alias", list(VALUES))
async def test_every_bson_type_reaches_python_as_pymongo_decodes_it(
    client: _engine.Client, db_name: str, oracle: Any, alias: str, mode: str
) -> None:
    refusal = _insert(oracle, alias)
    if refusal:
        pytest.skip(refusal)
    expected = oracle.find_one({"_id": alias})
    assert expected is not None
    coll = client.database(db_name).collection(oracle.name)
    query = {"_id": alias}
    # Typed Arrow column (inferred from this one value).
    table = await call(coll, "find", mode, query)
    assert table.to_pylist() == [expected]
    assert table.column("v") == [expected["v"]]
    assert table.row(0) == expected
    # Straight from BSON.
    assert await call(coll, "find_raw", mode, query) == [expected]
    assert await call(coll, "find_one", mode, query) == expected


async def test_mixed_types_in_one_column_reach_python_as_pymongo_decodes_them(
    client: _engine.Client, db_name: str, oracle: Any
) -> None:
    """All values in one column: inference makes it an `any` column of raw BSON values."""
    refused = [alias for alias in VALUES if _insert(oracle, alias)]
    expected = list(oracle.find({}, sort=[("_id", 1)]))
    assert len(expected) == len(VALUES) - len(refused)
    coll = client.database(db_name).collection(oracle.name)
    table = await coll.find({}, sort={"_id": 1})
    assert table.to_pylist() == expected
    assert table.column("v") == [doc["v"] for doc in expected]
    assert await coll.find_raw({}, sort={"_id": 1}) == expected


# --- 3. zero-copy numpy views are read-only; copies are not -----------------------------------


async def test_to_numpy_view_is_read_only_and_copy_is_writeable(
    client: _engine.Client, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    name = fresh_name("numpy")
    pymongo_client[db_name][name].insert_many(
        [{"_id": i, "n": i, "x": i / 2, "when": datetime(2024, 1, 1, 0, 0, i)} for i in range(5)]
        + [{"_id": 5, "n": 5, "when": datetime(2024, 1, 1, 0, 0, 5)}]
    )
    table = await client.database(db_name).collection(name).find({}, sort={"_id": 1})
    assert table.num_batches == 1
    for column in ("n", "when"):
        view = table.to_numpy(column)
        assert view.flags.writeable is False
        with pytest.raises(ValueError, match="read-only"):
            view[0] = view[1]
        with pytest.raises(ValueError, match="WRITEABLE"):
            view.setflags(write=True)
    assert table.to_numpy("n").tolist() == list(range(6))
    copy = table.to_numpy("x")  # a null: copied, NaN in its place
    assert copy.flags.writeable is True
    assert np.isnan(copy[5])
    copy[0] = 42.0
    assert table.column("x")[0] == 0.0


# --- 4. small results come back as one batch ---------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_small_result_is_one_batch(
    client: _engine.Client, db_name: str, pymongo_client: pymongo.MongoClient, mode: str
) -> None:
    name = fresh_name("small")
    pymongo_client[db_name][name].insert_many([{"_id": i, "v": i} for i in range(5)])
    coll = client.database(db_name).collection(name)
    table = await call(coll, "find", mode, {}, sort={"_id": 1})
    assert table.num_batches == 1
    assert table.column("v") == list(range(5))
    explicit = await call(coll, "find", mode, {}, schema={"v": "int"})
    assert explicit.num_batches == 1
