"""Bitwise find operators (Beanie's ``beanie.odm.operators.find.bitwise``).

Example:
    >>> BitsAllSet("flags", 5).query
    {'flags': {'$bitsAllSet': 5}}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


class _Bitwise(BaseFindOperator):
    operator = ""

    def __init__(self, field: Any, bitmask: Any) -> None:
        self.field = field
        self.bitmask = bitmask

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {field_key(self.field): {self.operator: self.bitmask}}


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
