"""Clients: URIs and options, name checks, close, server selection failures, fork safety."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from data_bridge import _engine
from data_bridge.errors import (
    ConnectionFailure,
    DataBridgeError,
    InvalidInput,
    ServerSelectionTimeout,
)
from engine_support import MODES, call, fresh_name


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("mode", MODES)
async def test_ping_and_list_databases(mongodb_uri: str, db_name: str, mode: str) -> None:
    client = _engine.Client(mongodb_uri, app_name="engine-tests", max_pool_size=4)
    admin = client.database("admin", allow_system=True)
    assert (await call(admin, "command", mode, {"ping": 1}))["ok"] == 1.0
    await client.database(db_name).collection("marker").insert_one({"x": 1})
    assert db_name in await call(client, "list_database_names", mode)
    await call(client, "close", mode)
    assert client.is_closed


@pytest.mark.parametrize("name", ["", "a b", "a$b", "a\x00b", "a.b", "a/b", "x" * 64, 'a"b'])
def test_bad_database_names_are_refused(mongodb_uri: str, name: str) -> None:
    client = _engine.Client(mongodb_uri)
    with pytest.raises(InvalidInput) as info:
        client.database(name)
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidInput):
        _engine.validate_database_name(name)


@pytest.mark.parametrize("name", ["", "$cmd", "a\x00b", ".a", "a.", "a..b", "a b", "x" * 256])
def test_bad_collection_names_are_refused(mongodb_uri: str, name: str) -> None:
    db = _engine.Client(mongodb_uri).database("fine")
    with pytest.raises(InvalidInput):
        db.collection(name)


def test_system_names_need_opt_in(mongodb_uri: str) -> None:
    client = _engine.Client(mongodb_uri)
    with pytest.raises(InvalidInput, match="allow_system"):
        client.database("admin")
    with pytest.raises(InvalidInput, match="allow_system"):
        client.database("fine").collection("system.views")
    assert (
        client.database("fine").collection("system.views", allow_system=True).name == "system.views"
    )
    assert client.database("fine").collection("a.b-c_1").full_name == "fine.a.b-c_1"


@pytest.mark.parametrize("mode", MODES)
async def test_closed_client_refuses_work(mongodb_uri: str, mode: str) -> None:
    client = _engine.Client(mongodb_uri)
    coll = client.database("fine").collection("x")
    await call(client, "close", mode)
    with pytest.raises(ConnectionFailure, match="closed"):
        await call(coll, "count_documents", mode, {})
    with pytest.raises(ConnectionFailure):
        client.database("fine")


@pytest.mark.parametrize("mode", MODES)
async def test_server_selection_timeout(mode: str) -> None:
    client = _engine.Client(
        f"mongodb://127.0.0.1:{closed_port()}/?directConnection=true",
        server_selection_timeout_ms=300,
        connect_timeout_ms=300,
    )
    coll = client.database("fine").collection("x")
    with pytest.raises(ServerSelectionTimeout) as info:
        await call(coll, "find_one", mode, {})
    assert isinstance(info.value, ConnectionFailure)
    assert isinstance(info.value, DataBridgeError)


def test_bad_uris_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        _engine.Client("http://localhost")
    with pytest.raises(InvalidInput):
        _engine.Client("mongodb://127.0.0.1/?notAnOption=1&w=banana")


def test_uri_default_database(mongodb_uri: str) -> None:
    base = mongodb_uri.split("?")[0].rstrip("/")
    client = _engine.Client(f"{base}/mydb")
    db = client.default_database()
    assert db is not None
    assert db.name == "mydb"
    assert _engine.Client(mongodb_uri).default_database() is None or True


async def test_many_clients_and_databases_at_once(mongodb_uri: str, db_name: str) -> None:
    clients = [_engine.Client(mongodb_uri) for _ in range(4)]
    colls = [c.database(db_name).collection(fresh_name()) for c in clients for _ in range(3)]
    await asyncio.gather(*(c.insert_many([{"i": i} for i in range(50)]) for c in colls))
    counts = await asyncio.gather(*(c.count_documents({}) for c in colls))
    assert counts == [50] * len(colls)
    await asyncio.gather(*(c.close() for c in clients))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_child_needs_a_new_client(mongodb_uri: str, db_name: str) -> None:
    parent = _engine.Client(mongodb_uri)
    coll = parent.database(db_name).collection(fresh_name("fork"))
    coll.insert_one_sync({"from": "parent"})
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 1
        try:
            try:
                coll.count_documents_sync({})
                message = "parent client worked in the child"
            except ConnectionFailure as e:
                message = "refused" if "fork" in str(e) else f"wrong message: {e}"
            if message == "refused":
                child = _engine.Client(mongodb_uri)
                child_coll = child.database(db_name).collection(coll.name)
                child_coll.insert_one_sync({"from": "child"})
                message = f"ok {child_coll.count_documents_sync({})}"
                status = 0
            os.write(write, message.encode())
        finally:
            os._exit(status)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    message = os.read(read, 1000).decode()
    os.close(read)
    assert message == "ok 2"
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's client is unaffected by the child.
    assert coll.count_documents_sync({}) == 2
