"""Progress bars on loads and writes (on, off, global default) and the Jupyter HTML reprs."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import data_bridge
import pyarrow as pa
import pytest
from data_bridge.analytics.options import Options, progress_enabled

from .conftest import N_DOCS, resolve


@pytest.fixture
def instant_bars() -> Iterator[None]:
    """Bars appear at once (the default waits a second so quick calls print nothing)."""
    saved = (data_bridge.options.progress, data_bridge.options.progress_delay)
    data_bridge.options.progress_delay = 0.0
    yield
    data_bridge.options.progress, data_bridge.options.progress_delay = saved


async def test_progress_bar_on_load(
    api: Any, db_name: str, people: list, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    q = api[db_name]["people"].find({}, batch_size=500)
    table = await resolve(q.to_arrow(progress=True))
    assert table.num_rows == N_DOCS
    err = capsys.readouterr().err
    assert f"read {db_name}.people" in err
    assert "rows" in err


async def test_progress_bar_with_schema_counts_batches(
    api: Any, db_name: str, people: list, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    q = api[db_name]["people"].find({}, batch_size=500, schema={"age": "long"})
    table = await resolve(q.to_arrow(progress=True))
    assert table.num_rows == N_DOCS
    assert table.column("age").num_chunks >= N_DOCS // 500
    # The bar knows the total up front (a count), and counts rows batch by batch.
    assert "/3.00k" in capsys.readouterr().err


async def test_progress_off_prints_nothing(
    api: Any, db_name: str, people: list, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    await resolve(api[db_name]["people"].find({}).to_arrow(progress=False))
    data_bridge.options.progress = False
    await resolve(api[db_name]["people"].find({}).to_arrow())
    assert capsys.readouterr().err == ""


def test_default_is_quiet_when_not_interactive(
    sync_client: Any, db_name: str, people: list, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    data_bridge.options.progress = None
    sync_client[db_name]["people"].find({}).to_arrow()
    assert capsys.readouterr().err == ""


def test_global_option_turns_bars_on(
    sync_client: Any, db_name: str, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    data_bridge.options.progress = True
    coll = sync_client[db_name]["progress_writes"]
    coll.engine.drop_sync()
    result = data_bridge.write(coll, pa.table({"x": list(range(30_000))}))
    assert result.inserted_count == 30_000
    assert f"write {db_name}.progress_writes" in capsys.readouterr().err


def test_env_variable_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_BRIDGE_PROGRESS", "1")
    assert Options().progress is True
    monkeypatch.setenv("DATA_BRIDGE_PROGRESS", "off")
    assert Options().progress is False
    monkeypatch.setenv("DATA_BRIDGE_PROGRESS", "auto")
    assert Options().progress is None
    assert progress_enabled(False) is False


def test_query_html_shows_plan_without_io(sync_client: Any, db_name: str) -> None:
    q = sync_client[db_name]["nowhere"].find({"age": {"$gt": 3}}, limit=5, schema={"age": "long"})
    html = q._repr_html_()
    assert f"find on {db_name}.nowhere" in html
    assert "$gt" in html
    assert "limit" in html
    assert "long" in html
    agg = sync_client[db_name]["nowhere"].aggregate([{"$match": {"a": "<b>"}}])
    agg_html = agg._repr_html_()
    assert "aggregate on" in agg_html
    assert "<b>" not in agg_html  # values are escaped


def test_write_result_and_collection_html(sync_client: Any, db_name: str) -> None:
    coll = sync_client[db_name]["html_writes"]
    result = data_bridge.write(coll, pa.table({"x": [1, 2]}))
    assert "inserted_count" in result._repr_html_()
    assert db_name in coll._repr_html_()


def test_table_html_preview() -> None:
    from data_bridge.analytics.html import table_html

    html = table_html(pa.table({"a": list(range(20))}), max_rows=3)
    assert "20 rows, 1 columns" in html
    assert html.count("<tr>") == 4  # header + 3 rows


async def test_async_write_with_a_bar_sends_every_slice(
    mongodb_uri: str, db_name: str, instant_bars: None, capsys: pytest.CaptureFixture
) -> None:
    coll = data_bridge.connect_async(mongodb_uri)[db_name]["progress_writes_async"]
    await coll.engine.drop()
    result = await data_bridge.write_async(
        coll, pa.table({"x": list(range(30_000))}), progress=True
    )
    assert result.inserted_count == 30_000
    assert await coll.engine.count_documents({}) == 30_000
    assert f"write {db_name}.progress_writes_async" in capsys.readouterr().err


def test_unreachable_server_between_slices_is_a_write_interrupted(
    sync_client: Any, db_name: str
) -> None:
    """A slice that could not be sent at all (the server went away after earlier slices were
    acknowledged) still reports the whole write: earlier rows acknowledged, the rest unsent."""
    from data_bridge import _engine
    from data_bridge.analytics.write import _slice_failure

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = _engine.Client(f"mongodb://127.0.0.1:{port}/", server_selection_timeout_ms=200)
    with pytest.raises(_engine.ServerSelectionTimeout) as info:
        dead.database(db_name).collection("c").insert_many_sync([{"_id": 1}])
    ids = list(range(100))
    table = pa.table({"_id": ids, "x": ids})
    lost = _slice_failure(info.value, table, 40, 60, 40)
    assert isinstance(lost, _engine.WriteInterrupted)
    assert lost.__cause__ is info.value
    assert lost.inserted_count == 40
    assert sorted(lost.inserted_ids) == list(range(40))
    assert lost.in_doubt_indexes == []
    assert lost.unsent_indexes == list(range(40, 100))
    assert lost.unsent_ids == {row: row for row in range(40, 100)}
    assert (lost.details["nInserted"], lost.details["nInDoubt"], lost.details["nUnsent"]) == (
        40,
        0,
        60,
    )
    # Nothing acknowledged yet: the driver's own error stands.
    assert _slice_failure(info.value, table, 0, 20, 0) is info.value
