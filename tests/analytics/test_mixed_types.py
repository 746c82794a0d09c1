"""Mixed-type fields: reported, kept losslessly, never silently nulled."""

from __future__ import annotations

from typing import Any

import data_bridge
import pymongo
import pytest

from .conftest import resolve


@pytest.fixture(scope="module")
def mixed(raw_db: pymongo.database.Database) -> list[dict[str, Any]]:
    """``zip`` is mostly an int, sometimes a string (PyMongoArrow's issue #238 shape)."""
    docs: list[dict[str, Any]] = [{"_id": i, "zip": 75000 + i, "n": i} for i in range(40)]
    docs += [{"_id": 40 + i, "zip": f"SW{i}", "n": 40 + i} for i in range(5)]
    raw_db.mixed_types.drop()
    raw_db.mixed_types.insert_many(docs)
    return docs


async def test_conflict_report(api: Any, db_name: str, mixed: list) -> None:
    report = await resolve(api[db_name]["mixed_types"].find({}).schema_report(sample_size=None))
    assert report.sampled == len(mixed)
    assert report.conflicts == [{"path": "zip", "types": {"int": 40, "string": 5}}]
    assert report.has_conflicts
    assert "zip" in str(report)
    assert "conflict" in str(report)
    assert "type conflicts" in report._repr_html_()


async def test_inferred_read_keeps_every_value(api: Any, db_name: str, mixed: list) -> None:
    q = api[db_name]["mixed_types"].find({}, sort=[("_id", 1)])
    table = await resolve(q.to_arrow())
    column = table.column("zip")
    assert column.null_count == 0
    # The fallback column stores each value as the BSON document {"v": value}; its registered
    # pyarrow type gives the values back.
    decoded = column.to_pylist()
    assert decoded == [d["zip"] for d in mixed]
    assert table.column("n").to_pylist() == [d["n"] for d in mixed]


async def test_explicit_schema_mismatch_raises_with_row_and_path(
    api: Any, db_name: str, mixed: list
) -> None:
    q = api[db_name]["mixed_types"].find({}, sort=[("_id", 1)], schema={"zip": "int"})
    with pytest.raises(data_bridge._engine.DecodeError) as info:
        await resolve(q.to_arrow())
    assert info.value.path == "zip"
    assert info.value.row == 40


async def test_on_mismatch_null_is_counted_not_silent(api: Any, db_name: str, mixed: list) -> None:
    spec = api[db_name]["mixed_types"].find(
        {}, sort=[("_id", 1)], schema={"zip": "int"}, on_mismatch="null"
    )
    table = await resolve(spec.to_arrow())
    assert table.column("zip").null_count == 5


async def test_columns_on_mixed_field_fall_back_to_full_inference(
    api: Any, db_name: str, mixed: list
) -> None:
    # The sample (first 1000 docs) sees both types: the column stays lossless.
    table = await resolve(api[db_name]["mixed_types"].find({}).to_arrow(columns=["zip"]))
    assert table.column_names == ["zip"]
    assert table.column("zip").null_count == 0


def test_describe_collection(sync_client: Any, db_name: str, mixed: list) -> None:
    report = data_bridge.describe(sync_client[db_name]["mixed_types"])
    assert report.total == len(mixed)
    assert report.sampled == len(mixed)
    assert {f.name: f.present for f in report.fields} == {"_id": 45, "zip": 45, "n": 45}
    assert report.conflicts[0]["path"] == "zip"
    html = report._repr_html_()
    assert "<table>" in html
    assert "zip" in html
    text = str(report)
    assert text.startswith(f"{db_name}.mixed_types: 45 of 45 documents read (all of them)")


def test_describe_limits_the_sample(sync_client: Any, db_name: str, mixed: list) -> None:
    report = data_bridge.describe(sync_client[db_name]["mixed_types"], sample_size=10)
    assert report.sampled == 10
    # A random sample over the whole collection, not its first 10 (which are all ints): ten
    # draws all missing the 5 strings has a chance of about 3 in a million.
    assert report.method == "$sample"
    collection = sync_client[db_name]["mixed_types"]
    draws = [data_bridge.describe(collection, sample_size=10).conflicts for _ in range(10)]
    assert any(draws)
