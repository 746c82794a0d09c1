"""Geo and text search end to end: indexes from ``Settings`` / ``Indexed``, operators, Arrow.

Geo runs for real on SecantusDB and mongod. SecantusDB has no text indexes: the text tests check
the index the model declares and the exact filter, send both to the server, and skip with the
server's own refusal; against a mongod (``MONGODB_URI``) they run to the end.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import data_bridge
import data_bridge.sync
import pymongo
import pytest
from data_bridge import Indexed
from data_bridge.errors import OperationFailure
from data_bridge.odm.indexes import declared
from data_bridge.operators import (
    Box,
    GeoIntersects,
    GeoWithin,
    GeoWithinTypes,
    Near,
    NearSphere,
    Text,
)
from pydantic import BaseModel
from pymongo import IndexModel

from tests.odm.helpers import run

EARTH_RADIUS_M = 6_378_100.0  # the radius the server's spherical distances use


class GeoObject(BaseModel):
    """A GeoJSON point, as Beanie's documentation declares it."""

    type: str = "Point"
    coordinates: tuple[float, float]


class PlaceView(BaseModel):
    name: str
    distance: float


def _build(flavour: str) -> SimpleNamespace:
    base: Any = data_bridge.Document if flavour == "async" else data_bridge.sync.Document

    class Place(base):
        name: str
        location: GeoObject

        class Settings:
            name = f"geo_places_{flavour}"
            indexes = [IndexModel([("location", pymongo.GEOSPHERE)])]  # noqa: RUF012

    class Spot(base):
        name: str
        location: Indexed(dict, index_type=pymongo.GEOSPHERE)  # type: ignore[valid-type]

        class Settings:
            name = f"geo_spots_{flavour}"

    class Article(base):
        title: str
        body: str = ""

        class Settings:
            name = f"text_articles_{flavour}"
            indexes = [  # noqa: RUF012
                IndexModel(
                    [("title", pymongo.TEXT), ("body", pymongo.TEXT)],
                    weights={"title": 10},
                    default_language="english",
                )
            ]

    return SimpleNamespace(Place=Place, Spot=Spot, Article=Article, flavour=flavour)


async def _init(flavour: str, uri: str, db: str, models: list[Any], **options: Any) -> None:
    if flavour == "async":
        await data_bridge.init(
            database=db, connection_string=uri, document_models=models, **options
        )
    else:
        data_bridge.sync.init(database=db, connection_string=uri, document_models=models, **options)


@pytest.fixture(scope="module")
async def models(flavour: str, mongodb_uri: str, db_name: str) -> SimpleNamespace:
    m = _build(flavour)
    await _init(flavour, mongodb_uri, db_name, [m.Place, m.Spot])
    # The text model binds without its index; test_text_index_from_settings creates it.
    await _init(flavour, mongodb_uri, db_name, [m.Article], skip_indexes=True)
    return m


# Points on the equator, 0.01° (≈ 1,113 m) apart, and one far away.
LONGITUDES = {"a": 0.0, "b": 0.01, "c": 0.02, "d": 0.03, "far": 1.0}


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), the oracle for distance order."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _by_distance(lon: float, lat: float, max_m: float, min_m: float = 0.0) -> list[str]:
    distances = {name: _metres(lon, lat, x, 0.0) for name, x in LONGITUDES.items()}
    return sorted((n for n, d in distances.items() if min_m <= d <= max_m), key=distances.get)


@pytest.fixture
async def places(models: SimpleNamespace, raw: pymongo.database.Database) -> SimpleNamespace:
    for model in (models.Place, models.Spot):
        raw[model.get_collection_name()].delete_many({})
    await run(
        models.Place.insert_many(
            [
                models.Place(name=name, location=GeoObject(coordinates=(lon, 0.0)))
                for name, lon in LONGITUDES.items()
            ]
        )
    )
    await run(
        models.Spot.insert_many(
            [
                models.Spot(name=name, location={"type": "Point", "coordinates": [lon, 0.0]})
                for name, lon in LONGITUDES.items()
            ]
        )
    )
    return models


def _require_near_order(raw: pymongo.database.Database, model: Any) -> None:
    """Skip when the server itself (asked through pymongo) does not sort ``$near`` by distance."""
    near = {"$near": {"$geometry": {"type": "Point", "coordinates": [0.029, 0.0]}}}
    names = [d["name"] for d in raw[model.get_collection_name()].find({"location": near})]
    expected = sorted(LONGITUDES, key=lambda n: abs(LONGITUDES[n] - 0.029))
    if names != expected:
        pytest.skip(f"this server's $near does not sort by distance: pymongo got {names}")


def _keys(raw: pymongo.database.Database, model: Any) -> list[dict[str, Any]]:
    return [dict(ix["key"]) for ix in raw[model.get_collection_name()].list_indexes()]


async def test_init_creates_2dsphere_indexes_from_settings_and_indexed(
    models: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    assert {"location": "2dsphere"} in _keys(raw, models.Place)
    assert {"location": "2dsphere"} in _keys(raw, models.Spot)


async def test_near_returns_documents_in_distance_order(
    places: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    Place = places.Place
    _require_near_order(raw, Place)
    query = Place.find(Near(Place.location, 0.013, 0.0, max_distance=2500))
    found = await run(query.to_list())
    assert [p.name for p in found] == _by_distance(0.013, 0.0, 2500) == ["b", "c", "a", "d"]
    assert isinstance(found[0].location, GeoObject)
    assert found[0].location.coordinates == (0.01, 0.0)
    assert await run(query.count()) == 4
    ringed = Place.find(Near(Place.location, 0.013, 0.0, max_distance=2500, min_distance=500))
    assert [p.name for p in await run(ringed.to_list())] == _by_distance(0.013, 0.0, 2500, 500)
    first = await run(Place.find(Near(Place.location, 0.029, 0.0)).first_or_none())
    assert first.name == "d"


async def test_near_sphere_and_dict_points(
    places: SimpleNamespace, raw: pymongo.database.Database
) -> None:
    Place, Spot = places.Place, places.Spot
    _require_near_order(raw, Place)
    found = await run(Place.find(NearSphere(Place.location, 0.0, 0.0, max_distance=1200)).to_list())
    assert [p.name for p in found] == _by_distance(0.0, 0.0, 1200) == ["a", "b"]
    spots = await run(Spot.find(Near(Spot.location, 1.0, 0.0, max_distance=10)).to_list())
    assert [(s.name, s.location) for s in spots] == [
        ("far", {"type": "Point", "coordinates": [1.0, 0.0]})
    ]


async def test_geo_within_polygon_box_and_center_sphere(places: SimpleNamespace) -> None:
    Place = places.Place
    square = [[[-0.005, -1], [0.015, -1], [0.015, 1], [-0.005, 1], [-0.005, -1]]]

    async def names(*filters: Any) -> list[str]:
        return sorted(p.name for p in await run(Place.find(*filters).to_list()))

    assert await names(GeoWithin(Place.location, GeoWithinTypes.Polygon, square)) == ["a", "b"]
    assert await names(Box(Place.location, [0.015, -1], [0.035, 1])) == ["c", "d"]
    radius = 1500 / EARTH_RADIUS_M  # $centerSphere takes radians
    center = {"location": {"$geoWithin": {"$centerSphere": [[0.02, 0.0], radius]}}}
    assert await names(center) == ["b", "c", "d"]
    assert await names(GeoIntersects(Place.location, "Polygon", square)) == ["a", "b"]
    assert await run(Place.find(GeoIntersects(Place.location, "Polygon", square)).count()) == 2


async def test_geo_query_to_arrow_has_a_point_struct(places: SimpleNamespace) -> None:
    pa = pytest.importorskip("pyarrow")
    Place = places.Place
    table = await run(Place.find(Near(Place.location, 0.0, 0.0, max_distance=2500)).to_arrow())
    location = table.schema.field("location").type
    assert location == pa.struct([("type", pa.string()), ("coordinates", pa.list_(pa.float64()))])
    assert table.column("name").to_pylist() == ["a", "b", "c"]
    assert table.column("location").to_pylist()[1] == {"type": "Point", "coordinates": [0.01, 0.0]}


async def test_geo_near_aggregation(places: SimpleNamespace) -> None:
    Place = places.Place
    pipeline = [
        {
            "$geoNear": {
                "near": {"type": "Point", "coordinates": [0.021, 0.0]},
                "distanceField": "distance",
                "maxDistance": 1500,
                "spherical": True,
            }
        },
        {"$project": {"_id": 0, "name": 1, "distance": 1}},
    ]
    rows = await run(Place.aggregate(pipeline, projection_model=PlaceView).to_list())
    assert [r.name for r in rows] == _by_distance(0.021, 0.0, 1500) == ["c", "d", "b"]
    expected = [_metres(0.021, 0.0, LONGITUDES[r.name], 0.0) for r in rows]
    assert [round(r.distance) for r in rows] == [round(d) for d in expected]
    dicts = await run(Place.aggregate(pipeline).to_list())
    assert [d["name"] for d in dicts] == ["c", "d", "b"]


# ------------------------------------------------------------------------------------- text


def _refused(exc: OperationFailure) -> bool:
    """Whether the server says it lacks text search.

    SecantusDB's answers: code 67 for the index; for ``$text`` code 2, "query uses a construct
    the Rust server does not support" (Rust) or "unknown top level operator: $text" (Python).
    """
    message = str(exc)
    return exc.code == 67 or "not support" in message or "operator: $text" in message


def _skip_refused(exc: OperationFailure) -> None:
    if not _refused(exc):
        raise exc
    pytest.skip(f"the server refused text search: code {exc.code} ({exc.code_name}): {exc}")


@pytest.fixture(scope="module")
async def text_index(models: SimpleNamespace, mongodb_uri: str, db_name: str) -> str | None:
    """Create the Article text index through ``init``; the server's refusal, else None."""
    try:
        await _init(models.flavour, mongodb_uri, db_name, [models.Article])
    except OperationFailure as exc:
        if not _refused(exc):
            raise
        return f"code {exc.code} ({exc.code_name}): {exc}"
    return None


@pytest.fixture
async def articles(
    models: SimpleNamespace, text_index: str | None, raw: pymongo.database.Database
) -> Any:
    Article = models.Article
    raw[Article.get_collection_name()].delete_many({})
    await run(
        Article.insert_many(
            [
                Article(title="Coffee roasting", body="beans and heat"),
                Article(title="Tea ceremonies", body="a cup of coffee is not tea"),
                Article(title="Café culture", body="Paris"),
                Article(title="coffee", body="lowercase title"),
            ]
        )
    )
    return Article


def test_text_filters_compile_exactly_as_beanie() -> None:
    assert Text("coffee").query == {
        "$text": {"$search": "coffee", "$caseSensitive": False, "$diacriticSensitive": False}
    }
    assert Text("Coffee", language="english", case_sensitive=True).query == {
        "$text": {
            "$search": "Coffee",
            "$caseSensitive": True,
            "$language": "english",
            "$diacriticSensitive": False,
        }
    }
    assert Text("café", diacritic_sensitive=None).query == {
        "$text": {"$search": "café", "$caseSensitive": False}
    }


async def test_text_index_from_settings(
    models: SimpleNamespace, text_index: str | None, raw: pymongo.database.Database
) -> None:
    (model,) = declared(models.Article)
    assert dict(model.document["key"]) == {"title": "text", "body": "text"}
    assert model.document["weights"] == {"title": 10}
    if text_index is not None:
        pytest.skip(f"the server refused the text index: {text_index}")
    built = {ix["name"]: ix for ix in raw[models.Article.get_collection_name()].list_indexes()}
    index = built[model.document["name"]]
    assert dict(index["key"]) == {"_fts": "text", "_ftsx": 1}
    assert dict(index["weights"]) == {"title": 10, "body": 1}
    assert index["default_language"] == "english"


async def test_text_search(articles: Any) -> None:
    Article = articles
    query = Article.find(Text("coffee"))
    assert query.get_filter_query() == {
        "$text": {"$search": "coffee", "$caseSensitive": False, "$diacriticSensitive": False}
    }
    try:
        found = await run(query.to_list())
    except OperationFailure as exc:
        _skip_refused(exc)
    assert sorted(a.title for a in found) == ["Coffee roasting", "Tea ceremonies", "coffee"]
    assert await run(query.count()) == 3
    sensitive = await run(Article.find(Text("Coffee", case_sensitive=True)).to_list())
    assert [a.title for a in sensitive] == ["Coffee roasting"]
    accents = await run(Article.find(Text("cafe")).to_list())
    assert [a.title for a in accents] == ["Café culture"]
    exact = await run(Article.find(Text("cafe", diacritic_sensitive=True)).to_list())
    assert exact == []
    # English stemming: "ceremony" finds "ceremonies"; with language "none" it does not.
    assert [a.title for a in await run(Article.find(Text("ceremony")).to_list())] == [
        "Tea ceremonies"
    ]
    assert await run(Article.find(Text("ceremony", language="none")).to_list()) == []


class ScoredArticle(BaseModel):
    title: str
    score: float

    class Settings:
        projection = {"title": 1, "score": {"$meta": "textScore"}}  # noqa: RUF012


async def test_text_score_projection_and_sort(articles: Any) -> None:
    Article = articles
    query = (
        Article.find(Text("coffee")).project(ScoredArticle).sort(("score", {"$meta": "textScore"}))
    )
    assert query.sort_expressions == [("score", {"$meta": "textScore"})]
    try:
        scored = await run(query.to_list())
    except OperationFailure as exc:
        _skip_refused(exc)
    scores = [s.score for s in scored]
    assert scores == sorted(scores, reverse=True)
    # The title carries weight 10: a title match outranks a body-only match.
    assert scored[-1].title == "Tea ceremonies"
    assert all(s > 0 for s in scores)
