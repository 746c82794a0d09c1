"""``data_bridge.transaction()``: ODM operations in one transaction, committed or aborted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge.odm.operators.update.general import Inc

from tests.odm.helpers import run


@pytest.fixture(scope="module")
async def Account(
    flavour: str, mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient
) -> Any:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document

    class Account(base):
        name: str
        balance: int = 0

        class Settings:
            name = f"accounts_{flavour}"

    # Transactions cannot create collections on every server version: create it up front.
    pymongo_client[db_name].create_collection(Account.get_collection_name())
    if flavour == "async":
        await data_bridge.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Account]
        )
    else:
        data_bridge.sync.init(
            database=db_name, connection_string=mongodb_uri, document_models=[Account]
        )
    return Account


@asynccontextmanager
async def block(model: Any) -> AsyncIterator[Any]:
    """``async with`` the transaction for async models, ``with`` it for sync ones."""
    tx = data_bridge.transaction(model)
    if isinstance(model, type) and issubclass(model, data_bridge.sync.Document):
        with tx as session:
            yield session
    else:
        async with tx as session:
            yield session


@pytest.fixture
def accounts(Account: Any, raw: pymongo.database.Database) -> pymongo.collection.Collection:
    collection = raw[Account.get_collection_name()]
    collection.delete_many({})
    collection.insert_many([{"name": "a", "balance": 100}, {"name": "b", "balance": 0}])
    return collection


def _balances(collection: pymongo.collection.Collection) -> dict[str, int]:
    return {d["name"]: d["balance"] for d in collection.find()}


async def test_commit_applies_every_operation(
    Account: Any,
    accounts: pymongo.collection.Collection,
) -> None:
    async with block(Account) as session:
        assert data_bridge.current_session() is session
        assert session.in_transaction
        await run(Account.find_one(Account.name == "a").inc({Account.balance: -30}))
        await run(Account.find_one(Account.name == "b").update(Inc({Account.balance: 30})))
        await run(Account(name="c", balance=1).insert())
        # Reads inside the block see the transaction's writes; outside readers do not yet.
        inside = await run(Account.find_one(Account.name == "c"))
        assert inside is not None
        assert inside.balance == 1
        assert accounts.count_documents({"name": "c"}) == 0
    assert data_bridge.current_session() is None
    assert _balances(accounts) == {"a": 70, "b": 30, "c": 1}


async def test_an_exception_aborts_everything(
    Account: Any,
    accounts: pymongo.collection.Collection,
) -> None:
    async def transfer_then_fail() -> None:
        async with block(Account):
            a = await run(Account.find_one(Account.name == "a"))
            a.balance = 0
            await run(a.save_changes())
            await run(Account(name="c").insert())
            await run(Account.find(Account.name == "b").delete())
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        await transfer_then_fail()
    assert _balances(accounts) == {"a": 100, "b": 0}


async def test_blocks_do_not_nest(Account: Any, accounts: pymongo.collection.Collection) -> None:
    async with block(Account):
        with pytest.raises(RuntimeError, match="do not nest"):
            async with block(Account):
                pass


async def test_a_session_of_no_known_kind_is_refused(
    Account: Any, accounts: pymongo.collection.Collection
) -> None:
    # pymongo sessions are honoured (tests/odm_extra/test_pymongo_sessions.py); others are not.
    foreign = object()
    for call in (
        lambda: Account.find_all(session=foreign).to_list(),
        lambda: Account(name="c").insert(session=foreign),
        lambda: Account.find_one(Account.name == "a", session=foreign),
    ):
        with pytest.raises(TypeError, match=r"data_bridge\.transaction\(\).*pymongo session"):
            await run(call())
    assert accounts.count_documents({}) == 2
