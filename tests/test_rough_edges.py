"""Rough edges of issue 21, each over the wire: sync pymongo collections, migrations that know
their server and database, unrun sync writes, ``embedded serve`` on SIGTERM, the OpenAPI schema
of a Link, ``WriteResult``'s repr."""

from __future__ import annotations

import gc
import glob
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import data_bridge
import pyarrow as pa
import pymongo
import pytest
from data_bridge import Document, Link
from data_bridge.analytics import WriteResult
from data_bridge.sync import Document as SyncDocument
from data_bridge.sync import init as sync_init
from pymongo.collection import Collection


class EdgeUser(SyncDocument):
    name: str
    age: int = 0

    class Settings:
        name = "edge_users"


@pytest.fixture(scope="module")
def users(mongodb_uri: str, db_name: str) -> type[EdgeUser]:
    sync_init(connection_string=f"{mongodb_uri.rstrip('/')}/{db_name}", document_models=[EdgeUser])
    EdgeUser.delete_all()
    EdgeUser.insert_many([EdgeUser(name="a"), EdgeUser(name="b")])
    return EdgeUser


def test_sync_get_pymongo_collection_is_a_blocking_collection(users: type[EdgeUser]) -> None:
    collection = users.get_pymongo_collection()
    assert isinstance(collection, Collection)
    assert collection.count_documents({}) == 2
    assert users.get_motor_collection() is collection


def _drop(build: Callable[[], object]) -> None:
    build()  # the query object is dropped here, never run
    gc.collect()


def test_a_sync_update_dropped_unrun_warns(users: type[EdgeUser]) -> None:
    with pytest.warns(RuntimeWarning, match=r"SyncUpdateMany on EdgeUser .* was never run"):
        _drop(lambda: users.find(users.name == "a").update({"$set": {"age": 5}}))
    with pytest.warns(RuntimeWarning, match=r"SyncDeleteOne on EdgeUser .* was never run"):
        _drop(lambda: users.find_one(users.name == "a").delete())
    assert users.find_one(users.name == "a").run().age == 0  # nothing ran
    # Run: no warning (pytest turns any warning into an error here).
    users.find(users.name == "a").update({"$set": {"age": 5}}).run()
    query = users.find_one(users.name == "b").set({users.age: 3})
    query.run()
    del query
    gc.collect()
    assert [u.age for u in users.find_all().sort("+name").to_list()] == [5, 3]


MIGRATION = """
from data_bridge import Document, free_fall_migration


class Note(Document):
    title: str

    class Settings:
        name = "notes"


class Forward:
    @free_fall_migration(document_models=[Note])
    async def count(self, session):
        n = await Note.get_pymongo_collection().count_documents({})
        print(f"pymongo sees {n} notes")


class Backward:
    pass
"""


def test_migrate_uses_the_uri_database_and_knows_its_server(
    tmp_path: Path, pymongo_client: pymongo.MongoClient, db_name: str, mongodb_uri: str
) -> None:
    (tmp_path / "20240101000000_count.py").write_text(textwrap.dedent(MIGRATION))
    pymongo_client[db_name]["notes"].insert_many([{"title": "x"}, {"title": "y"}])
    env = dict(os.environ, MONGODB_URI=f"{mongodb_uri.rstrip('/')}/{db_name}")
    done = subprocess.run(
        [sys.executable, "-m", "data_bridge.cli", "migrate", "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pymongo sees 2 notes" in done.stdout
    assert "forward: 20240101000000_count" in done.stdout
    log = pymongo_client[db_name]["migrations_log"].find_one({"is_current": True})
    assert log is not None
    assert log["name"] == "20240101000000_count"


def test_embedded_serve_removes_its_data_directory_on_sigterm() -> None:
    pattern = os.path.join(tempfile.gettempdir(), "data-bridge-db-*")
    before = set(glob.glob(pattern))
    process = subprocess.Popen(
        [sys.executable, "-m", "data_bridge.embedded", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("mongodb://"), line
        created = set(glob.glob(pattern)) - before
        assert len(created) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    deadline = time.monotonic() + 5
    while any(os.path.exists(d) for d in created) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(os.path.exists(d) for d in created)


class EdgeDoor(Document):
    height: int = 2

    class Settings:
        name = "edge_doors"


class EdgeCar(Document):
    name: str
    door: Link[EdgeDoor] | None = None

    class Settings:
        name = "edge_cars"


async def test_link_json_schema_lists_both_forms(mongodb_uri: str, db_name: str) -> None:
    await data_bridge.init(
        connection_string=f"{mongodb_uri.rstrip('/')}/{db_name}",
        document_models=[EdgeDoor, EdgeCar],
    )
    door = await EdgeDoor(height=3).insert()
    await EdgeCar(name="c", door=door).insert()
    schema = EdgeCar.model_json_schema()
    forms = schema["properties"]["door"]["anyOf"]
    reference, document = forms[0], forms[1]
    assert set(reference["properties"]) == {"id", "collection"}
    assert document["title"] == "EdgeDoor"
    unfetched = (await EdgeCar.find_one(EdgeCar.name == "c")).model_dump(mode="json")
    fetched = (await EdgeCar.find_one(EdgeCar.name == "c", fetch_links=True)).model_dump(
        mode="json", by_alias=True
    )
    assert set(unfetched["door"]) == set(reference["properties"])
    assert set(fetched["door"]) == set(document["properties"])  # {_id, height}


def test_write_result_repr_is_short(mongodb_uri: str, db_name: str) -> None:
    collection = data_bridge.connect(mongodb_uri)[db_name]["edge_frames"]
    result = data_bridge.write(collection, pa.table({"x": list(range(2000))}))
    assert repr(result) == "WriteResult(inserted_count=2000, generated_ids=2000)"
    assert repr(WriteResult(3, None)) == "WriteResult(inserted_count=3, generated_ids=0)"
