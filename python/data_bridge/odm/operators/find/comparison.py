"""Comparison find operators, Beanie's ``beanie.odm.operators.find.comparison``.

``Eq``, ``NE``, ``GT``, ``GTE``, ``LT``, ``LTE``, ``In``, ``NotIn``.

Example:
    >>> GT("age", 18).query
    {'age': {'$gt': 18}}

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


class BaseFindComparisonOperator(BaseFindOperator):
    """``{field: {operator: value}}``."""

    operator = ""

    def __init__(self, field: Any, other: Any) -> None:
        self.field = field
        self.other = other

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {field_key(self.field): {self.operator: self.other}}


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
            return {field_key(self.field): {"$eq": value}}
        return {field_key(self.field): value}


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
