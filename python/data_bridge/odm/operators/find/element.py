"""Element find operators (Beanie's ``beanie.odm.operators.find.element``): ``Exists``, ``Type``.

Example:
    >>> Exists("email").query
    {'email': {'$exists': True}}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


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
        return {field_key(self.field): {"$exists": self.value}}


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
        return {field_key(self.field): {"$type": self.types}}
