"""Model-level derivations that need no server: settings, schema, indexes, events."""

import datetime
from typing import Any

import pytest
from bson import ObjectId
from data_bridge import Document, Indexed, Insert, PydanticObjectId, Save, before_event
from data_bridge.odm.actions import ActionDirections, EventTypes
from data_bridge.odm.codecs import model_plan
from data_bridge.odm.indexes import declared
from pydantic import BaseModel, Field, ValidationError


class Geo(BaseModel):
    lat: float
    lng: float


class Shop(Document):
    name: Indexed(str, unique=True)
    opened: datetime.datetime
    rating: float | None = None
    visits: int = 0
    tags: list[str] = Field(default_factory=list)
    geo: Geo
    extra: dict[str, Any] = Field(default_factory=dict)
    owner: PydanticObjectId | None = None

    class Settings:
        name = "shops"
        indexes = ["visits", [("rating", -1), ("visits", 1)]]  # noqa: RUF012
        use_revision = True
        keep_nulls = False

    @before_event(Insert, Save)
    def touch(self) -> None:
        pass


class Branch(Shop):
    city: str = ""


def test_settings_are_parsed_and_inherited():
    settings = Shop.get_settings()
    assert (settings.name, settings.use_revision, settings.keep_nulls) == ("shops", True, False)
    assert Shop.get_collection_name() == "shops"
    assert Branch.get_collection_name() == "Branch"
    assert Branch.get_settings().use_revision is True


def test_schema_spec_follows_the_fields():
    assert model_plan(Shop).spec == {
        "_id": "objectId",
        "revision_id": "any",
        "name": "string",
        "opened": "date",
        "rating": "double",
        "visits": "long",
        "tags": ["string"],
        "geo": {"lat": "double", "lng": "double"},
        "extra": "any",
        "owner": "objectId",
    }
    assert "city" in model_plan(Branch).spec


def test_declared_indexes():
    documents = [model.document for model in declared(Shop)]
    assert [(dict(d["key"]), d.get("unique", False)) for d in documents] == [
        ({"name": 1}, True),
        ({"visits": 1}, False),
        ({"rating": -1, "visits": 1}, False),
    ]


def test_events_are_collected_through_inheritance():
    registry = Branch._db_actions()
    assert [f.__name__ for f in registry[EventTypes.INSERT][ActionDirections.BEFORE]] == ["touch"]
    assert registry[EventTypes.DELETE][ActionDirections.AFTER] == []


def test_subclass_fields_keep_parent_defaults_and_class_expressions():
    assert Branch(name="b", opened=datetime.datetime(2020, 1, 1), geo=Geo(lat=1, lng=2)).visits == 0
    assert (Branch.city == "x").query == {"city": "x"}
    assert (Branch.visits > 1).query == {"visits": {"$gt": 1}}


def test_pydantic_object_id_validates_and_serialises_as_str():
    oid = ObjectId()
    shop = Shop(
        name="s", opened=datetime.datetime(2020, 1, 1), geo=Geo(lat=0, lng=0), owner=str(oid)
    )
    assert shop.owner == oid
    assert isinstance(shop.owner, PydanticObjectId)
    assert shop.model_dump(mode="json")["owner"] == str(oid)
    assert shop.model_dump()["owner"] == oid
    assert Shop.model_validate_json(shop.model_dump_json()).owner == oid
    with pytest.raises(ValidationError):
        Shop(name="s", opened=datetime.datetime(2020, 1, 1), geo=Geo(lat=0, lng=0), owner="nope")


def test_id_alias_and_population_by_name():
    oid = ObjectId()
    shop = Shop(id=oid, name="s", opened=datetime.datetime(2020, 1, 1), geo=Geo(lat=0, lng=0))
    assert shop.model_dump(by_alias=True)["_id"] == oid
    assert Shop.model_validate({"_id": oid, **shop.model_dump(exclude={"id"})}).id == oid
    assert "revision_id" not in shop.model_dump()


def test_a_failed_class_definition_does_not_break_expressions():
    # pydantic refuses the field while collecting fields, after the class object exists.
    with pytest.raises(ValueError, match="protected namespace"):

        class Broken(Document):
            model_dump: int = 0  # type: ignore[assignment]

    assert (Shop.visits > 1).query == {"visits": {"$gt": 1}}
