"""The offline codec: bson_to_arrow / arrow_to_bson / infer_schema (no server needed)."""

from __future__ import annotations

import datetime
import multiprocessing
import queue
import random
import struct
import uuid
import warnings

import bson
import data_bridge
import polars as pl
import pyarrow as pa
import pytest
from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from data_bridge import _engine
from data_bridge.codec import InferredSchema


def element(kind: int, key: str, value: bytes) -> bytes:
    return bytes([kind]) + key.encode() + b"\0" + value


def document(*elements: bytes) -> bytes:
    body = b"".join(elements)
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def bson_string(s: str) -> bytes:
    raw = s.encode()
    return struct.pack("<i", len(raw) + 1) + raw + b"\0"


EVERY_TYPE = {
    "double": 1.5,
    "string": "héllo",
    "document": {"a": 1, "b": {"c": "deep"}},
    "array": [1, 2, 3],
    "binary": Binary(b"\x01\x02\x03", 0),
    "binary_user": Binary(b"\x09", 0x80),
    "binary_md5": Binary(b"0123456789abcdef", 5),
    "binary_old": Binary(b"\x07\x07", 2),
    "uuid": Binary(uuid.UUID(int=0x1234).bytes, 4),
    "oid": ObjectId(b"abcdefghijkl"),
    "bool": True,
    "date": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000),
    "regex": Regex("^a.*", "im"),
    "code": Code("function() {}"),
    "code_scope": Code("x + y", {"x": 1}),
    "int32": 42,
    "timestamp": Timestamp(1_700_000_000, 7),
    "int64": Int64(1 << 40),
    "decimal": Decimal128("12.345"),
    "min": MinKey(),
    "max": MaxKey(),
    "list_of_docs": [{"x": 1}, {"x": 2, "y": "z"}],
}

# Types pymongo cannot write (it reads them as other types): undefined, symbol, DBPointer.
LEGACY = document(
    element(0x06, "undefined", b""),
    element(0x0E, "symbol", bson_string("sym")),
    element(0x0C, "dbpointer", bson_string("db.coll") + b"\x03" * 12),
    element(0x10, "n", struct.pack("<i", 1)),
)


def test_every_bson_type_round_trips_byte_for_byte() -> None:
    data = bson.encode(EVERY_TYPE) + LEGACY
    table = data_bridge.bson_to_arrow(data, schema=None)
    assert table.num_rows == 2
    # The documents share no field: each comes back with only its own (missing → null → omitted).
    out = data_bridge.arrow_to_bson(table)
    assert bson.decode_all(out) == bson.decode_all(data)
    assert out == data
    # Through pyarrow and back: the extension metadata survives the C data interface.
    assert data_bridge.arrow_to_bson(pa.table(table)) == data


def test_every_type_column_is_the_documented_arrow_type() -> None:
    table = pa.table(data_bridge.bson_to_arrow(bson.encode(EVERY_TYPE) + LEGACY))
    schema = table.schema
    # pyarrow wraps every codec extension name in its registered type; the storage is unchanged.
    ext = {f.name: getattr(f.type, "extension_name", "").encode() for f in schema}
    assert schema.field("oid").type.storage_type == pa.binary(12)
    assert ext["oid"] == b"data_bridge.objectid"
    # pyarrow knows the canonical UUID extension and turns it into its own type.
    uuid_type = schema.field("uuid").type
    assert isinstance(uuid_type, pa.BaseExtensionType)
    assert (uuid_type.extension_name, uuid_type.storage_type) == ("arrow.uuid", pa.binary(16))
    assert schema.field("date").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("decimal").type.storage_type == pa.binary(16)
    assert ext["decimal"] == b"data_bridge.decimal128"
    assert schema.field("document").type == pa.struct(
        [("a", pa.int32()), ("b", pa.struct([("c", pa.string())]))]
    )
    assert schema.field("array").type == pa.list_(pa.int32())
    assert ext["symbol"] == b"data_bridge.symbol"
    assert ext["dbpointer"] == b"data_bridge.dbpointer"
    assert ext["undefined"] == b"data_bridge.undefined"
    assert schema.field("binary_user").type.__arrow_ext_serialize__() == b'{"subtype":128}'
    assert table.column("date")[0].as_py() == datetime.datetime(
        2024, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc
    )
    assert table.column("oid")[0].as_py() == bson.ObjectId(b"abcdefghijkl")


def test_pyarrow_table_shares_the_rust_buffers() -> None:
    data = b"".join(bson.encode({"x": i, "s": str(i)}) for i in range(1000))
    table = data_bridge.bson_to_arrow(data)
    first, second = pa.table(table), pa.table(table)
    for name in ("x", "s"):
        a = first.column(name).chunks[0].buffers()
        b = second.column(name).chunks[0].buffers()
        # Two imports of the same export point at the same memory: nothing was copied.
        assert [buf.address for buf in a if buf] == [buf.address for buf in b if buf]
    assert first.column("x").to_pylist() == list(range(1000))


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_bytes_like_inputs(wrap: type) -> None:
    data = bson.encode({"a": 1}) + bson.encode({"a": 2})
    assert pa.table(data_bridge.bson_to_arrow(wrap(data))).column("a").to_pylist() == [1, 2]


def test_dict_spec_and_arrow_schema() -> None:
    docs = [
        {"_id": ObjectId(), "name": "a", "address": {"city": "Oslo", "zip": "1"}, "tags": ["x"]},
        {"_id": ObjectId(), "name": "b", "tags": [], "extra": "skipped"},
    ]
    data = b"".join(bson.encode(d) for d in docs)
    spec = {"_id": "objectId", "address": {"city": "string"}, "tags": ["string"]}
    table = pa.table(data_bridge.bson_to_arrow(data, schema=spec))
    assert table.column_names == ["_id", "address", "tags"]
    assert table.column("address").to_pylist() == [{"city": "Oslo"}, None]
    assert table.column("tags").to_pylist() == [["x"], []]
    arrow_schema = pa.schema([("name", pa.string()), ("missing", pa.int64())])
    table = pa.table(data_bridge.bson_to_arrow(data, schema=arrow_schema))
    assert table.to_pylist() == [{"name": "a", "missing": None}, {"name": "b", "missing": None}]


def test_type_mismatch_raises_decode_error_with_attributes() -> None:
    data = bson.encode({"a": {"b": "x"}}) + bson.encode({"a": {"b": 7}})
    with pytest.raises(_engine.DecodeError) as info:
        data_bridge.bson_to_arrow(data, schema={"a": {"b": "string"}})
    error = info.value
    assert (error.row, error.path, error.expected, error.found) == (1, "a.b", "string", "int")
    assert isinstance(error, _engine.CodecError)
    assert isinstance(error, _engine.DataBridgeError)


def test_on_mismatch_null_counts_nulled_values() -> None:
    data = bson.encode({"a": "x"}) + bson.encode({"a": 7}) + bson.encode({})
    table = data_bridge.bson_to_arrow(data, schema={"a": "string"}, on_mismatch="null")
    assert table.nulled == 1
    assert pa.table(table).column("a").to_pylist() == ["x", None, None]
    with pytest.raises(_engine.InvalidInput):
        data_bridge.bson_to_arrow(data, schema={"a": "string"}, on_mismatch="ignore")  # type: ignore[arg-type]


def test_bad_schemas_raise_schema_error() -> None:
    data = bson.encode({"a": 1})
    with pytest.raises(_engine.SchemaError):
        data_bridge.bson_to_arrow(data, schema={"a": "integer"})
    with pytest.raises(_engine.SchemaError):
        data_bridge.bson_to_arrow(data, schema=pa.schema([("a", pa.duration("s"))]))


def test_infer_schema_reports_conflicts() -> None:
    data = b"".join(
        bson.encode(d) for d in [{"x": 1, "y": 1}, {"x": "one", "y": 2.5}, {"x": 2, "y": None}]
    )
    inferred = data_bridge.infer_schema(data)
    assert isinstance(inferred, InferredSchema)
    schema, conflicts = inferred
    assert conflicts == [{"path": "x", "types": {"int": 2, "string": 1}}]
    assert pa.schema(schema).field("y").type == pa.float64()
    assert pa.schema(schema).field("x").type.extension_name == "data_bridge.bson"
    # The fallback column keeps every value: each cell is the stored value.
    table = pa.table(data_bridge.bson_to_arrow(data))
    cells = table.column("x").to_pylist()
    assert cells == [1, "one", 2]
    only_first = data_bridge.infer_schema(data, sample_size=1)
    assert only_first.conflicts == []


def test_arrow_to_bson_accepts_capsule_objects_and_common_types() -> None:
    table = pa.table(
        {
            "i8": pa.array([1, None], pa.int8()),
            "u32": pa.array([4_000_000_000, 1], pa.uint32()),
            "f32": pa.array([1.5, 2.0], pa.float32()),
            "big": pa.array(["x", "y"], pa.large_string()),
            "us": pa.array([1_000_123, 0], pa.timestamp("us")),
            "ll": pa.array([[1], [2, 3]], pa.large_list(pa.int64())),
        }
    )
    docs = bson.decode_all(data_bridge.arrow_to_bson(table))
    assert docs[0] == {
        "i8": 1,
        "u32": 4_000_000_000,
        "f32": 1.5,
        "big": "x",
        "us": datetime.datetime(1970, 1, 1, 0, 0, 1),
        "ll": [1],
    }
    assert "i8" not in docs[1]
    kept = bson.decode_all(data_bridge.arrow_to_bson(table, keep_nulls=True))
    assert kept[1]["i8"] is None
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert bson.decode_all(data_bridge.arrow_to_bson(frame)) == [{"a": 1, "b": "x"}, {"a": 2}]
    assert bson.decode_all(data_bridge.arrow_to_bson(table.to_batches()[0]))[1]["u32"] == 1


def test_encode_error_names_row_and_path() -> None:
    table = pa.table({"n": pa.array([1, 2**63 + 5], pa.uint64())})
    with pytest.raises(_engine.EncodeError) as info:
        data_bridge.arrow_to_bson(table)
    assert (info.value.row, info.value.path) == (1, "n")


def test_multi_batch_round_trip_keeps_order() -> None:
    docs = [{"i": i, "tags": [str(i)] * (i % 3), "sub": {"k": i % 2 == 0}} for i in range(70_000)]
    data = b"".join(bson.encode(d) for d in docs)
    table = data_bridge.bson_to_arrow(data)
    assert table.num_batches >= 2
    assert bson.decode_all(data_bridge.arrow_to_bson(table)) == docs
    assert data_bridge.arrow_to_bson(table) == data


def test_malformed_input_raises_and_never_crashes() -> None:
    good = bson.encode(EVERY_TYPE) + LEGACY
    rng = random.Random(7)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(600):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        try:
            data_bridge.bson_to_arrow(bytes(data))
            outcomes["ok"] += 1
        except _engine.CodecError:
            outcomes["error"] += 1
    assert outcomes["error"] > 0
    for bad in [b"\x05\x00\x00", b"\xff\xff\xff\x7f\x00", b"\x06\x00\x00\x00\x00\x00"]:
        with pytest.raises(_engine.DecodeError) as info:
            data_bridge.bson_to_arrow(bad)
        assert info.value.row == 0
    with pytest.raises(_engine.InvalidInput):
        data_bridge.bson_to_arrow("not bytes")  # type: ignore[arg-type]


def test_deep_nesting_is_an_error() -> None:
    value: dict[str, object] = {"leaf": 1}
    for _ in range(150):
        value = {"d": value}
    with pytest.raises(_engine.DecodeError, match="nesting"):
        data_bridge.bson_to_arrow(bson.encode(value))


def test_empty_input_gives_an_empty_table() -> None:
    table = data_bridge.bson_to_arrow(b"", schema={"a": "int"})
    assert table.num_rows == 0
    assert pa.table(table).schema.names == ["a"]
    assert data_bridge.arrow_to_bson(pa.table({"a": pa.array([], pa.int32())})) == b""


def _decode_in_child(data: bytes, done: multiprocessing.queues.Queue[list[int]]) -> None:
    done.put(pa.table(data_bridge.bson_to_arrow(data)).column("i").to_pylist())


def test_decoding_works_in_a_forked_child_after_the_parent_decoded() -> None:
    # The parent's worker threads do not exist in a forked child: the codec must build its own
    # pool there instead of queueing work for threads that will never run it.
    data = b"".join(bson.encode({"i": i}) for i in range(100_000))
    assert data_bridge.bson_to_arrow(data).num_batches >= 2
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    with warnings.catch_warnings():
        # Python >= 3.12 warns about fork() in a threaded process; forking is the point here.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = context.Process(target=_decode_in_child, args=(data, done))
        child.start()
    # Generous bounds that only a deadlock reaches; they are not performance assertions. The
    # result is read before joining: a child does not exit while its queue is unread.
    try:
        decoded = done.get(timeout=120)
    except queue.Empty:
        child.kill()
        pytest.fail("decoding in a forked child hung")
    child.join(timeout=60)
    assert child.exitcode == 0
    assert decoded == list(range(100_000))
