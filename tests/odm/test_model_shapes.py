"""Embedded models built by the engine (``odm.model_shapes``) equal the ones pydantic validates.

Documents are stored with pymongo (keys missing, nulls, aliases, nested lists), then loaded
twice: through the engine-built path and with it turned off (pydantic validating each column).
Both must give equal models, field by field, including which fields count as set. Models that
must be validated (validators, constraints, value-changing config) are checked to be refused,
and values the engine cannot build exactly are checked to reach pydantic, whose errors stay.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal
from typing import Annotated, Any, Literal

import pymongo
import pytest
from bson import ObjectId
from bson.datetime_ms import DatetimeMS
from data_bridge import Document, PydanticObjectId, init
from data_bridge.odm import model_shapes
from data_bridge.odm.codecs import model_plan
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator


class Geo(BaseModel):
    lat: float
    lon: float


class Line(BaseModel):
    sku: str
    qty: int = 1
    price: float | None = None
    notes: list[str] = []


class Place(BaseModel):
    model_config = ConfigDict(extra="allow")

    city: str
    zip_code: str = Field(alias="zip")
    geo: Geo | None = None
    seen: dt.datetime | None = None
    open: bool = False


class Shop(Document):
    name: str
    main: Place
    lines: list[Line] = Field(default_factory=list)
    branch: Place | None = None
    grid: list[list[Line]] = Field(default_factory=list)

    class Settings:
        name = "shape_shops"


class Strict(BaseModel):
    code: str


class Guarded(Document):
    inner: Strict

    class Settings:
        name = "shape_guarded"


class Shouting(BaseModel):
    word: str

    @field_validator("word")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


class Loud(Document):
    inner: Shouting
    many: list[Shouting] = Field(default_factory=list)

    class Settings:
        name = "shape_loud"


class Stamp(BaseModel):
    at: dt.datetime


class Stamped(Document):
    stamp: Stamp

    class Settings:
        name = "shape_stamped"


WHEN = dt.datetime(2024, 3, 4, 5, 6, 7, 8000)

STORED: list[dict[str, Any]] = [
    {
        "name": "full",
        "main": {
            "city": "Oslo",
            "zip": "0150",
            "geo": {"lat": 59.9, "lon": 10.7},
            "seen": WHEN,
            "open": True,
            "unknown": "kept",
        },
        "lines": [
            {"sku": "a", "qty": 2, "price": 1.5, "notes": ["x", "y"]},
            {"sku": "b", "qty": 3, "price": 2.0, "notes": []},
        ],
        "branch": {"city": "Bergen", "zip": "5003"},
        "grid": [[{"sku": "g"}], []],
    },
    # Keys missing at every level: defaults apply and those fields are not set.
    {"name": "sparse", "main": {"city": "Rome", "zip": "00100"}, "lines": [{"sku": "c"}]},
    # Explicit nulls: nullable fields hold None, fields with a default take it.
    {
        "name": "nulls",
        "main": {"city": "Lima", "zip": "15001", "geo": None, "seen": None, "open": None},
        "lines": [{"sku": "d", "qty": None, "price": None, "notes": None}],
        "branch": None,
    },
    # An int stored where the model says float, and an empty list of models.
    {"name": "widened", "main": {"city": "Kyiv", "zip": "01001", "geo": {"lat": 50, "lon": 30}}},
]


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    return pymongo_client[db_name]


@pytest.fixture
async def shops(raw: pymongo.database.Database, db_name: str, mongodb_uri: str) -> None:
    await init(
        database=db_name,
        connection_string=mongodb_uri,
        document_models=[Shop, Guarded, Loud, Stamped],
    )
    raw.shape_shops.delete_many({})
    raw.shape_shops.insert_many([dict(doc) for doc in STORED])


async def _load_both(model: type[Document]) -> tuple[list[Any], list[Any]]:
    built = await model.find_all().sort("name").to_list()
    model_shapes.ENABLED = False
    try:
        validated = await model.find_all().sort("name").to_list()
    finally:
        model_shapes.ENABLED = True
    return built, validated


def _same_models(a: Any, b: Any, path: str) -> None:
    """Equal values, and for models also the same class, fields set and extras."""
    assert type(a) is type(b), path
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, path
        assert a.__pydantic_extra__ == b.__pydantic_extra__, path
        for name in type(a).model_fields:
            _same_models(getattr(a, name), getattr(b, name), f"{path}.{name}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_models(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_the_bench_and_test_models_take_the_engine_path() -> None:
    plan = model_plan(Shop)
    assert plan.fields["main"].shape is not None
    assert plan.fields["lines"].shape is not None
    assert plan.fields["branch"].shape is not None
    # A list of lists of models is left to pydantic.
    assert plan.fields["grid"].shape is None


@pytest.mark.usefixtures("shops")
async def test_built_models_equal_validated_models() -> None:
    built, validated = await _load_both(Shop)
    assert [doc.name for doc in built] == ["full", "nulls", "sparse", "widened"]
    table = built[0]._db_src.table
    plan = model_plan(Shop)
    # The engine really built these columns (None would mean it handed them to pydantic).
    for field in ("main", "lines", "branch"):
        assert table.model_column(plan.fields[field].key, plan.fields[field].shape) is not None
    for a, b in zip(built, validated, strict=True):
        _same_models(a, b, a.name)
        assert a == b
        assert a.model_dump() == b.model_dump()
        assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
        assert a.model_dump_json() == b.model_dump_json()


@pytest.mark.usefixtures("shops")
async def test_built_models_hold_the_stored_values() -> None:
    full, nulls, sparse, widened = await Shop.find_all().sort("name").to_list()
    assert full.main == Place(
        city="Oslo",
        zip="0150",
        geo=Geo(lat=59.9, lon=10.7),
        seen=WHEN,
        open=True,
        unknown="kept",
    )
    # Place allows extras: the stored key outside the model is one.
    assert full.main.model_extra == {"unknown": "kept"}
    assert full.lines[1] == Line(sku="b", qty=3, price=2.0, notes=[])
    assert full.branch is not None
    assert full.branch.city == "Bergen"
    assert full.grid == [[Line(sku="g")], []]
    assert sparse.main.model_fields_set == {"city", "zip_code"}
    assert sparse.lines == [Line(sku="c")]
    assert sparse.lines[0].model_fields_set == {"sku"}
    assert sparse.branch is None
    assert nulls.main.geo is None
    assert nulls.main.seen is None
    assert nulls.main.open is False
    assert nulls.lines[0].qty == 1
    assert nulls.lines[0].price is None
    assert nulls.lines[0].notes == []
    assert widened.main.geo == Geo(lat=50.0, lon=30.0)
    assert type(widened.main.geo.lat) is float
    assert widened.lines == []
    # The default list is a fresh one per instance, as pydantic's copy of a default is.
    nulls.lines[0].notes.append("mine")
    assert Line(sku="z").notes == []


@pytest.mark.usefixtures("shops")
async def test_built_models_pickle_copy_and_track_changes(raw: pymongo.database.Database) -> None:
    shop = await Shop.find_one(Shop.name == "full")
    assert shop is not None
    assert pickle.loads(pickle.dumps(shop)) == shop
    assert copy.deepcopy(shop) == shop
    assert not shop.is_changed
    shop.main.city = "Trondheim"
    shop.lines[0].qty = 9
    assert shop.is_changed
    await shop.save_changes()
    stored = raw.shape_shops.find_one({"name": "full"})
    assert stored["main"]["city"] == "Trondheim"
    assert stored["lines"][0]["qty"] == 9
    assert stored["main"]["unknown"] == "kept"


@pytest.mark.usefixtures("shops")
async def test_a_null_in_a_required_nested_field_is_still_pydantics_error(
    raw: pymongo.database.Database,
) -> None:
    raw.shape_guarded.delete_many({})
    raw.shape_guarded.insert_one({"inner": {"code": None}})
    docs = await Guarded.find_all().to_list()
    plan = model_plan(Guarded).fields["inner"]
    assert plan.shape is not None
    assert docs[0]._db_src.table.model_column(plan.key, plan.shape) is None
    with pytest.raises(ValidationError, match="code"):
        _ = docs[0].inner


@pytest.mark.usefixtures("shops")
async def test_validators_of_embedded_models_still_run(raw: pymongo.database.Database) -> None:
    raw.shape_loud.delete_many({})
    raw.shape_loud.insert_one({"inner": {"word": "hi"}, "many": [{"word": "yo"}]})
    assert model_plan(Loud).fields["inner"].shape is None
    doc = await Loud.find_one()
    assert doc is not None
    assert doc.inner.word == "HI"
    assert doc.many[0].word == "YO"


@pytest.mark.usefixtures("shops")
async def test_a_datetime_python_cannot_hold_reaches_pydantic(
    raw: pymongo.database.Database,
) -> None:
    raw.shape_stamped.delete_many({})
    try:
        raw.shape_stamped.insert_one({"stamp": {"at": DatetimeMS(2**50)}})
    except pymongo.errors.OperationFailure as refused:
        # The Python SecantusDB server decodes dates into Python datetimes and refuses this one.
        if "out of range" not in str(refused):
            raise
        pytest.skip(f"the server cannot store a date past year 9999: {refused}")
    doc = await Stamped.find_one()
    assert doc is not None
    plan = model_plan(Stamped).fields["stamp"]
    assert doc._db_src.table.model_column(plan.key, plan.shape) is None
    model_shapes.ENABLED = False
    try:
        validated = await Stamped.find_one()
        assert validated is not None
        with pytest.raises(ValidationError) as expected:
            _ = validated.stamp
    finally:
        model_shapes.ENABLED = True
    with pytest.raises(ValidationError) as seen:
        _ = doc.stamp
    assert seen.value.errors()[0]["type"] == expected.value.errors()[0]["type"]


class _Validated(BaseModel):
    a: str

    @field_validator("a")
    @classmethod
    def same(cls, value: str) -> str:
        return value


class _Upper(BaseModel):
    model_config = ConfigDict(str_to_upper=True)
    a: str


class _Stripped(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    a: str


class _NoInf(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    a: float


class _Constrained(BaseModel):
    a: Annotated[str, Field(max_length=3)]


class _ByValidationAlias(BaseModel):
    a: str = Field(validation_alias="b")


class _PostInit(BaseModel):
    a: str

    def model_post_init(self, context: Any, /) -> None:
        pass


class _CustomInit(BaseModel):
    a: str

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)


class _Private(BaseModel):
    a: str
    _cache: int = PrivateAttr(default=0)


class _Recursive(BaseModel):
    a: str
    child: _Recursive | None = None


class _Decimal(BaseModel):
    a: Decimal


class _Literal(BaseModel):
    a: Literal["x", "y"]


class _ObjectId(BaseModel):
    a: PydanticObjectId


class _Fine(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, title="fine")
    a: str = Field(alias="A")
    b: list[int] = Field(default_factory=list)
    c: dt.datetime | None = None


@pytest.mark.parametrize(
    ("annotation", "built"),
    [
        (_Validated, False),
        (_Upper, False),
        (_Stripped, False),
        (_NoInf, False),
        (_Constrained, False),
        (_ByValidationAlias, False),
        (_PostInit, False),
        (_CustomInit, False),
        (_Private, False),
        (_Recursive, False),
        (_Decimal, False),
        (_Literal, False),
        (_ObjectId, False),
        (list[_Validated], False),
        (dict[str, _Fine], False),
        (str, False),
        (list[str], False),
        (_Fine, True),
        (_Fine | None, True),
        (list[_Fine], True),
        (Place, True),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_which_models_the_engine_builds(annotation: Any, built: bool) -> None:
    assert (model_shapes.model_shape(annotation) is not None) is built


def test_an_object_id_field_is_not_mistaken_for_bytes() -> None:
    # PydanticObjectId validation turns an ObjectId into the subclass: it must stay pydantic's.
    assert model_shapes.model_shape(_ObjectId) is None
    assert _ObjectId(a=ObjectId()).a.__class__ is PydanticObjectId
