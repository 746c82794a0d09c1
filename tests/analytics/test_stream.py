"""Queries as lazy Arrow streams: DuckDB, pyarrow and polars pull server batches on demand.

Laziness is observed on the server: ``serverStatus().opcounters.getmore`` counts the batches a
consumer made the cursor fetch.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pymongo
import pytest

from .conftest import N_DOCS

SMALL_BATCH = 100


def _getmores(client: pymongo.MongoClient) -> int:
    counters = client.admin.command("serverStatus").get("opcounters", {})
    if "getmore" not in counters:
        pytest.skip("this server's serverStatus has no opcounters.getmore to observe laziness")
    return int(counters["getmore"])


def test_duckdb_limit_pulls_only_a_few_batches(
    sync_client: Any, db_name: str, people: list, pymongo_client: pymongo.MongoClient
) -> None:
    q = sync_client[db_name]["people"].find({}, batch_size=SMALL_BATCH)  # noqa: F841 (DuckDB reads `q` by name)
    all_batches = N_DOCS // SMALL_BATCH

    before = _getmores(pymongo_client)
    rows = duckdb.sql("select name from q limit 5").fetchall()
    limited = _getmores(pymongo_client) - before
    assert len(rows) == 5

    before = _getmores(pymongo_client)
    [(count,)] = duckdb.sql("select count(*) from q").fetchall()
    full = _getmores(pymongo_client) - before
    assert count == N_DOCS

    # The full scan fetched every batch; the LIMIT stopped after a handful (prefetch included).
    assert full >= all_batches - 1
    assert limited <= all_batches // 3


def test_duckdb_aggregates_over_query(sync_client: Any, db_name: str, people: list[dict]) -> None:
    q = sync_client[db_name]["people"].find({"active": True})  # noqa: F841 (read by DuckDB)
    result = duckdb.sql("select address.city as city, count(*) as n from q group by 1 order by 1")
    got = dict(result.fetchall())
    expected: dict[str, int] = {}
    for d in people:
        if d["active"]:
            expected[d["address"]["city"]] = expected.get(d["address"]["city"], 0) + 1
    assert got == expected


def test_pyarrow_reader_reads_batch_by_batch(
    sync_client: Any, db_name: str, people: list, pymongo_client: pymongo.MongoClient
) -> None:
    q = sync_client[db_name]["people"].find({}, batch_size=SMALL_BATCH, sort=[("_id", 1)])
    before = _getmores(pymongo_client)
    reader = pa.RecordBatchReader.from_stream(q)
    first = reader.read_next_batch()
    assert 0 < first.num_rows <= SMALL_BATCH
    assert first.column(first.schema.get_field_index("name")).to_pylist()[0] == people[0]["name"]
    assert _getmores(pymongo_client) - before <= 5
    rest = reader.read_all()
    assert first.num_rows + rest.num_rows == N_DOCS


def test_query_stream_is_rerunnable(sync_client: Any, db_name: str, people: list) -> None:
    q = sync_client[db_name]["people"].find({"age": {"$lt": 30}})
    expected = sum(d["age"] < 30 for d in people)
    assert pa.table(q).num_rows == expected
    assert pl.DataFrame(q).height == expected  # a second consumer runs the query again


def test_stream_object_iterates_and_counts(sync_client: Any, db_name: str, people: list) -> None:
    s = sync_client[db_name]["people"].find({}, batch_size=SMALL_BATCH).stream(columns=["age"])
    assert "not started" in repr(s)
    seen = 0
    for table in s:
        assert table.column_names == ["age"]
        seen += table.num_rows
    assert seen == N_DOCS == s.rows_read
    assert s.batches_read >= N_DOCS // SMALL_BATCH
    assert f"{N_DOCS} rows read" in s._repr_html_()


async def test_stream_async_iteration(mongodb_uri: str, db_name: str, people: list) -> None:
    import data_bridge

    coll = data_bridge.connect_async(mongodb_uri)[db_name]["people"]
    s = coll.find({}, batch_size=SMALL_BATCH, schema={"age": "long"}).stream()
    rows = 0
    async for table in s:
        rows += table.num_rows
    assert rows == N_DOCS


def test_stream_close_stops_early(sync_client: Any, db_name: str, people: list) -> None:
    with sync_client[db_name]["people"].find({}, batch_size=SMALL_BATCH).stream() as s:
        first = next(iter(s))
        assert first.num_rows <= SMALL_BATCH
    assert s.rows_read < N_DOCS
