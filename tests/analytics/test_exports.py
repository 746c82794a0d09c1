"""Every export path (Arrow, pandas, polars, numpy) over the wire, blocking and awaitable."""

from __future__ import annotations

import datetime
import sys
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from .conftest import BATCH, N_DOCS, resolve


def _utc(values: list[datetime.datetime]) -> list[datetime.datetime]:
    return [v.replace(tzinfo=datetime.timezone.utc) for v in values]


async def test_to_arrow_matches_pymongo(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)], batch_size=BATCH)
    table = await resolve(q.to_arrow())
    assert isinstance(table, pa.Table)
    assert table.num_rows == N_DOCS
    assert table.column("_id").to_pylist() == [d["_id"] for d in people]
    assert table.column("age").to_pylist() == [d["age"] for d in people]
    assert table.column("score").to_pylist() == [d["score"] for d in people]
    assert table.column("active").to_pylist() == [d["active"] for d in people]
    assert table.column("created").to_pylist() == _utc([d["created"] for d in people])
    assert table.column("tags").to_pylist() == [d["tags"] for d in people]
    assert table.column("address").to_pylist() == [d["address"] for d in people]
    assert table.schema.field("_id").type.extension_name == "data_bridge.objectid"


async def test_to_arrow_keeps_one_chunk_per_batch(api: Any, db_name: str, people: list) -> None:
    coll = api[db_name]["people"]
    engine_table = coll.engine.find_sync({}, batch_size=BATCH)
    table = await resolve(coll.find({}, batch_size=BATCH).to_arrow())
    # One chunk per engine record batch: nothing concatenated on the way to pyarrow.
    assert table.column("age").num_chunks == engine_table.num_batches
    schema = {"age": "int"}
    engine_with_schema = coll.engine.find_sync({}, batch_size=BATCH, schema=schema)
    with_schema = await resolve(coll.find({}, batch_size=BATCH, schema=schema).to_arrow())
    # With a schema each server batch is decoded as it arrives: at least one chunk per batch,
    # and still exactly one chunk per engine batch.
    chunks = with_schema.column("age").num_chunks
    assert chunks == engine_with_schema.num_batches >= N_DOCS // BATCH
    assert sum(len(c) for c in with_schema.column("age").chunks) == N_DOCS


async def test_filter_sort_limit(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({"age": {"$gte": 60}}, sort=[("age", -1), ("_id", 1)], limit=50)
    table = await resolve(q.to_arrow())
    expected = sorted((d for d in people if d["age"] >= 60), key=lambda d: (-d["age"], d["_id"]))
    assert table.column("name").to_pylist() == [d["name"] for d in expected[:50]]


async def test_aggregate_exports(api: Any, db_name: str, people: list[dict]) -> None:
    pipeline = [
        {"$group": {"_id": "$address.city", "n": {"$sum": 1}, "avg_age": {"$avg": "$age"}}},
        {"$sort": {"_id": 1}},
    ]
    q = api[db_name]["people"].aggregate(pipeline)
    table = await resolve(q.to_arrow())
    cities = sorted({d["address"]["city"] for d in people})
    assert table.column("_id").to_pylist() == cities
    counts = {c: sum(d["address"]["city"] == c for d in people) for c in cities}
    assert table.column("n").to_pylist() == [counts[c] for c in cities]
    frame = await resolve(q.to_polars())
    assert frame["_id"].to_list() == cities
    df = await resolve(q.to_pandas())
    assert list(df["n"]) == [counts[c] for c in cities]


async def test_to_pandas_arrow_backend(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    df = await resolve(q.to_pandas())
    assert isinstance(df, pd.DataFrame)
    assert isinstance(df["age"].dtype, pd.ArrowDtype)
    assert isinstance(df["created"].dtype, pd.ArrowDtype)
    assert df["age"].tolist() == [d["age"] for d in people]
    assert df["name"].tolist() == [d["name"] for d in people]


async def test_to_pandas_numpy_backend(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    df = await resolve(q.to_pandas(dtype_backend="numpy"))
    assert df["age"].dtype == np.dtype("int64") or df["age"].dtype == np.dtype("int32")
    assert df["score"].dtype == np.dtype("float64")
    assert df["score"].tolist() == [d["score"] for d in people]
    with pytest.raises(ValueError, match="dtype_backend"):
        await resolve(q.to_pandas(dtype_backend="cuda"))  # type: ignore[arg-type]


async def test_to_polars(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    frame = await resolve(q.to_polars())
    assert isinstance(frame, pl.DataFrame)
    assert frame.height == N_DOCS
    assert frame["email"].to_list() == [d["email"] for d in people]
    assert frame["address"].struct.field("city").to_list() == [d["address"]["city"] for d in people]


async def test_to_numpy(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    ages = await resolve(q.to_numpy("score"))
    assert isinstance(ages, np.ndarray)
    np.testing.assert_array_equal(ages, np.array([d["score"] for d in people]))


async def test_columns_client_side(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    table = await resolve(q.to_arrow(columns=["score", "name"]))
    assert table.column_names == ["score", "name"]
    assert table.column("name").to_pylist() == [d["name"] for d in people]


async def test_columns_server_side(api: Any, db_name: str, people: list[dict]) -> None:
    q = api[db_name]["people"].find({}, sort=[("_id", 1)])
    table = await resolve(q.to_arrow(columns=["age"], projection="server"))
    assert table.column_names == ["age"]
    assert table.column("age").to_pylist() == [d["age"] for d in people]


async def test_columns_missing_raises(api: Any, db_name: str, people: list) -> None:
    q = api[db_name]["people"].find({}, schema={"name": "string"})
    with pytest.raises(KeyError, match="nope"):
        await resolve(q.to_arrow(columns=["nope"]))


async def test_explicit_schema(api: Any, db_name: str, people: list[dict]) -> None:
    schema = pa.schema({"name": pa.string(), "age": pa.int64(), "score": pa.float64()})
    q = api[db_name]["people"].find({}, sort=[("_id", 1)], schema=schema)
    table = await resolve(q.to_arrow())
    assert table.schema.names == ["name", "age", "score"]
    assert table.schema.field("age").type == pa.int64()
    spec_q = api[db_name]["people"].find({}, sort=[("_id", 1)], schema={"age": "long"})
    assert (await resolve(spec_q.to_arrow())).column("age").to_pylist() == [
        d["age"] for d in people
    ]


async def test_empty_result(api: Any, db_name: str, people: list) -> None:
    q = api[db_name]["people"].find({"age": -1})
    table = await resolve(q.to_arrow())
    assert table.num_rows == 0
    assert (await resolve(q.to_polars())).height == 0


def test_missing_optional_dependency_names_the_extra(
    sync_client: Any, db_name: str, people: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = sync_client[db_name]["people"].find({})
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r'pip install "data-bridge\[polars\]"'):
        q.to_polars()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"data-bridge\[pandas\]"):
        q.to_pandas()
