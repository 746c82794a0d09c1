"""Zero-copy: the frames share the engine's Arrow buffers (checked by buffer address)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from data_bridge.analytics import frames

from .conftest import N_DOCS


def _addresses(column: pa.ChunkedArray) -> list[int]:
    return [chunk.buffers()[1].address for chunk in column.chunks]


def _engine_table(client: Any, db_name: str, **kwargs: Any) -> Any:
    return client[db_name]["people"].find({}, sort=[("_id", 1)], **kwargs).stream().read_all()


def test_arrow_shares_engine_buffers(sync_client: Any, db_name: str, people: list) -> None:
    engine_table = _engine_table(sync_client, db_name)
    first = frames.arrow_table(engine_table)
    second = frames.arrow_table(engine_table)
    # Two imports of one engine table see the same memory: neither copied it.
    assert _addresses(first.column("age")) == _addresses(second.column("age"))
    assert _addresses(first.column("score")) == _addresses(second.column("score"))
    assert first.num_rows == N_DOCS


def test_pandas_arrow_backend_wraps_chunks(sync_client: Any, db_name: str, people: list) -> None:
    table = sync_client[db_name]["people"].find({}, batch_size=500).to_arrow()
    df = frames.to_pandas(table)
    backing = df["score"].array._pa_array  # the ChunkedArray behind the ArrowDtype column
    assert _addresses(backing) == _addresses(table.column("score"))
    assert isinstance(df["score"].dtype, pd.ArrowDtype)


def test_pandas_numpy_backend_shares_one_chunk_columns(
    sync_client: Any, db_name: str, people: list
) -> None:
    table = sync_client[db_name]["people"].find({}, limit=50).to_arrow()
    one_chunk = table.combine_chunks()  # a one-batch result has one chunk per column
    df = frames.to_pandas(one_chunk, "numpy")
    buffer = one_chunk.column("score").chunk(0).buffers()[1]
    arrow_view = np.frombuffer(buffer, dtype=np.float64)
    assert np.shares_memory(df["score"].to_numpy(), arrow_view)


def test_polars_shares_fixed_width_buffers(sync_client: Any, db_name: str, people: list) -> None:
    engine_table = _engine_table(sync_client, db_name)
    arrow = frames.arrow_table(engine_table)
    frame = frames.to_polars(engine_table)
    back = frame.to_arrow()  # polars exports its own buffers without copying numerics
    polars_addresses = [b.column("score").buffers()[1].address for b in back.to_batches()]
    assert polars_addresses == _addresses(arrow.column("score"))


def test_numpy_is_a_view_for_one_chunk(sync_client: Any, db_name: str, people: list) -> None:
    # The decoder splits even small results across threads: one row makes one chunk.
    engine_table = sync_client[db_name]["people"].find({}, limit=1).stream().read_all()
    arrow = frames.arrow_table(engine_table)
    assert arrow.column("score").num_chunks == 1
    values = frames.to_numpy(engine_table, "score")
    view = np.frombuffer(arrow.column("score").chunk(0).buffers()[1], dtype=np.float64)
    assert np.shares_memory(values, view)
    assert not values.flags.owndata
    one_chunk = frames.arrow_table(
        sync_client[db_name]["people"].find({}, limit=200).stream().read_all()
    ).combine_chunks()
    from_arrow = frames.to_numpy(one_chunk, "age")
    chunk = one_chunk.column("age").chunk(0)
    assert np.shares_memory(from_arrow, np.frombuffer(chunk.buffers()[1], dtype=from_arrow.dtype))
