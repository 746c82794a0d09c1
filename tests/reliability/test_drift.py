"""Drifted data: stored documents whose types no longer match the model.

``Person.age`` is an ``int``, but some stored documents hold strings there (``"thirty"``),
some lack it and some hold null; one holds a string in the ``float`` field ``score``. Reading
them must either fail with a typed error naming the row, the path and both types (the default),
or, with ``on_mismatch="raw"``, return every value exactly as stored. Never a silent null.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pymongo
import pytest
from bson import json_util
from data_bridge.errors import DecodeError, InvalidInput
from data_bridge.odm.sync_queries import SyncFindMany

ROWS = 3000  # more than one server batch, so rows are counted across batches
AGE_STRINGS = {1500: "thirty", 2200: "41", 2900: "unknown"}
AGE_MISSING = {10, 20}
AGE_NULL = {30, 40}
SCORE_STRING = {2500: "n/a"}
FIRST_DRIFT = min(AGE_STRINGS)
COLLECTION = "people"


class Person(data_bridge.Document):
    """The async model."""

    name: str
    age: int
    score: float = 0.0

    class Settings:
        name = COLLECTION


class SyncPerson(data_bridge.sync.Document):
    """The same model on the blocking API."""

    name: str
    age: int
    score: float = 0.0

    class Settings:
        name = COLLECTION


def stored_document(i: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": f"p{i}", "age": AGE_STRINGS.get(i, i), "score": i / 2}
    if i in AGE_MISSING:
        del doc["age"]
    if i in AGE_NULL:
        doc["age"] = None
    if i in SCORE_STRING:
        doc["score"] = SCORE_STRING[i]
    return doc


@pytest.fixture(scope="module")
def stored(pymongo_client: pymongo.MongoClient, db_name: str) -> list[dict[str, Any]]:
    """The drifted collection, written by plain pymongo; returned in the server's order."""
    collection = pymongo_client[db_name][COLLECTION]
    collection.insert_many([stored_document(i) for i in range(ROWS)])
    return list(collection.find({}))


@pytest.fixture(scope="module", params=["async", "sync"])
async def model(request: pytest.FixtureRequest, mongodb_uri: str, db_name: str) -> Any:
    """The model on one flavour of the API, initialised on the drifted database."""
    if request.param == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Person]
        )
        return Person
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncPerson]
    )
    return SyncPerson


async def run(value: Any) -> Any:
    """Await an async result, ``.run()`` a lazy sync query, pass a sync result through."""
    if hasattr(type(value), "run") and not isinstance(value, data_bridge.sync.Document):
        return value.run()
    if inspect.isawaitable(value):
        return await value
    return value


async def iterate(query: Any) -> list[Any]:
    """``for`` over a sync query, ``async for`` over an async one."""
    if isinstance(query, SyncFindMany):
        return list(query)
    return [doc async for doc in query]


def first_drift_row(stored: list[dict[str, Any]]) -> int:
    """Row (in the server's order) of the first document whose age is a string."""
    return next(i for i, doc in enumerate(stored) if isinstance(doc.get("age"), str))


def first_invalid_row(stored: list[dict[str, Any]]) -> tuple[int, str]:
    """Row and found type of the first document pydantic would refuse: ``age`` is required, so
    a missing or null age counts as well as a string (issue 18: never a silent None)."""
    for i, doc in enumerate(stored):
        if "age" not in doc:
            return i, "missing"
        if doc["age"] is None:
            return i, "null"
        if isinstance(doc["age"], str):
            return i, "string"
    raise AssertionError("no invalid document stored")


def raw_values(column: Any) -> list[Any]:
    """The stored values of a raw-BSON (``data_bridge.bson``) column: its registered pyarrow
    type gives them back; polars shows each as relaxed extended JSON text."""
    values = column.to_pylist()
    if pa.types.is_string(column.type) or pa.types.is_string_view(column.type):
        return [None if v is None else json_util.loads(v) for v in values]
    return values


READS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "to_list": lambda m, kw: m.find_all(**kw).to_list(),
    "iterate": lambda m, kw: iterate(m.find_all(**kw)),
    "to_arrow": lambda m, kw: m.find_all(**kw).to_arrow(),
    "to_pandas": lambda m, kw: m.find_all(**kw).to_pandas(),
    "to_polars": lambda m, kw: m.find_all(**kw).to_polars(),
    "first_or_none": lambda m, kw: m.find(m.name == "p1500", **kw).first_or_none(),
}


@pytest.mark.parametrize("read", list(READS))
async def test_drifted_values_raise_a_decode_error_naming_row_and_path(
    model: Any, stored: list[dict[str, Any]], read: str
) -> None:
    with pytest.raises(DecodeError) as caught:
        await run(READS[read](model, {}))
    error = caught.value
    expected_row, found = (0, "string") if read == "first_or_none" else first_invalid_row(stored)
    assert (error.row, error.path, error.expected, error.found) == (
        expected_row,
        "age",
        "long",
        found,
    )
    assert f"row {expected_row}" in str(error)
    assert "'age'" in str(error)


async def test_get_of_a_drifted_document_raises(model: Any, stored: list[dict[str, Any]]) -> None:
    drifted = stored[first_drift_row(stored)]
    with pytest.raises(DecodeError, match="expected long, found string") as caught:
        await run(model.get(drifted["_id"]))
    assert (caught.value.row, caught.value.path) == (0, "age")
    # A document that did not drift still loads.
    intact = await run(model.get(stored[5]["_id"]))
    assert intact.age == stored[5]["age"]


def assert_as_stored(values: list[Any], stored: list[dict[str, Any]], key: str) -> None:
    """Every value equals the stored one, type included; None only where nothing was stored."""
    expected = [doc.get(key) for doc in stored]
    assert [(v, type(v)) for v in values] == [(v, type(v)) for v in expected]
    nulls = {i for i, v in enumerate(values) if v is None}
    assert nulls == {i for i, doc in enumerate(stored) if doc.get(key) is None}
    assert len(nulls) == len(AGE_MISSING | AGE_NULL) if key == "age" else not nulls


@pytest.mark.parametrize("read", ["to_list", "iterate"])
async def test_raw_fallback_returns_documents_holding_the_stored_values(
    model: Any, stored: list[dict[str, Any]], read: str
) -> None:
    docs = await run(READS[read](model, {"on_mismatch": "raw"}))
    assert [d.id for d in docs] == [s["_id"] for s in stored]
    assert_as_stored([d.age for d in docs], stored, "age")
    assert_as_stored([d.score for d in docs], stored, "score")
    assert {type(d.age) for d in docs} == {int, str, type(None)}
    # Fields that did not drift are decoded and validated as usual.
    assert [d.name for d in docs] == [s["name"] for s in stored]


async def test_raw_fallback_for_one_document(model: Any, stored: list[dict[str, Any]]) -> None:
    drifted = stored[first_drift_row(stored)]
    doc = await run(model.get(drifted["_id"], on_mismatch="raw"))
    assert (doc.name, doc.age) == (drifted["name"], drifted["age"])
    first = await run(model.find(model.name == "p2500", on_mismatch="raw").first_or_none())
    assert (first.age, first.score) == (2500, "n/a")


@pytest.mark.parametrize("read", ["to_arrow", "to_pandas", "to_polars"])
async def test_raw_fallback_in_arrow_keeps_drifted_fields_as_raw_bson(
    model: Any, stored: list[dict[str, Any]], read: str
) -> None:
    result = await run(READS[read](model, {"on_mismatch": "raw"}))
    if read == "to_pandas":  # the stored values, as Python objects
        for key in ("age", "score"):
            assert_as_stored(result[key].tolist(), stored, key)
        assert result["name"].tolist() == [s["name"] for s in stored]
        return
    table = pa.table(result)
    for key in ("age", "score"):
        column = table.column(key)
        if read == "to_arrow":
            assert column.type.extension_name == "data_bridge.bson"
        else:  # polars: relaxed extended JSON text
            assert pa.types.is_string(column.type) or pa.types.is_string_view(column.type)
        assert_as_stored(raw_values(column), stored, key)
    assert table.column("name").to_pylist() == [s["name"] for s in stored]


async def test_raw_fallback_marks_the_arrow_field(model: Any, stored: list[dict[str, Any]]) -> None:
    table = await run(model.find_all(on_mismatch="raw").to_arrow())
    del stored
    for key in ("age", "score"):
        assert table.schema.field(key).type.extension_name == "data_bridge.bson"
    assert table.schema.field("name").type == pa.string()


async def test_counted_nulls_are_refused_for_models(model: Any) -> None:
    with pytest.raises(InvalidInput, match='"error" or "raw"'):
        model.find_all(on_mismatch="null")


@pytest.mark.parametrize(
    "schema",
    [{"name": "string", "age": "long"}, pa.schema([("name", pa.string()), ("age", pa.int64())])],
    ids=["spec", "arrow"],
)
async def test_analytics_reader_is_strict_then_lossless(
    mongodb_uri: str, db_name: str, stored: list[dict[str, Any]], schema: Any
) -> None:
    people = data_bridge.connect(mongodb_uri)[db_name][COLLECTION]
    with pytest.raises(DecodeError) as caught:
        people.find(schema=schema).to_arrow()
    assert (caught.value.row, caught.value.path) == (first_drift_row(stored), "age")
    table = people.find(schema=schema, on_mismatch="raw").to_arrow(partitions=2)
    assert_as_stored(raw_values(table.column("age")), stored, "age")
    # Inference (no schema) is lossless by itself: the mixed field becomes raw BSON too.
    inferred = people.find().to_arrow()
    assert_as_stored(raw_values(inferred.column("age")), stored, "age")
