"""data-bridge's errors are pymongo's too: ``except pymongo.errors.X`` keeps working after the
import swap, with pymongo's ``.code`` / ``.details``, checked against what pymongo itself raises
for the same failure on the same server."""

from __future__ import annotations

import socket
from typing import Any

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pymongo
import pymongo.errors
import pytest
from data_bridge import errors

from tests.odm.helpers import run

TWINS = [
    (errors.ConnectionFailure, pymongo.errors.ConnectionFailure),
    (errors.ServerSelectionTimeout, pymongo.errors.ServerSelectionTimeoutError),
    (errors.WriteInterrupted, pymongo.errors.AutoReconnect),
    (errors.OperationFailure, pymongo.errors.OperationFailure),
    (errors.WriteError, pymongo.errors.WriteError),
    (errors.DuplicateKeyError, pymongo.errors.DuplicateKeyError),
    (errors.WriteConcernError, pymongo.errors.WriteConcernError),
    (errors.BulkWriteError, pymongo.errors.BulkWriteError),
]


@pytest.mark.parametrize(("ours", "theirs"), TWINS, ids=lambda c: c.__name__)
def test_each_engine_error_is_its_pymongo_twin(ours: type, theirs: type) -> None:
    assert issubclass(ours, theirs)
    assert issubclass(ours, errors.DataBridgeError)
    assert ours.__module__ == "data_bridge._engine"


def test_hierarchy_inside_data_bridge_is_kept() -> None:
    assert issubclass(errors.DuplicateKeyError, errors.WriteError)
    assert issubclass(errors.WriteError, errors.OperationFailure)
    assert issubclass(errors.BulkWriteError, errors.OperationFailure)
    assert issubclass(errors.ServerSelectionTimeout, errors.ConnectionFailure)
    assert issubclass(errors.WriteInterrupted, errors.ConnectionFailure)
    assert issubclass(errors.InvalidInput, ValueError)


@pytest.fixture(scope="module", params=["async", "sync"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
async def User(flavour: str, mongodb_uri: str, db_name: str) -> Any:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document

    class User(base):
        email: data_bridge.Indexed(str, unique=True)  # type: ignore[valid-type]
        name: str = ""

        class Settings:
            name = f"users_{flavour}"

    init = data_bridge.init if flavour == "async" else data_bridge.sync.init
    await run(init(database=db_name, connection_string=mongodb_uri, document_models=[User]))
    return User


@pytest.fixture
def users(User: Any, pymongo_client: pymongo.MongoClient, db_name: str) -> Any:
    """The model's collection through plain pymongo (the oracle), emptied before each test."""
    collection = pymongo_client[db_name][User.get_collection_name()]
    collection.delete_many({})
    return collection


def _pymongo_error(call: Any) -> Any:
    with pytest.raises(pymongo.errors.PyMongoError) as info:
        call()
    return info.value


async def test_duplicate_insert_is_pymongos_duplicate_key_error(User: Any, users: Any) -> None:
    await run(User(email="a@x").insert())
    try:
        await run(User(email="a@x").insert())
    except pymongo.errors.DuplicateKeyError as exc:
        ours = exc
    else:
        pytest.fail("no DuplicateKeyError")
    assert isinstance(ours, errors.DuplicateKeyError)
    assert ours.code == 11000
    assert ours.key_value == {"email": "a@x"}
    # pymongo's own error for the same insert on the same server: same details.
    theirs = _pymongo_error(lambda: users.insert_one({"email": "a@x"}))
    assert type(theirs) is pymongo.errors.DuplicateKeyError
    assert ours.code == theirs.code
    assert set(ours.details) == set(theirs.details)
    for key in ("index", "code", "keyPattern", "keyValue"):
        assert ours.details[key] == theirs.details[key]
    assert ours.details["errmsg"]
    assert not ours.has_error_label("TransientTransactionError")


async def test_duplicate_update_is_a_duplicate_key_error(User: Any, users: Any) -> None:
    await run(User.insert_many([User(email="a@x"), User(email="b@x")]))
    with pytest.raises(pymongo.errors.DuplicateKeyError) as info:
        await run(User.find_one(User.email == "b@x").set({User.email: "a@x"}))
    assert info.value.code == 11000
    assert info.value.details["keyValue"] == {"email": "a@x"}


async def test_insert_many_is_pymongos_bulk_write_error(User: Any, users: Any) -> None:
    await run(User(email="a@x").insert())
    batch = [User(email="b@x"), User(email="a@x"), User(email="c@x")]
    with pytest.raises(pymongo.errors.BulkWriteError) as info:
        await run(User.insert_many(batch, ordered=False))
    ours = info.value
    assert isinstance(ours, errors.BulkWriteError)
    docs = [{"email": "b@x"}, {"email": "a@x"}, {"email": "c@x"}]
    users.delete_many({"email": {"$ne": "a@x"}})
    theirs = _pymongo_error(lambda: users.insert_many(docs, ordered=False))
    assert type(theirs) is pymongo.errors.BulkWriteError
    assert ours.code == theirs.code == 65
    for key in ("nInserted", "nMatched", "nModified", "nRemoved", "nUpserted", "upserted"):
        assert ours.details[key] == theirs.details[key], key
    assert ours.details["writeConcernErrors"] == theirs.details["writeConcernErrors"] == []
    [mine], [pymongos] = ours.details["writeErrors"], theirs.details["writeErrors"]
    for key in ("index", "code", "keyPattern", "keyValue"):
        assert mine[key] == pymongos[key], key
    assert ours.write_errors == ours.details["writeErrors"]
    assert ours.inserted_count == 2
    assert not ours.timeout


def test_analytics_duplicates_are_pymongos(mongodb_uri: str, db_name: str) -> None:
    orders = data_bridge.connect(mongodb_uri)[db_name]["orders"]
    orders.engine.insert_one_sync({"_id": 1})
    with pytest.raises(pymongo.errors.DuplicateKeyError) as one:
        orders.engine.insert_one_sync({"_id": 1})
    assert one.value.code == 11000
    assert one.value.details["keyValue"] == {"_id": 1}
    with pytest.raises(pymongo.errors.BulkWriteError) as many:
        data_bridge.write(orders, pa.table({"_id": [2, 1, 3]}), ordered=False)
    assert [e["index"] for e in many.value.details["writeErrors"]] == [1]
    assert many.value.details["nInserted"] == 2


async def test_refused_connection_is_pymongos_server_selection_timeout() -> None:
    uri = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200"
    with pytest.raises(pymongo.errors.ServerSelectionTimeoutError) as info:
        data_bridge.connect(uri)["db"]["c"].find({}).to_arrow()
    assert isinstance(info.value, pymongo.errors.ConnectionFailure)
    assert isinstance(info.value, errors.ServerSelectionTimeout)
    assert info.value.timeout
    assert "127.0.0.1:9" in str(info.value)
    with pytest.raises(pymongo.errors.ConnectionFailure):
        await data_bridge.connect_async(uri)["db"]["c"].find({}).to_arrow()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def assert_plain_refusal(message: str, address: str) -> None:
    """One sentence naming ``address``, the refusal and what to try; no driver debug text."""
    assert address in message, message
    assert "refused" in message, message
    assert "is the server running" in message, message
    assert "MONGODB_URI" in message, message
    for debug in ("Kind:", "labels:", "source: None", "server response: None", "Topology:"):
        assert debug not in message, message
    assert "\n" not in message, message
    assert ". " not in message, message


def test_refused_connection_says_where_why_and_what_to_try() -> None:
    address = f"127.0.0.1:{closed_port()}"
    uri = f"mongodb://{address}/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
    with pytest.raises(errors.ServerSelectionTimeout) as info:
        data_bridge.connect(uri)["db"]["c"].find({}).to_arrow()
    print(f"\n  {type(info.value).__name__}: {info.value}")
    assert_plain_refusal(str(info.value), address)
    # A refused connection is not an overloaded server: only labels that apply are shown.
    assert "SystemOverloadedError" not in info.value.labels
    assert not info.value.has_error_label("SystemOverloadedError")


def test_fastapi_route_answers_409_on_duplicate(User: Any, users: Any, flavour: str) -> None:
    fastapi = pytest.importorskip("fastapi")
    testclient = pytest.importorskip("fastapi.testclient")
    app = fastapi.FastAPI()

    if flavour == "async":

        @app.post("/users/{email}")
        async def create(email: str) -> dict[str, str]:
            try:
                await User(email=email).insert()
            except pymongo.errors.DuplicateKeyError as exc:
                raise fastapi.HTTPException(409, f"taken ({exc.code})") from exc
            return {"email": email}

    else:

        @app.post("/users/{email}")
        def create(email: str) -> dict[str, str]:
            try:
                User(email=email).insert()
            except pymongo.errors.DuplicateKeyError as exc:
                raise fastapi.HTTPException(409, f"taken ({exc.code})") from exc
            return {"email": email}

    with testclient.TestClient(app) as client:
        assert client.post("/users/a@x").status_code == 200
        response = client.post("/users/a@x")
    assert response.status_code == 409
    assert response.json() == {"detail": "taken (11000)"}


@pytest.fixture(scope="module")
async def Versioned(flavour: str, mongodb_uri: str, db_name: str) -> Any:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document

    class Versioned(base):
        code: data_bridge.Indexed(str, unique=True)  # type: ignore[valid-type]
        n: int = 0

        class Settings:
            name = f"versioned_{flavour}"
            use_revision = True

    init = data_bridge.init if flavour == "async" else data_bridge.sync.init
    await run(init(database=db_name, connection_string=mongodb_uri, document_models=[Versioned]))
    await run(Versioned.delete_all())
    return Versioned


async def test_save_colliding_on_a_unique_field_is_a_duplicate_key_error(Versioned: Any) -> None:
    # As Beanie (its issue #1057): only a collision on _id means the revision changed.
    first, second = Versioned(code="a"), Versioned(code="b")
    await run(first.insert())
    await run(second.insert())
    second.code = "a"
    with pytest.raises(pymongo.errors.DuplicateKeyError) as info:
        await run(second.save())
    assert not isinstance(info.value, errors.RevisionIdWasChanged)
    assert info.value.details["keyValue"] == {"code": "a"}
    stale = await run(Versioned.get(first.id))
    first.n = 1
    await run(first.save())
    stale.n = 2
    with pytest.raises(errors.RevisionIdWasChanged):
        await run(stale.save())
