"""A drifted field in pandas and polars: the dominant type, plus every other value reported."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pymongo
import pytest
from data_bridge.analytics import DriftReport, DriftWarning, split_drift

from .conftest import resolve

N = 2000
ODD_ROW = 1234


@pytest.fixture(scope="module")
def events(raw_db: pymongo.database.Database) -> list[dict[str, Any]]:
    """``user.age`` and ``zip`` are ints, except in one document each (a string)."""
    docs = [
        {"_id": i, "user": {"age": 20 + i % 50, "name": f"u{i}"}, "zip": 1000 + i} for i in range(N)
    ]
    docs[ODD_ROW]["user"]["age"] = "unknown"
    docs[7]["zip"] = "SW1A"
    raw_db.events.drop()
    raw_db.events.insert_many(docs)
    return docs


async def test_pandas_keeps_the_dominant_type_and_reports_the_rest(
    api: Any, db_name: str, events: list[dict[str, Any]]
) -> None:
    q = api[db_name]["events"].find({}, sort=[("_id", 1)])
    with pytest.warns(DriftWarning, match=r"user\.age: 1,999 int values kept typed"):
        df = await resolve(q.to_pandas())
    ages = df["user"].struct.field("age")
    assert str(ages.dtype) == "int32[pyarrow]"
    assert ages.isna().sum() == 1
    assert pd.isna(ages[ODD_ROW])
    assert ages[ODD_ROW + 1] == events[ODD_ROW + 1]["user"]["age"]
    assert str(df["zip"].dtype) == "int32[pyarrow]"
    report = df.attrs["drift"]
    assert isinstance(report, DriftReport)
    found = [(v.path, v.row, v.id, v.type, v.value) for v in report.values]
    assert found == [
        ("user.age", ODD_ROW, ODD_ROW, "string", "unknown"),
        ("zip", 7, 7, "string", "SW1A"),
    ]
    assert report.columns["user.age"] == {
        "type": "int",
        "types": {"int": N - 1, "string": 1},
        "other": 1,
    }
    table = report.to_pandas()
    assert table.columns.tolist() == ["path", "row", "_id", "type", "value"]
    assert table["value"].tolist() == ["unknown", "SW1A"]


async def test_raw_gives_the_stored_values_in_one_call(
    api: Any, db_name: str, events: list[dict[str, Any]]
) -> None:
    q = api[db_name]["events"].find({}, sort=[("_id", 1)])
    df = await resolve(q.to_pandas(drift="raw"))  # no warning: nothing was changed
    assert "drift" not in df.attrs
    assert df["user"].tolist() == [d["user"] for d in events]
    assert df["zip"].tolist() == [d["zip"] for d in events]
    frame = await resolve(q.to_polars(drift="raw"))
    assert frame["zip"][7] == '"SW1A"'  # each stored value as relaxed extended JSON
    assert frame["zip"][8] == "1008"
    # to_arrow never changes anything: the column is the lossless raw-BSON one.
    table = await resolve(q.to_arrow())
    assert table.schema.field("zip").type.extension_name == "data_bridge.bson"
    assert table.column("zip").to_pylist() == [d["zip"] for d in events]


async def test_polars_keeps_the_dominant_type(
    api: Any, db_name: str, events: list[dict[str, Any]]
) -> None:
    q = api[db_name]["events"].find({}, sort=[("_id", 1)])
    with pytest.warns(DriftWarning, match=r"zip: 1,999 int values kept typed"):
        frame = await resolve(q.to_polars())
    assert frame.schema["zip"] == pl.Int32
    assert frame["zip"].null_count() == 1
    assert frame["user"].struct.field("age").dtype == pl.Int32
    assert frame["user"].struct.field("age")[ODD_ROW] is None


def test_split_drift_dominant_type_and_number_widening() -> None:
    import bson
    import data_bridge

    values = ["a", "b", 3, 4.5, "c", None]
    data = b"".join(bson.encode({"x": v}) for v in values)
    table, report = split_drift(pa.table(data_bridge.bson_to_arrow(data)))
    assert table.column("x").to_pylist() == ["a", "b", None, None, "c", None]
    assert [(v.row, v.type, v.value) for v in report.values] == [(2, "int", 3), (3, "double", 4.5)]
    numbers = [1, 2.5, 3, "x"]
    data = b"".join(bson.encode({"x": v}) for v in numbers)
    table, report = split_drift(pa.table(data_bridge.bson_to_arrow(data)))
    assert table.column("x").type == pa.float64()  # ints and doubles are one numeric column
    assert table.column("x").to_pylist() == [1.0, 2.5, 3.0, None]
    assert [(v.row, v.value) for v in report.values] == [(3, "x")]
    clean = pa.table({"a": [1, 2]})
    assert split_drift(clean)[0] is clean
    assert not split_drift(clean)[1]
