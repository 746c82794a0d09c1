"""Event hooks fire around every operation, sync or async, and can be skipped."""

from data_bridge import After, Before
from data_bridge.operators import Set

from .helpers import run


async def test_insert_fires_validate_then_before_and_after(m):
    doc = m.Hooked(name="h")
    await run(doc.insert())
    assert doc.log == ["validate", "before", "after"]


async def test_replace_save_save_changes_update_delete_fire(m):
    doc = m.Hooked(name="h")
    await run(doc.insert())
    doc.log = []
    await run(doc.replace())
    assert doc.log == ["validate", "before", "after"]
    doc.log = []
    await run(doc.save())
    # save is an update underneath: Save and Update hooks both run.
    assert doc.log == ["validate", "before", "before", "after", "after"]
    doc.name = "changed"
    doc.log = []
    await run(doc.save_changes())
    assert doc.log == ["validate", "before", "before", "after", "after"]
    doc.log = []
    await run(doc.update(Set({"name": "u"})))
    # The before-hook's change is written with the update (Beanie 2.1's merge, UPDATE_WINS);
    # update reloads the stored document, then the after-hook runs on it.
    assert doc.name == "u"
    assert doc.log == ["before", "after"]
    doc.log = []
    await run(doc.delete())
    assert doc.log == ["before", "after"]


async def test_hooks_change_what_is_written(m, raw):
    doc = m.Hooked(name="h")
    await run(doc.insert())
    stored = raw[m.Hooked.get_collection_name()].find_one({"_id": doc.id})
    assert stored["log"] == ["validate", "before"]


async def test_skip_actions_by_direction_and_by_name(m):
    doc = m.Hooked(name="h")
    await run(doc.insert(skip_actions=[After]))
    assert doc.log == ["validate", "before"]
    doc.log = []
    await run(doc.replace(skip_actions=[Before, "validating"]))
    assert doc.log == ["after"]
