"""Geospatial find operators (Beanie's ``beanie.odm.operators.find.geospatial``).

Example:
    >>> GeoIntersects("loc", "Point", [2.3, 48.8]).query["loc"]["$geoIntersects"]["$geometry"]
    {'type': 'Point', 'coordinates': [2.3, 48.8]}

"""

from __future__ import annotations

from enum import Enum
from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


class GeoWithinTypes(str, Enum):
    """Geometry types ``GeoWithin`` accepts.

    Example:
        >>> from data_bridge.operators import GeoWithinTypes
        >>> GeoWithinTypes.Polygon.value
        'Polygon'

    """

    Polygon = "Polygon"
    MultiPolygon = "MultiPolygon"


class _Geometry(BaseFindOperator):
    operator = ""

    def __init__(self, field: Any, geo_type: str, coordinates: list[Any]) -> None:
        self.field = field
        self.geo_type = geo_type
        self.coordinates = coordinates

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        geo_type = self.geo_type.value if isinstance(self.geo_type, Enum) else self.geo_type
        geometry = {"type": geo_type, "coordinates": self.coordinates}
        return {field_key(self.field): {self.operator: {"$geometry": geometry}}}


class GeoIntersects(_Geometry):
    """``{field: {"$geoIntersects": {"$geometry": {...}}}}``.

    Example:
        >>> from data_bridge.operators import GeoIntersects
        >>> GeoIntersects("loc", "Point", [2.3, 48.8]).query
        {'loc': {'$geoIntersects': {'$geometry': {'type': 'Point', 'coordinates': [2.3, 48.8]}}}}

    """

    operator = "$geoIntersects"


class GeoWithin(_Geometry):
    """``{field: {"$geoWithin": {"$geometry": {...}}}}``.

    Example:
        >>> from data_bridge.operators import GeoWithin, GeoWithinTypes
        >>> triangle = [[[0, 0], [0, 1], [1, 1], [0, 0]]]
        >>> query = GeoWithin("loc", GeoWithinTypes.Polygon, triangle).query
        >>> query["loc"]["$geoWithin"]["$geometry"]
        {'type': 'Polygon', 'coordinates': [[[0, 0], [0, 1], [1, 1], [0, 0]]]}

    """

    operator = "$geoWithin"


class Box(BaseFindOperator):
    """``{field: {"$geoWithin": {"$box": [lower_left, upper_right]}}}``.

    Example:
        >>> from data_bridge.operators import Box
        >>> Box("loc", [0, 0], [10, 10]).query
        {'loc': {'$geoWithin': {'$box': [[0, 0], [10, 10]]}}}

    """

    def __init__(self, field: Any, lower_left: list[float], upper_right: list[float]) -> None:
        self.field = field
        self.coordinates = [lower_left, upper_right]

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {field_key(self.field): {"$geoWithin": {"$box": self.coordinates}}}


class Near(BaseFindOperator):
    """``{field: {"$near": {"$geometry": point, "$maxDistance": ..., "$minDistance": ...}}}``.

    Example:
        >>> from data_bridge.operators import Near
        >>> Near("loc", 2.3, 48.8, max_distance=500).query["loc"]
        {'$near': {'$geometry': {'type': 'Point', 'coordinates': [2.3, 48.8]}, '$maxDistance': 500}}

    """

    operator = "$near"

    def __init__(
        self,
        field: Any,
        longitude: float,
        latitude: float,
        max_distance: float | None = None,
        min_distance: float | None = None,
    ) -> None:
        self.field = field
        self.longitude = longitude
        self.latitude = latitude
        self.max_distance = max_distance
        self.min_distance = min_distance

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        point = {"type": "Point", "coordinates": [self.longitude, self.latitude]}
        inner: dict[str, Any] = {"$geometry": point}
        if self.max_distance:
            inner["$maxDistance"] = self.max_distance
        if self.min_distance:
            inner["$minDistance"] = self.min_distance
        return {field_key(self.field): {self.operator: inner}}


class NearSphere(Near):
    """Like :class:`Near` with ``$nearSphere``.

    Example:
        >>> from data_bridge.operators import NearSphere
        >>> NearSphere("loc", 2.3, 48.8).query
        {'loc': {'$nearSphere': {'$geometry': {'type': 'Point', 'coordinates': [2.3, 48.8]}}}}

    """

    operator = "$nearSphere"
