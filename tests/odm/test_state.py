"""State tracking: change detection, partial saves, rollback, revisions."""

import pytest
from data_bridge.errors import RevisionIdWasChanged, StateNotSaved
from pydantic import ValidationError

from .helpers import run
from .models import Address


async def loaded_user(m, **values):
    user = m.User(name="ada", age=30, tags=["a"], address=Address(city="Oslo", zip="1"), **values)
    await run(user.insert())
    return await run(m.User.get(user.id))


async def test_loaded_documents_are_unchanged(m):
    doc = await loaded_user(m)
    assert doc.is_changed is False
    assert doc.get_changes() == {}
    _ = doc.tags, doc.address, doc.created
    assert doc.is_changed is False


async def test_changes_are_reported_by_dotted_path(m):
    doc = await loaded_user(m)
    doc.age = 31
    doc.address.city = "Bergen"
    doc.tags.append("b")
    assert doc.is_changed is True
    assert doc.get_changes() == {"age": 31, "address.city": "Bergen", "tags": ["a", "b"]}


async def test_save_changes_sends_only_changed_paths(m, raw):
    doc = await loaded_user(m)
    coll = raw[m.User.get_collection_name()]
    # A concurrent writer changes other fields: a partial save must not overwrite them.
    coll.update_one({"_id": doc.id}, {"$set": {"score": 9.0, "address.zip": "9"}})
    doc.age = 31
    doc.address.city = "Bergen"
    assert await run(doc.save_changes()) is doc
    stored = coll.find_one({"_id": doc.id})
    assert stored["age"] == 31
    assert stored["score"] == 9.0
    assert stored["address"] == {"city": "Bergen", "zip": "9"}
    assert doc.is_changed is False
    assert await run(doc.save_changes()) is None


async def test_save_changes_needs_a_saved_state(m):
    with pytest.raises(StateNotSaved):
        await run(m.User(name="new").save_changes())


async def test_inserted_documents_track_changes_too(m, raw):
    user = m.User(name="fresh", age=1)
    assert user.is_changed is True
    await run(user.insert())
    assert user.is_changed is False
    user.age = 2
    assert user.get_changes() == {"age": 2}
    await run(user.save_changes())
    assert raw[m.User.get_collection_name()].find_one({"_id": user.id})["age"] == 2


async def test_rollback_restores_saved_values(m):
    doc = await loaded_user(m)
    doc.age = 99
    doc.tags.append("z")
    doc.address = Address(city="elsewhere")
    doc.rollback()
    assert (doc.age, doc.tags, doc.address) == (30, ["a"], Address(city="Oslo", zip="1"))
    assert doc.is_changed is False


async def test_get_saved_state(m):
    doc = await loaded_user(m)
    state = doc.get_saved_state()
    assert state["_id"] == doc.id
    assert state["age"] == 30
    doc.age = 5
    await run(doc.save_changes())
    assert doc.get_saved_state()["age"] == 5
    assert m.User(name="never saved").get_saved_state() is None


async def test_previous_changes(m):
    doc = m.Previous(name="p", n=1)
    await run(doc.insert())
    loaded = await run(m.Previous.get(doc.id))
    loaded.n = 2
    await run(loaded.save_changes())
    assert loaded.get_previous_changes() == {"n": 2}


async def test_revision_conflict_is_detected(m):
    doc = m.Revisioned(name="r")
    await run(doc.insert())
    first = await run(m.Revisioned.get(doc.id))
    second = await run(m.Revisioned.get(doc.id))
    first.n = 1
    await run(first.save_changes())
    second.n = 2
    with pytest.raises(RevisionIdWasChanged):
        await run(second.save_changes())
    with pytest.raises(RevisionIdWasChanged):
        await run(second.replace())
    with pytest.raises(RevisionIdWasChanged):
        await run(second.save())
    await run(second.save(ignore_revision=True))
    assert (await run(m.Revisioned.get(doc.id))).n == 2


async def test_validate_on_save_runs_validators(m, raw):
    doc = m.Validated(name="  padded  ")
    await run(doc.insert())
    assert raw[m.Validated.get_collection_name()].find_one({"_id": doc.id})["name"] == "padded"
    doc.age = "not a number"
    with pytest.raises(ValidationError):
        await run(doc.save())
