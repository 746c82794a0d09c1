"""Find (query) operators, Beanie's ``beanie.operators`` find half, plus ``&``, ``|`` and ``~``.

Example:
    >>> from data_bridge.operators import GT, In
    >>> (GT("age", 3) & In("name", ["a"])).query
    {'$and': [{'age': {'$gt': 3}}, {'name': {'$in': ['a']}}]}
    >>> (~GT("age", 9)).query
    {'$nor': [{'age': {'$gt': 9}}]}

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from data_bridge.odm.operators_base import BaseOperator

Expression = Mapping[str, Any] | bool


def _key(field: Any) -> str:
    return str(field)


class BaseFindOperator(BaseOperator):
    """A find operator; ``a & b``, ``a | b`` and ``~a`` combine them (Beanie has no such sugar).

    Example:
        >>> from data_bridge.operators import Eq
        >>> (~Eq("name", "x")).query
        {'$nor': [{'name': 'x'}]}

    """

    def __and__(self, other: Mapping[str, Any]) -> And:
        return And(*_flatten(And, self), *_flatten(And, other))

    def __rand__(self, other: Mapping[str, Any]) -> And:
        return And(*_flatten(And, other), *_flatten(And, self))

    def __or__(self, other: Mapping[str, Any]) -> Or:
        return Or(*_flatten(Or, self), *_flatten(Or, other))

    def __ror__(self, other: Mapping[str, Any]) -> Or:
        return Or(*_flatten(Or, other), *_flatten(Or, self))

    def __invert__(self) -> Nor:
        return Nor(self)


def _flatten(kind: type, expression: Any) -> list[Any]:
    # `a & b & c` becomes one $and of three rather than nested pairs.
    expressions = getattr(expression, "expressions", None)
    if type(expression) is kind and expressions is not None and len(expressions) > 1:
        return list(expressions)
    return [expression]


class BaseFindComparisonOperator(BaseFindOperator):
    """``{field: {operator: value}}``."""

    operator = ""

    def __init__(self, field: Any, other: Any) -> None:
        self.field = field
        self.other = other

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {self.operator: self.other}}


class Eq(BaseFindComparisonOperator):
    """``field == value``. A dict value compiles to ``$eq`` so it cannot smuggle in operators.

    Example:
        >>> Eq("name", {"$ne": None}).query
        {'name': {'$eq': {'$ne': None}}}

    """

    operator = "$eq"

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        value = self.other
        if isinstance(value, Mapping) or hasattr(value, "__pydantic_fields__"):
            return {_key(self.field): {"$eq": value}}
        return {_key(self.field): value}


class NE(BaseFindComparisonOperator):
    """``{field: {"$ne": value}}``.

    Example:
        >>> from data_bridge.operators import NE
        >>> NE("status", "done").query
        {'status': {'$ne': 'done'}}

    """

    operator = "$ne"


class GT(BaseFindComparisonOperator):
    """``{field: {"$gt": value}}``.

    Example:
        >>> from data_bridge.operators import GT
        >>> GT("age", 18).query
        {'age': {'$gt': 18}}

    """

    operator = "$gt"


class GTE(BaseFindComparisonOperator):
    """``{field: {"$gte": value}}``.

    Example:
        >>> from data_bridge.operators import GTE
        >>> GTE("age", 18).query
        {'age': {'$gte': 18}}

    """

    operator = "$gte"


class LT(BaseFindComparisonOperator):
    """``{field: {"$lt": value}}``.

    Example:
        >>> from data_bridge.operators import LT
        >>> LT("age", 65).query
        {'age': {'$lt': 65}}

    """

    operator = "$lt"


class LTE(BaseFindComparisonOperator):
    """``{field: {"$lte": value}}``.

    Example:
        >>> from data_bridge.operators import LTE
        >>> LTE("age", 65).query
        {'age': {'$lte': 65}}

    """

    operator = "$lte"


class In(BaseFindComparisonOperator):
    """``{field: {"$in": values}}``.

    Example:
        >>> from data_bridge.operators import In
        >>> In("status", ["new", "open"]).query
        {'status': {'$in': ['new', 'open']}}

    """

    operator = "$in"


class NotIn(BaseFindComparisonOperator):
    """``{field: {"$nin": values}}``.

    Example:
        >>> from data_bridge.operators import NotIn
        >>> NotIn("status", ["done"]).query
        {'status': {'$nin': ['done']}}

    """

    operator = "$nin"


class _LogicalList(BaseFindOperator):
    operator = ""

    def __init__(self, *expressions: Expression) -> None:
        self.expressions = list(expressions)

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        if not self.expressions:
            raise AttributeError("At least one expression must be provided")
        if len(self.expressions) == 1:
            return dict(self.expressions[0])  # type: ignore[arg-type]
        return {self.operator: [dict(e) for e in self.expressions]}  # type: ignore[arg-type]


class And(_LogicalList):
    """``{"$and": [...]}`` (a single expression is returned as is).

    Example:
        >>> from data_bridge.operators import GT, LT, And
        >>> And(GT("age", 18), LT("age", 65)).query
        {'$and': [{'age': {'$gt': 18}}, {'age': {'$lt': 65}}]}
        >>> And({"name": "Ada"}).query
        {'name': 'Ada'}

    """

    operator = "$and"


class Or(_LogicalList):
    """``{"$or": [...]}`` (a single expression is returned as is).

    Example:
        >>> from data_bridge.operators import GT, Or
        >>> Or({"name": "Ada"}, GT("age", 65)).query
        {'$or': [{'name': 'Ada'}, {'age': {'$gt': 65}}]}

    """

    operator = "$or"


class Nor(BaseFindOperator):
    """``{"$nor": [...]}``.

    Example:
        >>> from data_bridge.operators import GT, Nor
        >>> Nor(GT("age", 65), {"name": "Ada"}).query
        {'$nor': [{'age': {'$gt': 65}}, {'name': 'Ada'}]}

    """

    def __init__(self, *expressions: Expression) -> None:
        self.expressions = list(expressions)

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$nor": [dict(e) for e in self.expressions]}  # type: ignore[arg-type]


class Not(BaseFindOperator):
    """Field-level ``$not`` of a one-field expression.

    Example:
        >>> Not(GT("age", 3)).query
        {'age': {'$not': {'$gt': 3}}}

    """

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        expression = dict(self.expression)
        if len(expression) != 1:
            raise AttributeError("Not operator can only be used with one expression")
        key, value = next(iter(expression.items()))
        if key.startswith("$"):
            raise AttributeError("Not operator can not be used with operators")
        if isinstance(value, Mapping) and value and next(iter(value)).startswith("$"):
            return {key: {"$not": dict(value)}}
        return {key: {"$not": {"$eq": value}}}


class Exists(BaseFindOperator):
    """``{field: {"$exists": value}}``.

    Example:
        >>> from data_bridge.operators import Exists
        >>> Exists("email").query
        {'email': {'$exists': True}}
        >>> Exists("email", False).query
        {'email': {'$exists': False}}

    """

    def __init__(self, field: Any, value: bool = True) -> None:
        self.field = field
        self.value = value

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$exists": self.value}}


class Type(BaseFindOperator):
    """``{field: {"$type": types}}``.

    Example:
        >>> from data_bridge.operators import Type
        >>> Type("age", ["int", "long"]).query
        {'age': {'$type': ['int', 'long']}}

    """

    def __init__(self, field: Any, types: list[str] | str) -> None:
        self.field = field
        self.types = types

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$type": self.types}}


class All(BaseFindOperator):
    """``{field: {"$all": values}}``.

    Example:
        >>> from data_bridge.operators import All
        >>> All("tags", ["a", "b"]).query
        {'tags': {'$all': ['a', 'b']}}

    """

    def __init__(self, field: Any, values: list[Any]) -> None:
        self.field = field
        self.values_list = values

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$all": self.values_list}}


class ElemMatch(BaseFindOperator):
    """``{field: {"$elemMatch": expression}}`` (expression as a dict or keyword arguments).

    Example:
        >>> from data_bridge.operators import ElemMatch
        >>> ElemMatch("scores", {"$gt": 80}).query
        {'scores': {'$elemMatch': {'$gt': 80}}}
        >>> ElemMatch("items", name="pen", qty=2).query
        {'items': {'$elemMatch': {'name': 'pen', 'qty': 2}}}

    """

    def __init__(
        self, field: Any, expression: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        self.field = field
        self.expression = dict(expression) if expression is not None else kwargs

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$elemMatch": self.expression}}


class Size(BaseFindOperator):
    """``{field: {"$size": n}}``.

    Example:
        >>> from data_bridge.operators import Size
        >>> Size("tags", 2).query
        {'tags': {'$size': 2}}

    """

    def __init__(self, field: Any, num: int) -> None:
        self.field = field
        self.num = num

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$size": self.num}}


class _Bitwise(BaseFindOperator):
    operator = ""

    def __init__(self, field: Any, bitmask: Any) -> None:
        self.field = field
        self.bitmask = bitmask

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {self.operator: self.bitmask}}


class BitsAllClear(_Bitwise):
    """``{field: {"$bitsAllClear": mask}}``.

    Example:
        >>> from data_bridge.operators import BitsAllClear
        >>> BitsAllClear("flags", 5).query
        {'flags': {'$bitsAllClear': 5}}

    """

    operator = "$bitsAllClear"


class BitsAllSet(_Bitwise):
    """``{field: {"$bitsAllSet": mask}}``.

    Example:
        >>> from data_bridge.operators import BitsAllSet
        >>> BitsAllSet("flags", [0, 2]).query
        {'flags': {'$bitsAllSet': [0, 2]}}

    """

    operator = "$bitsAllSet"


class BitsAnyClear(_Bitwise):
    """``{field: {"$bitsAnyClear": mask}}``.

    Example:
        >>> from data_bridge.operators import BitsAnyClear
        >>> BitsAnyClear("flags", 5).query
        {'flags': {'$bitsAnyClear': 5}}

    """

    operator = "$bitsAnyClear"


class BitsAnySet(_Bitwise):
    """``{field: {"$bitsAnySet": mask}}``.

    Example:
        >>> from data_bridge.operators import BitsAnySet
        >>> BitsAnySet("flags", [1, 3]).query
        {'flags': {'$bitsAnySet': [1, 3]}}

    """

    operator = "$bitsAnySet"


class Expr(BaseFindOperator):
    """``{"$expr": expression}``.

    Example:
        >>> from data_bridge.operators import Expr
        >>> Expr({"$gt": ["$spent", "$budget"]}).query
        {'$expr': {'$gt': ['$spent', '$budget']}}

    """

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$expr": self.expression}


class JsonSchema(BaseFindOperator):
    """``{"$jsonSchema": schema}``.

    Example:
        >>> from data_bridge.operators import JsonSchema
        >>> JsonSchema({"required": ["name"]}).query
        {'$jsonSchema': {'required': ['name']}}

    """

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$jsonSchema": self.expression}


class Mod(BaseFindOperator):
    """``{field: {"$mod": [divisor, remainder]}}``.

    Example:
        >>> from data_bridge.operators import Mod
        >>> Mod("qty", 4, 0).query
        {'qty': {'$mod': [4, 0]}}

    """

    def __init__(self, field: Any, divisor: int, remainder: int) -> None:
        self.field = field
        self.divisor = divisor
        self.remainder = remainder

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$mod": [self.divisor, self.remainder]}}


class RegEx(BaseFindOperator):
    """``{field: {"$regex": pattern, "$options": options}}``.

    Example:
        >>> from data_bridge.operators import RegEx
        >>> RegEx("name", "^a", options="i").query
        {'name': {'$regex': '^a', '$options': 'i'}}

    """

    def __init__(
        self, field: Any, pattern: str | re.Pattern[str], options: str | None = None
    ) -> None:
        self.field = field
        self.pattern = pattern
        self.options = options

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        expression: dict[str, Any] = {"$regex": self.pattern}
        if self.options:
            expression["$options"] = self.options
        return {_key(self.field): expression}


class Text(BaseFindOperator):
    """``{"$text": {"$search": ..., "$caseSensitive": ..., ...}}``.

    Example:
        >>> from data_bridge.operators import Text
        >>> Text("tea").query
        {'$text': {'$search': 'tea', '$caseSensitive': False, '$diacriticSensitive': False}}

    """

    def __init__(
        self,
        search: str,
        language: str | None = None,
        case_sensitive: bool = False,
        diacritic_sensitive: bool | None = False,
    ) -> None:
        self.search = search
        self.language = language
        self.case_sensitive = case_sensitive
        self.diacritic_sensitive = diacritic_sensitive

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        text: dict[str, Any] = {"$search": self.search, "$caseSensitive": self.case_sensitive}
        if self.language:
            text["$language"] = self.language
        if self.diacritic_sensitive is not None:
            text["$diacriticSensitive"] = self.diacritic_sensitive
        return {"$text": text}


class Where(BaseFindOperator):
    """``{"$where": javascript}``.

    Example:
        >>> from data_bridge.operators import Where
        >>> Where("this.spent > this.budget").query
        {'$where': 'this.spent > this.budget'}

    """

    def __init__(self, expression: str) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$where": self.expression}


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
        return {_key(self.field): {self.operator: {"$geometry": geometry}}}


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
        return {_key(self.field): {"$geoWithin": {"$box": self.coordinates}}}


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
        return {_key(self.field): {self.operator: inner}}


class NearSphere(Near):
    """Like :class:`Near` with ``$nearSphere``.

    Example:
        >>> from data_bridge.operators import NearSphere
        >>> NearSphere("loc", 2.3, 48.8).query
        {'loc': {'$nearSphere': {'$geometry': {'type': 'Point', 'coordinates': [2.3, 48.8]}}}}

    """

    operator = "$nearSphere"
