"""Sessions and multi-document transactions."""

from __future__ import annotations

import pytest
from data_bridge import _engine
from data_bridge.errors import DataBridgeError, InvalidInput
from engine_support import MODES, call, fresh_name


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


@pytest.fixture
async def coll(client: _engine.Client, db_name: str) -> _engine.Collection:
    coll = client.database(db_name).collection(fresh_name("tx"))
    await coll.insert_one({"_id": "seed"})  # transactions cannot create collections everywhere
    return coll


@pytest.mark.parametrize("mode", MODES)
async def test_commit_makes_writes_visible(
    client: _engine.Client, coll: _engine.Collection, mode: str
) -> None:
    session = client.start_session()
    await call(session, "start_transaction", mode)
    assert session.in_transaction
    await call(coll, "insert_one", mode, {"_id": 1}, session=session)
    await call(coll, "update_one", mode, {"_id": "seed"}, {"$set": {"t": 1}}, session=session)
    # Inside the transaction the session sees its writes; outside nobody does yet.
    assert await call(coll, "count_documents", mode, {}, session=session) == 2
    assert await call(coll, "count_documents", mode, {}) == 1
    table = await call(coll, "find", mode, {}, session=session)
    assert table.num_rows == 2
    await call(session, "commit_transaction", mode)
    assert not session.in_transaction
    assert await call(coll, "count_documents", mode, {}) == 2
    await call(session, "end", mode)
    with pytest.raises(InvalidInput, match="ended"):
        await call(coll, "count_documents", mode, {}, session=session)


@pytest.mark.parametrize("mode", MODES)
async def test_abort_discards_writes(
    client: _engine.Client, coll: _engine.Collection, mode: str
) -> None:
    session = client.start_session()
    await call(session, "start_transaction", mode)
    await call(coll, "insert_many", mode, [{"_id": 1}, {"_id": 2}], session=session)
    await call(coll, "delete_one", mode, {"_id": "seed"}, session=session)
    await call(session, "abort_transaction", mode)
    assert await call(coll, "distinct", mode, "_id") == ["seed"]


async def test_async_with_aborts_an_open_transaction(
    client: _engine.Client, coll: _engine.Collection
) -> None:
    async with client.start_session() as session:
        await session.start_transaction()
        await coll.insert_one({"_id": "inside"}, session=session)
        stream = coll.find_stream({}, session=session)
        assert sorted(stream.read_all().column("_id")) == ["inside", "seed"]
    assert await coll.count_documents({"_id": "inside"}) == 0


def test_with_block_commits_explicitly(client: _engine.Client, coll: _engine.Collection) -> None:
    with client.start_session(causal_consistency=True) as session:
        session.start_transaction_sync()
        coll.insert_one_sync({"_id": "sync"}, session=session)
        coll.bulk_write_sync([{"insert_one": {"_id": "bulk"}}], session=session)
        session.commit_transaction_sync()
    assert sorted(coll.distinct_sync("_id")) == ["bulk", "seed", "sync"]


async def test_commit_without_transaction_fails(client: _engine.Client) -> None:
    session = client.start_session()
    with pytest.raises(DataBridgeError):
        await session.commit_transaction()
    await session.end()
