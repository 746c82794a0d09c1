"""Read statistics over the wire: server batches, BSON bytes and the server/decode time split."""

from __future__ import annotations

import bson
import pymongo
import pytest
from data_bridge import _engine
from engine_support import MODES, call, fresh_name
from pymongo import monitoring

DOCS = 30
BATCH = 10  # DOCS / BATCH = 3 batches holding documents


class _CursorReplies(monitoring.CommandListener):
    """Counts the find / getMore replies a pymongo read receives (the oracle for `batches`)."""

    def __init__(self) -> None:
        self.replies = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if event.command_name in ("find", "getMore"):
            self.replies += 1

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


@pytest.fixture(scope="module")
def coll_name(db_name: str, pymongo_client: pymongo.MongoClient) -> str:
    """DOCS documents of different sizes, written by pymongo."""
    name = fresh_name("stats")
    pymongo_client[db_name][name].insert_many(
        [
            {"_id": i, "name": "x" * i, "score": i / 3, "tags": list(range(i % 4))}
            for i in range(DOCS)
        ]
    )
    return name


@pytest.fixture(scope="module")
def stored_bytes(db_name: str, coll_name: str, pymongo_client: pymongo.MongoClient) -> int:
    """The BSON size of the stored documents, as pymongo reads them back."""
    docs = list(pymongo_client[db_name][coll_name].find({}))
    assert len(docs) == DOCS
    return sum(len(bson.encode(doc)) for doc in docs)


@pytest.fixture(scope="module")
def server_replies(mongodb_uri: str, db_name: str, coll_name: str) -> int:
    """How many cursor replies the server sends for the find (an empty last one included)."""
    listener = _CursorReplies()
    with pymongo.MongoClient(mongodb_uri, event_listeners=[listener]) as client:
        assert len(list(client[db_name][coll_name].find({}, batch_size=BATCH))) == DOCS
    # 3 batches with documents, plus an empty one if the server only noticed the end then.
    assert listener.replies in (DOCS // BATCH, DOCS // BATCH + 1)
    return listener.replies


def _assert_stats(stats: dict, replies: int, stored_bytes: int) -> None:
    assert set(stats) == {"server_ms", "decode_ms", "batches", "bson_bytes"}
    assert stats["batches"] == replies
    assert stats["bson_bytes"] == stored_bytes
    assert isinstance(stats["server_ms"], float)
    assert isinstance(stats["decode_ms"], float)
    assert stats["server_ms"] >= 0
    assert stats["decode_ms"] >= 0


@pytest.mark.parametrize("schema", [None, {"_id": "int", "name": "string"}], ids=["infer", "given"])
@pytest.mark.parametrize("mode", MODES)
async def test_find_reports_batches_bytes_and_times(
    client: _engine.Client,
    db_name: str,
    coll_name: str,
    stored_bytes: int,
    server_replies: int,
    mode: str,
    schema: dict | None,
) -> None:
    coll = client.database(db_name).collection(coll_name)
    table = await call(coll, "find", mode, {}, batch_size=BATCH, schema=schema)
    assert table.num_rows == DOCS
    # With a schema of fewer columns the bytes still count what the server sent.
    _assert_stats(table.stats, server_replies, stored_bytes)


def test_stream_stats_are_cumulative(
    client: _engine.Client,
    db_name: str,
    coll_name: str,
    stored_bytes: int,
    server_replies: int,
) -> None:
    stream = client.database(db_name).collection(coll_name).find_stream({}, batch_size=BATCH)
    assert stream.stats["batches"] == 0
    first = next(stream)
    assert first.num_rows == BATCH
    assert first.stats["batches"] == 1
    assert 0 < first.stats["bson_bytes"] < stored_bytes
    assert stream.stats == first.stats
    rest = stream.read_all()
    assert rest.num_rows == DOCS - BATCH
    _assert_stats(stream.stats, server_replies, stored_bytes)
    assert rest.stats["bson_bytes"] == stored_bytes - first.stats["bson_bytes"]


def test_tables_not_read_from_the_server_have_no_stats() -> None:
    data = b"".join(bson.encode({"a": i}) for i in range(3))
    assert _engine.bson_to_arrow(data).stats is None
