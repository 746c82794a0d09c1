"""Ids after a failed insert_many, and a write the driver retried across a restart (issue 18, 4).

* A ``BulkWriteError`` (a unique index refusing one document) still gives every model the id it
  was sent with: the acknowledged ones and those that never went in.
* The server SIGKILLed mid-``insert_many`` and restarted 1 s later on the same data directory
  and port (``--sync-on-commit``, so acknowledged writes survive the kill): the driver's retry
  re-sends the command in flight, and the server answers "duplicate key" on ``_id``s we
  generated, i.e. on our own documents stored by the first attempt. That must not read as a
  user error (``BulkWriteError`` with too small a count): it is a ``WriteInterrupted`` with the
  command in doubt, every model has its id, and the README's recipe (re-insert the in-doubt and
  unsent documents with ``ordered=False``, ignoring duplicate ``_id``s) ends with exactly the
  intended documents.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge.embedded import EmbeddedServer, ServerNotInstalled, find_server_binary
from data_bridge.errors import BulkWriteError, WriteInterrupted

DUPLICATE_KEY = 11000
N = 60_000
RESTART_AFTER = 1.0
OBJECT_ID = {"ARROW:extension:name": "data_bridge.objectid"}


class Member(data_bridge.sync.Document):
    email: str

    class Settings:
        name = "members"
        indexes: ClassVar = [pymongo.IndexModel("email", unique=True)]


def test_bulk_write_error_binds_ids(mongodb_uri: str, db_name: str) -> None:
    data_bridge.sync.init(database=db_name, connection_string=mongodb_uri, document_models=[Member])
    Member(email="b").insert()
    a, b, c = Member(email="a"), Member(email="b"), Member(email="c")
    with pytest.raises(BulkWriteError) as caught:
        Member.insert_many([a, b, c])
    error = caught.value
    assert error.inserted_count == 1
    assert a.id == error.inserted_ids[0]
    # Every model has the id it was (to be) sent with; only ``a`` is stored.
    assert b.id is not None
    assert c.id is not None
    assert len({a.id, b.id, c.id}) == 3
    assert Member.get(a.id) is not None
    assert Member.get(c.id) is None
    # Inserting the rest again after the fix stores them under those ids.
    b.email = "b2"
    Member.insert_many([b, c], ordered=False)
    assert sorted(m.email for m in Member.find_all().to_list()) == ["a", "b", "b2", "c"]


class Item(data_bridge.sync.Document):
    i: int
    pad: str

    class Settings:
        name = "items"


def _kill_and_restart(server: EmbeddedServer, data_dir: Path, watch: Any, n: int) -> Any:
    """Once a quarter of ``n`` is stored: SIGKILL, wait, restart on the same dir and port."""
    started = time.monotonic()
    while watch.estimated_document_count() < n // 4:
        assert time.monotonic() - started < 120, "the insert never got going"
        time.sleep(0.01)
    watch.database.client.close()
    server.kill()
    time.sleep(RESTART_AFTER)
    return EmbeddedServer(
        data_dir=data_dir, port=server.port, extra_args=["--sync-on-commit"]
    ).start()


def _run_with_restart(server: EmbeddedServer, data_dir: Path, collection: str, insert: Any) -> Any:
    """Run ``insert`` in a thread, kill and restart the server under it; (error, new server)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            insert()
            outcome.append(None)
        except BaseException as error:  # the thread reports whatever it met
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    watch = pymongo.MongoClient(server.uri)["faults"][collection]
    restarted = _kill_and_restart(server, data_dir, watch, N)
    worker.join(timeout=120)
    assert not worker.is_alive()
    return outcome[0], restarted


@pytest.fixture
def server_dir(tmp_path: Path) -> Path:
    try:
        find_server_binary()
    except ServerNotInstalled as error:
        pytest.skip(f"needs a local SecantusDB server to kill: {error}")
    return tmp_path / "data"


def _reinsert_rest(error: WriteInterrupted, insert: Any) -> None:
    """The README's recipe: re-insert in-doubt + unsent with ordered=False, ignore dup _ids."""
    rest = sorted(error.in_doubt_indexes + error.unsent_indexes)
    errors: list[dict[str, Any]] = []
    try:
        insert(rest)
    except BulkWriteError as again:
        errors = again.write_errors
    assert {e["code"] for e in errors} <= {DUPLICATE_KEY}
    assert all(e.get("keyPattern") == {"_id": 1} for e in errors)


@pytest.mark.slow
def test_models_killed_and_restarted_mid_insert_many(server_dir: Path) -> None:
    server = EmbeddedServer(data_dir=server_dir, extra_args=["--sync-on-commit"]).start()
    restarted = None
    try:
        data_bridge.sync.init(
            database="faults", connection_string=server.uri, document_models=[Item]
        )
        items = [Item(i=i, pad="x" * 40) for i in range(N)]
        error, restarted = _run_with_restart(
            server, server_dir, "items", lambda: Item.insert_many(items)
        )
        print(f"\n  error after restart: {error!r:.300}")
        assert isinstance(error, WriteInterrupted), repr(error)
        assert all(item.id is not None for item in items), "a model without its id"
        assert len({item.id for item in items}) == N
        _reinsert_rest(
            error, lambda rest: Item.insert_many([items[i] for i in rest], ordered=False)
        )
        with pymongo.MongoClient(restarted.uri) as oracle:
            stored = list(oracle["faults"]["items"].find({}, {"i": 1}))
        assert len(stored) == N, f"{len(stored)} stored for {N} intended"
        assert sorted(d["i"] for d in stored) == list(range(N))
        assert {d["_id"] for d in stored} == {item.id for item in items}
    finally:
        if restarted is not None:
            restarted.stop()
        server.stop()


@pytest.mark.slow
def test_arrow_write_killed_and_restarted(server_dir: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    server = EmbeddedServer(data_dir=server_dir, extra_args=["--sync-on-commit"]).start()
    restarted = None
    try:
        coll = data_bridge.connect(server.uri)["faults"]["table"]
        table = pa.table({"i": pa.array(range(N)), "pad": ["x" * 40] * N})
        error, restarted = _run_with_restart(
            server, server_dir, "table", lambda: data_bridge.write(coll, table)
        )
        print(f"\n  error after restart: {error!r:.300}")
        assert isinstance(error, WriteInterrupted), repr(error)
        ids = {**error.inserted_ids, **error.in_doubt_ids, **error.unsent_ids}
        assert sorted(ids) == list(range(N))

        def again(rest: list[int]) -> None:
            rows = table.take(pa.array(rest, pa.int64()))
            field = pa.field("_id", pa.binary(12), metadata=OBJECT_ID)
            rows = rows.append_column(field, pa.array([ids[r].binary for r in rest], pa.binary(12)))
            data_bridge.write(coll, rows, ordered=False)

        _reinsert_rest(error, again)
        with pymongo.MongoClient(restarted.uri) as oracle:
            stored = list(oracle["faults"]["table"].find({}, {"i": 1}))
        assert len(stored) == N, f"{len(stored)} stored for {N} intended"
        assert sorted(d["i"] for d in stored) == list(range(N))
    finally:
        if restarted is not None:
            restarted.stop()
        server.stop()
