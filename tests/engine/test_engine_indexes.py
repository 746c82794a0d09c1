"""Index management: every index kind the issue lists, listing and dropping."""

from __future__ import annotations

import pytest
from data_bridge import _engine
from data_bridge.errors import DuplicateKeyError, InvalidInput, OperationFailure
from engine_support import MODES, call, fresh_name


@pytest.fixture(scope="module")
def client(mongodb_uri: str) -> _engine.Client:
    return _engine.Client(mongodb_uri)


@pytest.fixture
def coll(client: _engine.Client, db_name: str) -> _engine.Collection:
    return client.database(db_name).collection(fresh_name("idx"))


@pytest.mark.parametrize("mode", MODES)
async def test_create_list_and_drop(coll: _engine.Collection, mode: str) -> None:
    names = await call(
        coll,
        "create_indexes",
        mode,
        [
            {"keys": [("a", 1)]},
            {"keys": [("b", 1), ("c", -1)], "name": "b_c"},
            {"keys": {"email": 1}, "unique": True},
            {"keys": "sparse_field", "sparse": True},
            {"keys": [("p", 1)], "partial_filter_expression": {"p": {"$gt": 5}}},
            {"keys": [("created", 1)], "expire_after_seconds": 3600},
            {"keys": [("loc", "2dsphere")]},
        ],
    )
    assert names == ["a_1", "b_c", "email_1", "sparse_field_1", "p_1", "created_1", "loc_2dsphere"]
    listed = {i["name"]: i for i in await call(coll, "list_indexes", mode)}
    assert set(listed) == {"_id_", *names}
    assert listed["b_c"]["key"] == {"b": 1, "c": -1}
    assert listed["email_1"]["unique"] is True
    assert listed["sparse_field_1"]["sparse"] is True
    assert listed["p_1"]["partialFilterExpression"] == {"p": {"$gt": 5}}
    assert listed["created_1"]["expireAfterSeconds"] == 3600
    assert listed["loc_2dsphere"]["key"] == {"loc": "2dsphere"}
    await call(coll, "drop_index", mode, "b_c")
    assert "b_c" not in {i["name"] for i in await call(coll, "list_indexes", mode)}
    await call(coll, "drop_indexes", mode)
    assert [i["name"] for i in await call(coll, "list_indexes", mode)] == ["_id_"]


async def test_unique_index_is_enforced(coll: _engine.Collection) -> None:
    await coll.create_indexes([{"keys": [("k", 1)], "unique": True}])
    await coll.insert_one({"k": 1})
    with pytest.raises(DuplicateKeyError):
        await coll.insert_one({"k": 1})


async def test_text_index(coll: _engine.Collection) -> None:
    try:
        names = await coll.create_indexes(
            [{"keys": [("body", "text")], "default_language": "english", "weights": {"body": 2}}]
        )
    except OperationFailure as e:
        # SecantusDB (Python: "text indexes are not supported by SecantusDB"; Rust: "text
        # indexes (field ...) are not supported by the Rust storage engine yet").
        message = str(e)
        if message.startswith("text indexes") and "not supported" in message:
            pytest.skip(f"server has no text indexes: {message} (code {e.code})")
        raise
    assert names == ["body_text"]
    await coll.insert_many([{"body": "hello world"}, {"body": "goodbye"}])
    assert await coll.count_documents({"$text": {"$search": "hello"}}) == 1


async def test_errors(coll: _engine.Collection) -> None:
    assert await coll.list_indexes() == []  # no collection yet
    with pytest.raises(InvalidInput):
        await coll.create_indexes([])
    with pytest.raises(InvalidInput, match="keys"):
        await coll.create_indexes([{"unique": True}])
    await coll.insert_one({"x": 1})
    with pytest.raises(OperationFailure) as info:
        await coll.drop_index("no_such_index")
    assert info.value.code is not None
