"""Indexes declared by models, created by init, managed on the class."""

import data_bridge
import data_bridge.sync

from .helpers import run
from .models import build


def names(indexes):
    return sorted(ix["name"] for ix in indexes)


async def test_init_created_declared_indexes(m):
    assert names(await run(m.User.list_indexes())) == ["_id_", "age_-1_name_1", "name_1"]
    unique = {ix["name"]: ix for ix in await run(m.Unique.list_indexes())}
    assert unique["email_1"].get("unique") is True


async def test_create_and_drop_index(m):
    name = await run(m.User.create_index([("score", -1)], name="score_desc"))
    assert name == "score_desc"
    assert "score_desc" in names(await run(m.User.list_indexes()))
    await run(m.User.drop_index("score_desc"))
    assert "score_desc" not in names(await run(m.User.list_indexes()))


async def test_allow_index_dropping_and_skip_indexes(m, mongodb_uri, db_name):
    await run(m.User.create_index("email", name="stray"))
    flavour_init = data_bridge.init if m.flavour == "async" else data_bridge.sync.init
    base = data_bridge.Document if m.flavour == "async" else data_bridge.sync.Document
    again = build(base, "a" if m.flavour == "async" else "s")
    await run(
        flavour_init(database=db_name, connection_string=mongodb_uri, document_models=[again.User])
    )
    assert "stray" in names(await run(again.User.list_indexes()))
    await run(
        flavour_init(
            database=db_name,
            connection_string=mongodb_uri,
            document_models=[again.User],
            allow_index_dropping=True,
        )
    )
    assert names(await run(again.User.list_indexes())) == ["_id_", "age_-1_name_1", "name_1"]
    await run(again.User.drop_index("name_1"))
    await run(
        flavour_init(
            database=db_name,
            connection_string=mongodb_uri,
            document_models=[again.User],
            skip_indexes=True,
        )
    )
    assert "name_1" not in names(await run(again.User.list_indexes()))
    # Rebind the original family's classes for the other tests of this module.
    await run(flavour_init(database=db_name, connection_string=mongodb_uri, document_models=m.all))
