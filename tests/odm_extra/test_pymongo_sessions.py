"""A pymongo session given as ``session=`` is honoured: the call runs through pymongo on the
session's own client, so it takes part in the session's transaction (Beanie apps pass
``AsyncClientSession``s). What each transaction left behind is read by an independent client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pymongo.errors
import pytest
from data_bridge import errors
from data_bridge.odm.operators.update.general import Inc, Set

from tests.odm.helpers import BulkContext, collect, run


@pytest.fixture(scope="module")
async def Account(
    flavour: str, mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient
) -> Any:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document

    class Account(base):
        name: data_bridge.Indexed(str, unique=True)  # type: ignore[valid-type]
        balance: int = 0

        class Settings:
            name = f"pymongo_session_accounts_{flavour}"

    # Transactions cannot create collections on every server version: create it up front.
    pymongo_client[db_name].create_collection(Account.get_collection_name())
    init = data_bridge.init if flavour == "async" else data_bridge.sync.init
    await run(init(database=db_name, connection_string=mongodb_uri, document_models=[Account]))
    return Account


@pytest.fixture
def accounts(Account: Any, raw: pymongo.database.Database) -> pymongo.collection.Collection:
    """The collection through the independent oracle client, reset to accounts a and b."""
    collection = raw[Account.get_collection_name()]
    collection.delete_many({})
    collection.insert_many([{"name": "a", "balance": 100}, {"name": "b", "balance": 0}])
    return collection


@asynccontextmanager
async def pymongo_session(flavour: str, uri: str) -> AsyncIterator[Any]:
    """A pymongo session of the flavour's kind: async client for async models, else sync."""
    if flavour == "async":
        client: Any = pymongo.AsyncMongoClient(uri)
        try:
            async with client.start_session() as session:
                yield session
        finally:
            await client.close()
    else:
        client = pymongo.MongoClient(uri)
        try:
            with client.start_session() as session:
                yield session
        finally:
            client.close()


async def start(session: Any) -> None:
    await run(session.start_transaction())


def _balances(collection: pymongo.collection.Collection) -> dict[str, int]:
    return {d["name"]: d["balance"] for d in collection.find()}


async def _writes(Account: Any, session: Any) -> None:
    """Several ODM writes, every kind Beanie apps send in a transaction, all in ``session``."""
    await run(Account(name="c", balance=5).insert(session=session))
    await run(
        Account.insert_many(
            [Account(name="d", balance=1), Account(name="e", balance=2)], session=session
        )
    )
    a = await run(Account.find_one(Account.name == "a", session=session))
    a.balance -= 30
    await run(a.save(session=session))
    await run(Account.find_one(Account.name == "b", session=session).inc({Account.balance: 30}))
    await run(Account.find(Account.name == "d", session=session).update(Set({"balance": 10})))
    e = await run(Account.find_one(Account.name == "e", session=session))
    await run(e.delete(session=session))


async def test_commit_makes_every_write_visible(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    async with pymongo_session(flavour, mongodb_uri) as session:
        await start(session)
        await _writes(Account, session)
        # Inside the transaction its reads see its writes; the independent client does not.
        inside = await run(Account.find_all(session=session).sort(+Account.name).to_list())
        assert [(x.name, x.balance) for x in inside] == [
            ("a", 70),
            ("b", 30),
            ("c", 5),
            ("d", 10),
        ]
        assert isinstance(inside[0], Account)
        assert await run(Account.find(session=session).count()) == 4
        got = await run(Account.get(inside[2].id, session=session))
        assert (got.id, got.name) == (inside[2].id, "c")
        assert _balances(accounts) == {"a": 100, "b": 0}
        await run(session.commit_transaction())
    assert _balances(accounts) == {"a": 70, "b": 30, "c": 5, "d": 10}


async def test_abort_discards_every_write(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    async with pymongo_session(flavour, mongodb_uri) as session:
        await start(session)
        await _writes(Account, session)
        assert await run(Account.find(session=session).count()) == 4
        await run(session.abort_transaction())
    assert _balances(accounts) == {"a": 100, "b": 0}
    # Without a session, the fast path sees the same.
    assert await run(Account.count()) == 2


async def test_reads_and_aggregations_in_a_session(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    async with pymongo_session(flavour, mongodb_uri) as session:
        await start(session)
        await run(Account(name="c", balance=7).insert(session=session))
        assert await run(Account.sum(Account.balance, session=session)) == 107
        assert await run(Account.find(session=session).max(Account.balance)) == 100
        rows = await run(
            Account.aggregate(
                [{"$group": {"_id": None, "n": {"$sum": 1}}}], session=session
            ).to_list()
        )
        assert rows == [{"_id": None, "n": 3}]
        names = [x.name for x in await collect(Account.find(Account.balance > 0, session=session))]
        assert sorted(names) == ["a", "c"]
        assert sorted(await run(Account.distinct("name", session=session))) == ["a", "b", "c"]
        await run(session.abort_transaction())
    assert accounts.count_documents({}) == 2


async def test_replace_update_and_bulk_writer_in_a_session(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    async with pymongo_session(flavour, mongodb_uri) as session:
        await start(session)
        a = await run(Account.find_one(Account.name == "a", session=session))
        await run(a.update(Inc({Account.balance: 1}), session=session))
        b = await run(Account.find_one(Account.name == "b", session=session))
        b.balance = 9
        await run(b.replace(session=session))
        async with BulkContext(Account.bulk_writer(session=session)) as writer:
            await run(Account.insert_one(Account(name="x", balance=3), bulk_writer=writer))
            await run(
                Account.find_one(Account.name == "a").update(
                    Inc({Account.balance: 10}), bulk_writer=writer
                )
            )
        await run(session.commit_transaction())
    assert _balances(accounts) == {"a": 111, "b": 9, "x": 3}


async def test_errors_in_a_session_are_data_bridges_and_pymongos(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    async with pymongo_session(flavour, mongodb_uri) as session:
        await start(session)
        with pytest.raises(pymongo.errors.DuplicateKeyError) as info:
            await run(Account(name="a").insert(session=session))
        assert isinstance(info.value, errors.DuplicateKeyError)
        assert info.value.code == 11000
        assert info.value.key_value == {"name": "a"}
    async with pymongo_session(flavour, mongodb_uri) as session:
        with pytest.raises(pymongo.errors.BulkWriteError) as bulk:
            await run(
                Account.insert_many(
                    [Account(name="z"), Account(name="b")], ordered=True, session=session
                )
            )
        assert isinstance(bulk.value, errors.BulkWriteError)
        assert [e["index"] for e in bulk.value.details["writeErrors"]] == [1]
        assert bulk.value.inserted_count == 1
    assert _balances(accounts) == {"a": 100, "b": 0, "z": 0}


async def test_our_transaction_stays_on_the_fast_path(
    Account: Any, accounts: pymongo.collection.Collection
) -> None:
    tx = data_bridge.transaction(Account)
    if issubclass(Account, data_bridge.sync.Document):
        with tx as session:
            assert isinstance(session, data_bridge._engine.Session)
            Account(name="c").insert()
    else:
        async with tx as session:
            assert isinstance(session, data_bridge._engine.Session)
            await Account(name="c").insert()
    assert accounts.count_documents({}) == 3


async def test_query_logging_sees_calls_routed_through_pymongo(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    data_bridge.enable_query_logging(slow_ms=0, handler=False)
    try:
        async with pymongo_session(flavour, mongodb_uri) as session:
            found = await run(Account.find(Account.name == "a", session=session).to_list())
            assert [x.balance for x in found] == [100]
        slow = data_bridge.slow_operations()
        assert any(op.namespace.endswith(Account.get_collection_name()) for op in slow)
    finally:
        data_bridge.disable_query_logging()


async def test_an_async_pymongo_session_with_the_sync_api_says_what_to_use(
    Account: Any, accounts: pymongo.collection.Collection, flavour: str, mongodb_uri: str
) -> None:
    if flavour == "async":
        pytest.skip("the mismatch is an AsyncClientSession given to data_bridge.sync")
    async with pymongo_session("async", mongodb_uri) as session:
        with pytest.raises(TypeError, match=r"AsyncClientSession.*blocking"):
            Account(name="c").insert(session=session)
    assert accounts.count_documents({}) == 2
