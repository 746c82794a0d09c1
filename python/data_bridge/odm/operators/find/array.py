"""Array find operators: ``All``, ``ElemMatch``, ``Size`` (``beanie.odm.operators.find.array``).

Example:
    >>> Size("tags", 2).query
    {'tags': {'$size': 2}}

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


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
        return {field_key(self.field): {"$all": self.values_list}}


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
        return {field_key(self.field): {"$elemMatch": self.expression}}


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
        return {field_key(self.field): {"$size": self.num}}
