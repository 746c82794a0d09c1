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
    """``{field: {"$ne": value}}``."""

    operator = "$ne"


class GT(BaseFindComparisonOperator):
    """``{field: {"$gt": value}}``."""

    operator = "$gt"


class GTE(BaseFindComparisonOperator):
    """``{field: {"$gte": value}}``."""

    operator = "$gte"


class LT(BaseFindComparisonOperator):
    """``{field: {"$lt": value}}``."""

    operator = "$lt"


class LTE(BaseFindComparisonOperator):
    """``{field: {"$lte": value}}``."""

    operator = "$lte"


class In(BaseFindComparisonOperator):
    """``{field: {"$in": values}}``."""

    operator = "$in"


class NotIn(BaseFindComparisonOperator):
    """``{field: {"$nin": values}}``."""

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
    """``{"$and": [...]}`` (a single expression is returned as is)."""

    operator = "$and"


class Or(_LogicalList):
    """``{"$or": [...]}`` (a single expression is returned as is)."""

    operator = "$or"


class Nor(BaseFindOperator):
    """``{"$nor": [...]}``."""

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
    """``{field: {"$exists": value}}``."""

    def __init__(self, field: Any, value: bool = True) -> None:
        self.field = field
        self.value = value

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$exists": self.value}}


class Type(BaseFindOperator):
    """``{field: {"$type": types}}``."""

    def __init__(self, field: Any, types: list[str] | str) -> None:
        self.field = field
        self.types = types

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$type": self.types}}


class All(BaseFindOperator):
    """``{field: {"$all": values}}``."""

    def __init__(self, field: Any, values: list[Any]) -> None:
        self.field = field
        self.values_list = values

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$all": self.values_list}}


class ElemMatch(BaseFindOperator):
    """``{field: {"$elemMatch": expression}}`` (expression as a dict or keyword arguments)."""

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
    """``{field: {"$size": n}}``."""

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
    """``{field: {"$bitsAllClear": mask}}``."""

    operator = "$bitsAllClear"


class BitsAllSet(_Bitwise):
    """``{field: {"$bitsAllSet": mask}}``."""

    operator = "$bitsAllSet"


class BitsAnyClear(_Bitwise):
    """``{field: {"$bitsAnyClear": mask}}``."""

    operator = "$bitsAnyClear"


class BitsAnySet(_Bitwise):
    """``{field: {"$bitsAnySet": mask}}``."""

    operator = "$bitsAnySet"


class Expr(BaseFindOperator):
    """``{"$expr": expression}``."""

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$expr": self.expression}


class JsonSchema(BaseFindOperator):
    """``{"$jsonSchema": schema}``."""

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$jsonSchema": self.expression}


class Mod(BaseFindOperator):
    """``{field: {"$mod": [divisor, remainder]}}``."""

    def __init__(self, field: Any, divisor: int, remainder: int) -> None:
        self.field = field
        self.divisor = divisor
        self.remainder = remainder

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$mod": [self.divisor, self.remainder]}}


class RegEx(BaseFindOperator):
    """``{field: {"$regex": pattern, "$options": options}}``."""

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
    """``{"$text": {"$search": ..., "$caseSensitive": ..., ...}}``."""

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
    """``{"$where": javascript}``."""

    def __init__(self, expression: str) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$where": self.expression}


class GeoWithinTypes(str, Enum):
    """Geometry types ``GeoWithin`` accepts."""

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
    """``{field: {"$geoIntersects": {"$geometry": {...}}}}``."""

    operator = "$geoIntersects"


class GeoWithin(_Geometry):
    """``{field: {"$geoWithin": {"$geometry": {...}}}}``."""

    operator = "$geoWithin"


class Box(BaseFindOperator):
    """``{field: {"$geoWithin": {"$box": [lower_left, upper_right]}}}``."""

    def __init__(self, field: Any, lower_left: list[float], upper_right: list[float]) -> None:
        self.field = field
        self.coordinates = [lower_left, upper_right]

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {_key(self.field): {"$geoWithin": {"$box": self.coordinates}}}


class Near(BaseFindOperator):
    """``{field: {"$near": {"$geometry": point, "$maxDistance": ..., "$minDistance": ...}}}``."""

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
    """Like :class:`Near` with ``$nearSphere``."""

    operator = "$nearSphere"
