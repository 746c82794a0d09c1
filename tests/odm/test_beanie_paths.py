"""Every name Beanie's own test suite imports exists at the same dotted path, and behaves.

``beanie.a.b`` is ``data_bridge.a.b``: a port changes the import and nothing else. The list below
is what the ``tests/`` of the ``beanie==2.1.0`` sdist import (plus the two names Beanie 2.2 added
to its top level). The behavioural tests run over the wire against the test server.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import importlib
import re
import uuid
from pathlib import Path
from typing import Annotated, Any, ClassVar, Optional, Union

import data_bridge
import data_bridge.exceptions
import data_bridge.sync
import pymongo
import pytest
from bson import Binary, Decimal128, ObjectId, Regex
from data_bridge import BackLink, BulkWriter, Document, Indexed, Link, UnionDoc, before_event, init
from data_bridge.executors.migrate import MigrationSettings, run_migrate
from data_bridge.migrations.models import MigrationLog, RunningDirections
from data_bridge.odm.actions import Before, EventTypes, Insert, Update, wrap_with_actions
from data_bridge.odm.custom_types import re as re_types
from data_bridge.odm.fields import ExpressionField, FieldResolution, LinkTypes
from data_bridge.odm.operators.update.general import Inc, Set, SetRevisionId, Unset
from data_bridge.odm.utils.dump import get_dict
from data_bridge.odm.utils.encoder import Encoder
from data_bridge.odm.utils.find import construct_lookup_queries
from data_bridge.odm.utils.parsing import parse_obj
from data_bridge.odm.utils.projection import get_projection
from data_bridge.odm.utils.pydantic import get_model_dump, get_model_fields, parse_model
from data_bridge.odm.utils.relations import resolve_query_paths
from data_bridge.odm.utils.self_validation import validate_self_before
from data_bridge.odm.utils.state import (
    previous_saved_state_needed,
    save_state_after,
    saved_state_needed,
)
from data_bridge.odm.utils.typing import extract_id_class, get_index_attributes
from data_bridge.odm.utils.update_merge import (
    ActionConflictResolution,
    MergeConflictError,
    _consolidate_update_query,
    _extract_targeted_fields,
    merge_update_expressions,
)
from pydantic import AnyUrl, BaseModel, Field, HttpUrl, ValidationError
from pymongo import IndexModel

# --------------------------------------------------------------------------------- the paths

BEANIE_SUITE_IMPORTS: dict[str, tuple[str, ...]] = {
    "data_bridge": (
        "ActionConflictResolution",
        "After",
        "BackLink",
        "Before",
        "BsonBinary",
        "BulkWriter",
        "DecimalAnnotation",
        "Document",
        "DocumentWithSoftDelete",
        "Indexed",
        "Insert",
        "Link",
        "MergeConflictError",
        "PydanticObjectId",
        "Replace",
        "Save",
        "Update",
        "ValidateOnSave",
        "WriteRules",
        "__version__",
        "free_fall_migration",
        "init_beanie",
        "iterative_migration",
    ),
    "data_bridge.exceptions": (
        "ApplyChangesException",
        "CollectionWasNotInitialized",
        "Deprecation",
        "DocumentNotFound",
        "DocumentWasNotSaved",
        "MongoDBVersionError",
        "ReplaceError",
        "RevisionIdWasChanged",
        "StateManagementIsTurnedOff",
        "StateNotSaved",
    ),
    "data_bridge.executors.migrate": ("MigrationSettings", "run_migrate"),
    "data_bridge.migrations.models": ("MigrationLog", "RunningDirections"),
    "data_bridge.odm.actions": (
        "Delete",
        "EventTypes",
        "after_event",
        "before_event",
        "wrap_with_actions",
    ),
    "data_bridge.odm.bulk": ("BulkWriter",),
    "data_bridge.odm.custom_types": ("re",),
    "data_bridge.odm.custom_types.bson.binary": ("BsonBinary",),
    "data_bridge.odm.custom_types.re": ("Pattern",),
    "data_bridge.odm.documents": ("Document", "MergeStrategy"),
    "data_bridge.odm.enums": ("SortDirection",),
    "data_bridge.odm.fields": (
        "BackLink",
        "DeleteRules",
        "ExpressionField",
        "FieldResolution",
        "Indexed",
        "Link",
        "PydanticObjectId",
        "WriteRules",
    ),
    "data_bridge.odm.models": ("InspectionStatuses",),
    "data_bridge.odm.operators.find.array": ("All", "ElemMatch", "Size"),
    "data_bridge.odm.operators.find.bitwise": (
        "BitsAllClear",
        "BitsAllSet",
        "BitsAnyClear",
        "BitsAnySet",
    ),
    "data_bridge.odm.operators.find.comparison": (
        "Eq",
        "GT",
        "GTE",
        "In",
        "LT",
        "LTE",
        "NE",
        "NotIn",
    ),
    "data_bridge.odm.operators.find.element": ("Exists", "Type"),
    "data_bridge.odm.operators.find.evaluation": (
        "Expr",
        "JsonSchema",
        "Mod",
        "RegEx",
        "Text",
        "Where",
    ),
    "data_bridge.odm.operators.find.geospatial": (
        "Box",
        "GeoIntersects",
        "GeoWithin",
        "Near",
        "NearSphere",
    ),
    "data_bridge.odm.operators.find.logical": ("And", "Nor", "Not", "Or"),
    "data_bridge.odm.operators.update.array": ("AddToSet", "Pop", "Pull", "PullAll", "Push"),
    "data_bridge.odm.operators.update.bitwise": ("Bit",),
    "data_bridge.odm.operators.update.general": (
        "CurrentDate",
        "Inc",
        "Max",
        "Min",
        "Mul",
        "Rename",
        "Set",
        "SetOnInsert",
        "SetRevisionId",
        "Unset",
    ),
    "data_bridge.odm.settings.timeseries": ("TimeSeriesConfig",),
    "data_bridge.odm.union_doc": ("UnionDoc",),
    "data_bridge.odm.utils.dump": ("get_dict",),
    "data_bridge.odm.utils.encoder": ("Encoder",),
    "data_bridge.odm.utils.find": ("construct_lookup_queries",),
    "data_bridge.odm.utils.init": ("init_beanie",),
    "data_bridge.odm.utils.parsing": ("parse_obj",),
    "data_bridge.odm.utils.projection": ("get_projection",),
    "data_bridge.odm.utils.pydantic": ("get_model_dump", "get_model_fields", "parse_model"),
    "data_bridge.odm.utils.relations": ("resolve_query_paths",),
    "data_bridge.odm.utils.self_validation": ("validate_self_before",),
    "data_bridge.odm.utils.state": (
        "previous_saved_state_needed",
        "save_state_after",
        "saved_state_needed",
    ),
    "data_bridge.odm.utils.typing": ("extract_id_class", "get_index_attributes"),
    "data_bridge.odm.utils.update_merge": (
        "ActionConflictResolution",
        "MergeConflictError",
        "_consolidate_update_query",
        "_extract_targeted_fields",
        "merge_update_expressions",
    ),
    "data_bridge.odm.views": ("View",),
    "data_bridge.operators": ("In", "Or"),
    "data_bridge.odm.queries.delete": ("DeleteMany",),
    "data_bridge.odm.queries.update": ("UpdateMany", "UpdateQuery", "UpdateResponse"),
}


def _resolve(module: str, name: str) -> Any:
    imported = importlib.import_module(module)
    if hasattr(imported, name):
        return getattr(imported, name)
    return importlib.import_module(f"{module}.{name}")


@pytest.mark.parametrize(
    ("module", "name"),
    [(module, name) for module, names in BEANIE_SUITE_IMPORTS.items() for name in names],
)
def test_beanie_path_resolves(module: str, name: str) -> None:
    assert _resolve(module, name) is not None


def test_same_objects_under_both_paths() -> None:
    from data_bridge.odm import fields
    from data_bridge.odm.custom_types.bson.binary import BsonBinary
    from data_bridge.odm.settings.timeseries import TimeSeriesConfig
    from data_bridge.odm.union_doc import UnionDoc

    assert fields.Link is data_bridge.Link
    assert fields.BackLink is data_bridge.BackLink
    assert fields.PydanticObjectId is data_bridge.PydanticObjectId
    assert BsonBinary is data_bridge.BsonBinary
    assert TimeSeriesConfig is data_bridge.TimeSeriesConfig
    assert UnionDoc is data_bridge.UnionDoc
    assert data_bridge.ActionConflictResolution is ActionConflictResolution
    assert data_bridge.operators.Set is Set


# ------------------------------------------------------------------ merging hooks into updates


class TestMergeUpdateExpressions:
    def test_consolidates_operators_and_dicts(self) -> None:
        folded = _consolidate_update_query(
            [{"$set": {"a": 1}}, Set({"b": 2}), Inc({"n": 1}), Set({"a": 3})]
        )
        assert folded == {"$set": {"a": 3, "b": 2}, "$inc": {"n": 1}}

    def test_revision_and_pipelines_are_left_out_of_the_fold(self) -> None:
        revision = SetRevisionId(uuid.uuid4())
        assert _consolidate_update_query([revision, [{"$set": {"x": 1}}]]) == {}
        assert _extract_targeted_fields({"$set": {"a": 1}, "$unset": {"b": ""}}) == {"a", "b"}

    def test_refuses_a_value_that_is_no_update(self) -> None:
        with pytest.raises(TypeError, match="mapping or an operator"):
            _consolidate_update_query([3])

    def test_no_changes_returns_a_copy(self) -> None:
        args = [Set({"a": 1})]
        merged = merge_update_expressions(args, {})
        assert merged == args
        assert merged is not args

    def test_update_wins_keeps_the_update_for_shared_fields(self) -> None:
        merged = merge_update_expressions([Inc({"n": 1})], {"n": 42, "tag": "x"})
        assert merged == [{"$inc": {"n": 1}, "$set": {"tag": "x"}}]

    def test_action_wins_drops_other_operators_on_shared_fields(self) -> None:
        merged = merge_update_expressions(
            [Inc({"n": 1}), Set({"name": "bob"})],
            {"n": 42},
            ActionConflictResolution.ACTION_WINS,
        )
        assert merged == [{"$set": {"name": "bob", "n": 42}}]

    def test_action_override_keeps_only_the_hook_and_the_revision(self) -> None:
        revision = SetRevisionId(uuid.uuid4())
        merged = merge_update_expressions(
            [Set({"name": "bob"}), revision],
            {"tag": "t"},
            ActionConflictResolution.ACTION_OVERRIDE,
        )
        assert merged == [{"$set": {"tag": "t"}}, revision]

    def test_raise_names_the_shared_fields(self) -> None:
        with pytest.raises(MergeConflictError) as caught:
            merge_update_expressions(
                [{"$set": {"b": 1}}, Unset({"a": ""})],
                {"a": 1, "b": 2, "c": 3},
                ActionConflictResolution.RAISE,
            )
        assert caught.value.conflicting_fields == {"a", "b"}
        assert "a, b" in str(caught.value)

    def test_raise_without_conflict_merges(self) -> None:
        merged = merge_update_expressions(
            [{"$set": {"a": 1}}], {"b": 2}, ActionConflictResolution.RAISE
        )
        assert merged == [{"$set": {"a": 1, "b": 2}}]

    def test_setting_defaults_to_update_wins(self) -> None:
        class Plain(Document):
            name: str

        strategy = Plain.get_settings().action_conflict_resolution
        assert strategy is ActionConflictResolution.UPDATE_WINS


class Tagged(Document):
    """A before_event(Update) hook that writes a persisted field (Beanie's default strategy)."""

    name: str
    tag: str | None = None
    counter: int = 0

    @before_event(Update)
    def set_tag(self) -> None:
        self.tag = "action_value"


class TaggedActionWins(Tagged):
    class Settings:
        action_conflict_resolution = ActionConflictResolution.ACTION_WINS


class TaggedOverride(Tagged):
    class Settings:
        action_conflict_resolution = ActionConflictResolution.ACTION_OVERRIDE


class TaggedRaise(Tagged):
    class Settings:
        action_conflict_resolution = ActionConflictResolution.RAISE


class CountingHook(Document):
    """A hook that changes a field the update increments."""

    counter: int = 0

    @before_event(Update)
    def bump(self) -> None:
        self.counter = 100

    class Settings:
        action_conflict_resolution = ActionConflictResolution.ACTION_WINS


class SyncTagged(data_bridge.sync.Document):
    name: str
    tag: str | None = None

    @before_event(Update)
    def set_tag(self) -> None:
        self.tag = "sync_action"


MERGE_MODELS = [Tagged, TaggedActionWins, TaggedOverride, TaggedRaise, CountingHook]


@pytest.fixture(scope="module")
async def merge_models(mongodb_uri: str, db_name: str) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=MERGE_MODELS)
    data_bridge.sync.init(
        database=db_name, connection_string=mongodb_uri, document_models=[SyncTagged]
    )


def _stored(pymongo_client: pymongo.MongoClient, db_name: str, doc: Any) -> dict[str, Any]:
    found: dict[str, Any] = pymongo_client[db_name][type(doc).get_collection_name()].find_one(
        {"_id": doc.id}
    )
    return found


class TestActionConflictResolutionOverTheWire:
    async def test_update_wins_writes_the_hooks_other_fields(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = Tagged(name="alice")
        await doc.insert()
        await doc.update({"$set": {"name": "bob"}})
        assert _stored(pymongo_client, db_name, doc)["tag"] == "action_value"
        assert doc.name == "bob"
        assert doc.tag == "action_value"

    async def test_update_wins_keeps_the_explicit_value(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = Tagged(name="alice")
        await doc.insert()
        await doc.update({"$set": {"name": "bob", "tag": "explicit"}})
        assert _stored(pymongo_client, db_name, doc)["tag"] == "explicit"

    async def test_action_wins_replaces_the_explicit_value(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = TaggedActionWins(name="alice")
        await doc.insert()
        await doc.update({"$set": {"name": "bob", "tag": "explicit"}})
        stored = _stored(pymongo_client, db_name, doc)
        assert (stored["name"], stored["tag"]) == ("bob", "action_value")

    async def test_action_wins_through_set(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = TaggedActionWins(name="alice")
        await doc.insert()
        await doc.set({TaggedActionWins.tag: "explicit"})
        assert _stored(pymongo_client, db_name, doc)["tag"] == "action_value"

    async def test_action_wins_drops_an_inc_of_the_same_field(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = CountingHook()
        await doc.insert()
        await doc.inc({CountingHook.counter: 1})
        assert _stored(pymongo_client, db_name, doc)["counter"] == 100

    async def test_action_override_sends_only_the_hooks_changes(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = TaggedOverride(name="alice")
        await doc.insert()
        await doc.update(Set({TaggedOverride.name: "bob"}), Inc({TaggedOverride.counter: 5}))
        stored = _stored(pymongo_client, db_name, doc)
        assert (stored["name"], stored["tag"], stored["counter"]) == ("alice", "action_value", 0)

    async def test_raise_sends_nothing(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = TaggedRaise(name="alice")
        await doc.insert()
        with pytest.raises(MergeConflictError) as caught:
            await doc.update({"$set": {"tag": "explicit"}})
        assert caught.value.conflicting_fields == {"tag"}
        stored = _stored(pymongo_client, db_name, doc)
        assert stored["tag"] is None
        other = TaggedRaise(name="carol")
        await other.insert()
        await other.update({"$set": {"name": "bob"}})  # no shared field: merged and sent
        assert _stored(pymongo_client, db_name, other)["tag"] == "action_value"

    async def test_skipping_before_hooks_merges_nothing(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = Tagged(name="alice")
        await doc.insert()
        await doc.update({"$set": {"name": "bob"}}, skip_actions=[Before])
        assert _stored(pymongo_client, db_name, doc)["tag"] is None

    async def test_sync_document_merges_the_same_way(
        self, merge_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = SyncTagged(name="alice")
        doc.insert()
        doc.update({"$set": {"name": "bob"}})
        stored = _stored(pymongo_client, db_name, doc)
        assert (stored["name"], stored["tag"]) == ("bob", "sync_action")


# ------------------------------------------------------------------------- utils.* helpers


class Colour(str, enum.Enum):
    RED = "red"


class Inner(BaseModel):
    i: int
    note: str | None = None


class Door(Document):
    t: int = 10


class Encoded(Document):
    name: str
    price: decimal.Decimal = decimal.Decimal("1.5")
    raw: bytes = b"x"
    uid: uuid.UUID = Field(default_factory=uuid.uuid4)
    colour: Colour = Colour.RED
    inner: Inner = Inner(i=1)
    secret: str = Field(default="s", exclude=True)
    door: Link[Door] | None = None
    pattern: re_types.Pattern = re.compile("^a", re.IGNORECASE)


class Linked(Document):
    url: HttpUrl


class Garage(Document):
    door: Link[Door]
    spare: Optional[Link[Door]] = None  # noqa: UP045 - the form Beanie tests
    doors: list[Link[Door]] = Field(default_factory=list)
    maybe_doors: list[Link[Door]] | None = None


class Owner(Document):
    garage: BackLink[Garage] = Field(default=None, json_schema_extra={"original_field": "owner"})
    garages: list[BackLink[Garage]] = Field(
        default=None, json_schema_extra={"original_field": "owner"}
    )


class Revised(Document):
    name: str

    class Settings:
        use_revision = True


class Vehicle(Document):
    wheels: int = 4

    class Settings:
        is_root = True


class Bike(Vehicle):
    wheels: int = 2
    bell: bool = True


class Machine(Document):
    name: str

    class Settings:
        is_root = True


class Truck(Machine):
    class Settings:
        class_id_value = "truck"


class Tipper(Truck):
    pass


class Crane(Machine):
    pass


class Animal(Document):
    name: str

    class Settings:
        is_root = True
        class_id = "kind"


class Dog(Animal):
    kind: str = "dog"

    class Settings:
        class_id_value = "dog"


class Shelter(UnionDoc):
    class Settings:
        name = "paths_shelter"


class Cat(Document):
    lives: int = 9

    class Settings:
        union_doc = Shelter
        name = "cats"  # in a union: the alias stored as class id, not a collection


class Hamster(Document):
    wheel: bool = True

    class Settings:
        union_doc = Shelter


class Secretive(Document):
    shown: int = 1
    secret: str | None = Field(default=None, json_schema_extra={"hidden": True})


class CustomInit(Document):
    marker: ClassVar[str] = "before"

    @classmethod
    async def custom_init(cls) -> None:
        cls.marker = "after"


class OldStyle(Document):
    name: str

    class Collection:
        name = "old_style"


HELPER_MODELS = [
    *[Door, Encoded, Linked, Revised, Vehicle, Bike],
    *[Machine, Truck, Tipper, Crane, Animal, Dog, Shelter, Cat, Hamster],
]


@pytest.fixture(scope="module")
async def helper_models(mongodb_uri: str, db_name: str) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=HELPER_MODELS)


class TestEncoder:
    def test_values_become_what_beanie_sends(self) -> None:
        value = uuid.uuid4()
        encoded = Encoder().encode(
            {
                "raw": b"ab",
                "kept": Binary(b"1", 3),
                "uid": value,
                "dec": decimal.Decimal("2.5"),
                "colour": Colour.RED,
                "day": datetime.date(2024, 1, 2),
                "regex": re.compile("^A", re.I),
                "set": {1},
                "model": Inner(i=2),
                uuid.UUID(int=0): 1,
            }
        )
        assert encoded["raw"] == Binary(b"ab", 0)
        assert isinstance(encoded["raw"], Binary)
        assert encoded["kept"].subtype == 3
        assert encoded["uid"] == Binary.from_uuid(value)
        assert encoded["dec"] == Decimal128("2.5")
        assert encoded["colour"] == "red"
        assert encoded["day"] == datetime.datetime(2024, 1, 2)
        assert isinstance(encoded["regex"], Regex)
        assert encoded["regex"].flags & re.I
        assert encoded["set"] == [1]
        assert encoded["model"] == {"i": 2, "note": None}
        assert encoded[str(uuid.UUID(int=0))] == 1

    async def test_pydantic_urls_are_stored_as_text(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        assert Encoder().encode(AnyUrl("https://example.com")) == "https://example.com/"
        doc = Linked(url="https://example.com/a")
        await doc.save()
        assert _stored(pymongo_client, db_name, doc)["url"] == "https://example.com/a"
        loaded = await Linked.get(doc.id)
        assert loaded is not None
        assert loaded.url == HttpUrl("https://example.com/a")

    def test_custom_encoders_come_first(self) -> None:
        moment = datetime.datetime(2024, 1, 2)
        assert Encoder(custom_encoders={datetime.datetime: str}).encode(moment) == str(moment)

    def test_keep_nulls_false_drops_nones_at_every_level(self) -> None:
        encoded = Encoder(keep_nulls=False, to_db=True).encode(Encoded(name="n", inner=Inner(i=3)))
        assert encoded["inner"] == {"i": 3}
        assert "_id" not in encoded
        assert "door" not in encoded

    async def test_a_document_encodes_as_it_is_stored(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        door = Door()
        await door.insert()
        doc = Encoded(name="n", door=door)
        await doc.insert()
        encoded = Encoder().encode(doc)
        stored = _stored(pymongo_client, db_name, doc)
        assert "secret" not in encoded
        assert "secret" not in stored
        assert encoded["door"] == stored["door"]  # the DBRef
        assert encoded["_id"] == stored["_id"] == doc.id
        assert encoded["price"] == stored["price"] == Decimal128("1.5")
        assert encoded["uid"] == stored["uid"]
        assert encoded["inner"] == stored["inner"]
        assert encoded["pattern"] == stored["pattern"]


class TestDumpAndParse:
    async def test_get_dict_is_the_stored_document(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        doc = Encoded(name="n")
        assert "_id" not in get_dict(doc)
        await doc.insert()
        dumped = get_dict(doc, exclude={"raw"})
        stored = _stored(pymongo_client, db_name, doc)
        assert "raw" not in dumped
        assert dumped["_id"] == doc.id
        assert dumped["name"] == stored["name"]
        assert dumped["inner"] == stored["inner"]

    async def test_get_dict_carries_the_revision(self, helper_models: None) -> None:
        doc = Revised(name="r")
        await doc.insert()
        assert get_dict(doc)["revision_id"] == Binary.from_uuid(doc.revision_id)
        assert "revision_id" not in get_dict(doc, exclude={"revision_id"})

    async def test_parse_obj_records_the_parsed_state(self, helper_models: None) -> None:
        data = {"_id": ObjectId(), "name": "r", "revision_id": None}
        doc = parse_obj(Revised, data)
        assert doc.id == data["_id"]
        assert doc.get_saved_state() == data
        assert not doc.is_changed
        doc.name = "s"
        assert doc.get_changes() == {"name": "s"}

    async def test_parse_obj_validates_and_picks_the_stored_class(
        self, helper_models: None
    ) -> None:
        bike = parse_obj(Vehicle, {"_id": ObjectId(), "wheels": "2", "_class_id": "Vehicle.Bike"})
        assert type(bike) is Bike
        assert bike.wheels == 2
        with pytest.raises(ValidationError):
            parse_obj(Revised, {"name": 3})

    def test_pydantic_helpers(self) -> None:
        assert set(get_model_fields(Inner)) == {"i", "note"}
        assert get_model_fields(Inner(i=1)) == get_model_fields(Inner)
        inner = parse_model(Inner, {"i": "4"})
        assert inner == Inner(i=4)
        assert get_model_dump(inner, exclude_none=True) == {"i": 4}

    def test_projection_is_every_stored_key(self) -> None:
        assert get_projection(Revised) == {"_id": 1, "name": 1, "revision_id": 1}
        assert get_projection(Vehicle) is None  # a family reads every field

    def test_typing_helpers(self) -> None:
        assert extract_id_class(Union[str, int]) is str  # noqa: UP007 - the form Beanie tests
        assert extract_id_class(Optional[str]) is str  # noqa: UP045 - the form Beanie tests
        assert extract_id_class(Link[Door]) is Door
        with pytest.raises(ValueError, match="id class"):
            extract_id_class(Optional["Door"])

        class Foo(BaseModel):
            plain: str
            indexed: Indexed(str)  # type: ignore[valid-type]
            text: Indexed(str, "text", unique=True)  # type: ignore[valid-type]
            annotated: Annotated[str, "other", Indexed(unique=True)]

        fields = get_model_fields(Foo)
        assert get_index_attributes(fields["plain"]) is None
        assert get_index_attributes(fields["indexed"]) == (1, {})
        assert get_index_attributes(fields["text"]) == ("text", {"unique": True})
        assert get_index_attributes(fields["annotated"]) == (1, {"unique": True})

    def test_get_link_fields_describes_each_link(self) -> None:
        links = Garage.get_link_fields()
        assert links is not None
        assert {name: info.link_type for name, info in links.items()} == {
            "door": LinkTypes.DIRECT,
            "spare": LinkTypes.OPTIONAL_DIRECT,
            "doors": LinkTypes.LIST,
            "maybe_doors": LinkTypes.OPTIONAL_LIST,
        }
        assert links["door"].document_class is Door
        assert links["door"].lookup_field_name == "door"
        back = Owner.get_link_fields()
        assert back is not None
        assert back["garage"].link_type is LinkTypes.BACK_DIRECT
        assert back["garages"].link_type is LinkTypes.BACK_LIST
        assert back["garage"].lookup_field_name == "owner"
        assert Door.get_link_fields() == {}
        assert Garage._link_fields.keys() == links.keys()

    async def test_class_ids_and_class_id_value(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        assert (Machine._class_id, Crane._class_id) == ("Machine", "Machine.Crane")
        assert (Truck._class_id, Tipper._class_id) == ("truck", "truck.Tipper")
        assert Door._class_id is None
        await Machine.find_all(with_children=True).delete()
        await Tipper(name="t").insert()
        await Crane(name="c").insert()
        stored = pymongo_client[db_name][Machine.get_collection_name()]
        assert sorted(d["_class_id"] for d in stored.find()) == ["Machine.Crane", "truck.Tipper"]
        trucks = await Truck.find_all(with_children=True).to_list()
        assert [type(d) for d in trucks] == [Tipper]
        machines = await Machine.find_all(with_children=True).sort("name").to_list()
        assert [type(d) for d in machines] == [Crane, Tipper]
        assert (Tipper._parent, Truck._parent, Machine._parent) == (Truck, Machine, None)
        await Machine.delete_all()  # the Machine documents only: there are none
        assert await Machine.find_all(with_children=True).count() == 2
        await Truck.delete_all(with_children=True)
        assert [type(d) for d in await Machine.find_all(with_children=True).to_list()] == [Crane]

    async def test_a_field_stored_under_the_class_id_key(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        await Dog.insert_many([Dog(name="a")])
        await Dog(name="b").insert()
        stored = pymongo_client[db_name][Animal.get_collection_name()]
        raw = stored.find_raw_batches({}, {"_id": 0}).next()
        assert raw.count(b"kind") == 2  # once per document: never written twice
        dogs = await Animal.find_all(with_children=True).sort("name").to_list()
        assert [(type(d), d.kind) for d in dogs] == [(Dog, "dog"), (Dog, "dog")]

    async def test_union_members_share_the_unions_collection(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        assert Cat.get_collection_name() == Hamster.get_collection_name() == "paths_shelter"
        assert (Cat._class_id, Hamster._class_id) == ("cats", "Hamster")
        async with BulkWriter() as writer:  # one collection: one bulk writer takes both
            await Cat.insert_one(Cat(), bulk_writer=writer)
            await Hamster.insert_one(Hamster(), bulk_writer=writer)
        stored = pymongo_client[db_name]["paths_shelter"]
        assert sorted(d["_class_id"] for d in stored.find()) == ["Hamster", "cats"]
        assert sorted(type(d).__name__ for d in await Shelter.all().to_list()) == [
            "Cat",
            "Hamster",
        ]

    async def test_a_union_has_a_bulk_writer(
        self, helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
    ) -> None:
        async with Shelter.bulk_writer() as writer:
            await Hamster.insert_one(Hamster(wheel=False), bulk_writer=writer)
        stored = pymongo_client[db_name]["paths_shelter"]
        assert stored.count_documents({"wheel": False}) == 1

    async def test_link_from_id(self, helper_models: None) -> None:
        door = await Door(t=3).insert()
        link = Door.link_from_id(door.id)
        assert link.ref.id == door.id
        assert link.ref.collection == Door.get_collection_name()
        fetched = await link.fetch()
        assert isinstance(fetched, Door)
        assert fetched.t == 3

    def test_construct_lookup_queries_fetches_every_link(self) -> None:
        stages = construct_lookup_queries(Encoded)
        lookups = [s["$lookup"] for s in stages if "$lookup" in s]
        assert [lookup["from"] for lookup in lookups] == [Door.get_collection_name()]

    async def test_init_runs_custom_init_and_checks_its_arguments(
        self, mongodb_uri: str, db_name: str
    ) -> None:
        await init(database=db_name, connection_string=mongodb_uri, document_models=[CustomInit])
        assert CustomInit.marker == "after"
        database = pymongo.AsyncMongoClient(mongodb_uri)[db_name]
        try:
            with pytest.raises(ValueError, match="pymongo database and connection_string"):
                await init(database=database, connection_string=mongodb_uri, document_models=[Door])
        finally:
            await database.client.close()
        with pytest.raises(ValueError, match="document_models"):
            await init(connection_string=f"{mongodb_uri.rstrip('/')}/{db_name}")

    async def test_hidden_fields_are_excluded_with_a_warning(
        self, mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient
    ) -> None:
        with pytest.warns(DeprecationWarning, match="'hidden=True' is deprecated"):
            await init(database=db_name, connection_string=mongodb_uri, document_models=[Secretive])
        doc = await Secretive(secret="s").insert()
        assert "secret" not in doc.model_dump()
        stored = pymongo_client[db_name][Secretive.get_collection_name()].find_one({})
        assert "secret" not in stored

    async def test_deprecated_collection_class_is_refused(
        self, mongodb_uri: str, db_name: str
    ) -> None:
        with pytest.raises(data_bridge.exceptions.Deprecation, match="Settings"):
            await init(database=db_name, connection_string=mongodb_uri, document_models=[OldStyle])


class TestFieldsAndPaths:
    def test_field_resolution_of_embedded_and_linked_fields(self) -> None:
        assert Encoded.inner._field_resolution == FieldResolution(model_class=Inner)
        assert Encoded.inner.i._field_resolution.is_link is False
        assert Encoded.door._field_resolution.is_link is True
        assert Encoded.door.t._field_resolution.is_link is True
        assert Encoded.door["t"]._field_resolution.is_link is True
        assert ExpressionField._resolve_field(None) == FieldResolution()
        assert ExpressionField._resolve_field(list[Inner]).model_class is Inner

    def test_link_id_paths_name_the_reference(self) -> None:
        assert Encoded.door.id == "door._id"  # the linked document's field, as in Beanie
        assert Encoded.door._field_resolution.model_class is Door
        # A find filters on the stored DBRef: "._id" through a link is its "$id".
        for fetch_links in (False, True):
            query = Encoded.find(Encoded.door.id == 1, fetch_links=fetch_links)
            assert query.get_filter_query() == {"door.$id": 1}
        assert Encoded.find({"door._id": 1}).get_filter_query() == {"door._id": 1}
        assert resolve_query_paths({Encoded.door.t: {"$in": [1]}}, Encoded, False) == {
            "door.t": {"$in": [1]}
        }
        key = ExpressionField("door._id", FieldResolution(is_link=True))
        assert resolve_query_paths({"$or": [{key: 1}]}, Encoded, False) == {
            "$or": [{"door.$id": 1}]
        }
        assert resolve_query_paths({key: 1}, Encoded, True) == {"door._id": 1}
        assert resolve_query_paths({"door._id": 1}, Encoded, False) == {"door._id": 1}

    async def test_pattern_field_round_trips(self, helper_models: None) -> None:
        doc = Encoded(name="p", pattern=re.compile("^b.*c$", re.IGNORECASE | re.MULTILINE))
        await doc.insert()
        loaded = await Encoded.get(doc.id)
        assert loaded is not None
        assert loaded.pattern.pattern == "^b.*c$"
        assert loaded.pattern.flags & (re.IGNORECASE | re.MULTILINE)
        assert re_types.Pattern is not None


# ------------------------------------------------------------------ decorators and migrations


class Journal(Document):
    entries: list[str] = Field(default_factory=list)
    title: str = "t"

    @before_event(Insert)
    def opened(self) -> None:
        self.entries.append("before")

    @wrap_with_actions(EventTypes.INSERT)
    async def publish(self, skip_actions: list[Any] | None = None) -> str:
        self.entries.append("publish")
        return "done"

    @saved_state_needed
    def changed(self) -> dict[str, Any]:
        return self.get_changes()

    @previous_saved_state_needed
    def previous(self) -> dict[str, Any]:
        return self.get_previous_changes()

    @save_state_after
    async def mark_saved(self) -> None:
        return None

    @validate_self_before
    async def checked(self) -> int:
        return len(self.entries)

    class Settings:
        validate_on_save = True


class Remembering(Document):
    num: int
    inner: Inner

    class Settings:
        state_management_save_previous = True


@pytest.fixture(scope="module")
async def journal(mongodb_uri: str, db_name: str) -> None:
    await init(
        database=db_name, connection_string=mongodb_uri, document_models=[Journal, Remembering]
    )


class TestDecorators:
    async def test_wrap_with_actions_runs_the_events_hooks(self, journal: None) -> None:
        doc = Journal()
        assert await doc.publish() == "done"
        assert doc.entries == ["before", "publish"]
        await doc.publish(skip_actions=[Before])
        assert doc.entries == ["before", "publish", "publish"]

    async def test_state_guards(self, journal: None) -> None:
        doc = Journal()
        with pytest.raises(data_bridge.exceptions.StateNotSaved):
            doc.changed()
        with pytest.raises(data_bridge.exceptions.StateManagementIsTurnedOff):
            doc.previous()
        await doc.insert()
        doc.title = "u"
        assert doc.changed() == {"title": "u"}
        await doc.mark_saved()
        assert doc.changed() == {}

    async def test_previous_saved_state_as_beanie_keeps_it(self, journal: None) -> None:
        assert Remembering.use_state_management() is False
        assert Remembering.state_management_save_previous() is True
        state = {"_id": ObjectId(), "num": 1, "inner": {"i": 1, "note": None}}
        doc = parse_obj(Remembering, state)
        assert doc.get_saved_state() == state
        assert doc.get_previous_saved_state() is None
        await doc.insert()
        assert doc.get_previous_saved_state() == state  # the parsed state, before the insert
        assert doc.has_changed is False
        doc.num = 2
        doc.inner.i = 5
        await doc.save_changes()
        assert doc.get_previous_saved_state() == state
        assert doc.get_previous_changes() == {"num": 2, "inner.i": 5}
        assert doc.has_changed is True
        doc.num = 3
        doc._save_state()
        assert doc.get_saved_state()["num"] == 3
        assert doc.get_previous_saved_state()["num"] == 2
        fresh = Remembering(num=1, inner=Inner(i=1))
        with pytest.raises(data_bridge.exceptions.StateNotSaved):
            _ = fresh.has_changed
        await fresh.insert()
        assert fresh.get_previous_saved_state() is None
        with pytest.raises(data_bridge.exceptions.StateManagementIsTurnedOff):
            _ = (await Journal().insert()).has_changed

    async def test_validate_self_before_validates(self, journal: None) -> None:
        doc = Journal()
        assert await doc.checked() == 0
        doc.entries = "not a list"  # type: ignore[assignment]
        with pytest.raises(ValidationError):
            await doc.checked()


MIGRATION = """
from data_bridge import Document, iterative_migration


class Old(Document):
    title: str

    class Settings:
        name = "paths_notes"


class New(Document):
    name: str

    class Settings:
        name = "paths_notes"


class Forward:
    @iterative_migration()
    async def rename(self, input_document: Old, output_document: New):
        output_document.name = input_document.title


class Backward:
    @iterative_migration()
    async def rename(self, input_document: New, output_document: Old):
        output_document.title = input_document.name
"""


async def test_run_migrate_forward_and_backward(
    tmp_path: Path, mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    (tmp_path / "m_20240101_rename.py").write_text(MIGRATION)
    notes = pymongo_client[db_name]["paths_notes"]
    notes.insert_one({"title": "x"})
    settings = MigrationSettings(
        connection_uri=mongodb_uri, database_name=db_name, path=str(tmp_path)
    )
    assert settings.direction is RunningDirections.FORWARD
    assert settings.distance == 0
    assert settings.use_transaction is False
    assert await run_migrate(settings) == ["m_20240101_rename"]
    assert notes.find_one({}, {"_id": 0}) == {"name": "x"}
    log = pymongo_client[db_name][MigrationLog.get_settings().name or ""].find_one({})
    assert log["name"] == "m_20240101_rename"
    assert log["is_current"] is True
    settings.direction = RunningDirections.BACKWARD
    assert await run_migrate(settings) == ["m_20240101_rename"]
    assert notes.find_one({}, {"_id": 0}) == {"title": "x"}


def test_migration_settings_read_pyproject(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.beanie.migrations]\npath = "from_toml"\ndistance = 3\n'
    )
    monkeypatch.chdir(tmp_path)
    settings = MigrationSettings(connection_uri="mongodb://x", database_name="d")
    assert (settings.path, settings.distance) == (Path("from_toml"), 3)


def test_migration_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEANIE_CONNECTION_URI", "mongodb://example:1")
    monkeypatch.setenv("BEANIE_DB", "envdb")
    monkeypatch.setenv("BEANIE_DISTANCE", "2")
    settings = MigrationSettings(path="p", direction="BACKWARD")
    assert (settings.connection_uri, settings.database_name) == ("mongodb://example:1", "envdb")
    assert settings.distance == 2
    assert settings.path == Path("p")
    assert RunningDirections(settings.direction) is RunningDirections.BACKWARD


DROP_INDEX = """
from data_bridge import Document, iterative_migration


class Old(Document):
    title: str

    class Settings:
        name = "paths_indexed"
        indexes = ["title"]


class New(Document):
    title: str

    class Settings:
        name = "paths_indexed"


class Forward:
    @iterative_migration()
    async def keep(self, input_document: Old, output_document: New): ...


class Backward:
    @iterative_migration()
    async def keep(self, input_document: New, output_document: Old): ...
"""


@pytest.mark.parametrize("allow", [False, True])
async def test_run_migrate_drops_indexes_only_when_allowed(
    allow: bool, tmp_path: Path, mongodb_uri: str, pymongo_client: pymongo.MongoClient
) -> None:
    name = f"paths_drop_{int(allow)}_{uuid.uuid4().hex[:6]}"
    (tmp_path / "m_20240102_keep.py").write_text(DROP_INDEX)
    collection = pymongo_client[name]["paths_indexed"]
    collection.insert_one({"title": "x"})
    collection.create_index("title")
    try:
        settings = MigrationSettings(
            connection_uri=mongodb_uri,
            database_name=name,
            path=str(tmp_path),
            allow_index_dropping=allow,
        )
        assert await run_migrate(settings) == ["m_20240102_keep"]
        assert ("title_1" in collection.index_information()) is not allow
    finally:
        pymongo_client.drop_database(name)


async def test_update_with_a_pipeline(
    helper_models: None, pymongo_client: pymongo.MongoClient, db_name: str
) -> None:
    await Revised.find_all().delete()
    docs = [Revised(name=f"n{i}") for i in range(3)]
    await Revised.insert_many(docs)
    await Revised.find_all().update(
        [{"$set": {"name": "piped"}}], [{"$set": {"name": {"$concat": ["$name", "!"]}}}]
    )
    stored = pymongo_client[db_name][Revised.get_collection_name()]
    assert sorted(d["name"] for d in stored.find()) == ["piped!"] * 3
    doc = await Revised.find_one(Revised.name == "piped!")
    assert doc is not None
    revision = doc.revision_id
    await doc.update([{"$set": {"name": "one"}}])
    assert doc.name == "one"
    assert doc.revision_id != revision  # the revision is a last stage of the pipeline
    with pytest.raises(TypeError, match="pipeline"):
        await doc.update([{"$set": {"name": "x"}}], Set({Revised.name: "y"}))


class IndexedBase(Document):
    class Settings:
        name = "paths_merged"
        indexes = (  # a tuple here; Beanie's apps use lists, accepted the same
            "s1",
            [("s2", pymongo.ASCENDING)],
            IndexModel([("s3", 1)], name="s3_index"),
        )


class IndexedMerged(IndexedBase):
    class Settings:
        name = "paths_merged"
        merge_indexes = True
        indexes = ("s0", [("s2", pymongo.DESCENDING)], IndexModel([("s3", -1)], name="s3_index"))


async def test_merge_indexes_and_recreation(
    mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient
) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[IndexedMerged])
    info = pymongo_client[db_name]["paths_merged"].index_information()
    assert {name: spec["key"] for name, spec in info.items()} == {
        "_id_": [("_id", 1)],
        "s0_1": [("s0", 1)],
        "s1_1": [("s1", 1)],
        "s2_-1": [("s2", -1)],
        "s3_index": [("s3", -1)],
    }

    class Unique(Document):
        name: Indexed(str, unique=True)  # type: ignore[valid-type]

        class Settings:
            name = "paths_recreated"

    class Partial(Document):
        name: str

        class Settings:
            name = "paths_recreated"
            indexes = (IndexModel("name", unique=True, partialFilterExpression={"n": 1}),)

    await init(database=db_name, connection_string=mongodb_uri, document_models=[Unique])
    await init(
        database=db_name,
        connection_string=mongodb_uri,
        document_models=[Partial],
        allow_index_dropping=True,
    )
    info = pymongo_client[db_name]["paths_recreated"].index_information()
    assert info["name_1"]["partialFilterExpression"] == {"n": 1}
