"""General update operators (Beanie's ``beanie.odm.operators.update.general``).

Example:
    >>> Inc({"age": 1}).query
    {'$inc': {'age': 1}}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.operators.update import BaseUpdateOperator


class Set(BaseUpdateOperator):
    """``{"$set": {...}}``.

    Example:
        >>> from data_bridge.operators import Set
        >>> Set({"name": "Ada"}).query
        {'$set': {'name': 'Ada'}}

    """

    operator = "$set"


class SetRevisionId(BaseUpdateOperator):
    """``{"$set": {"revision_id": ...}}``: used by optimistic concurrency."""

    operator = "$set"

    def __init__(self, revision_id: Any) -> None:
        super().__init__({"revision_id": revision_id})
        self.revision_id = revision_id


class CurrentDate(BaseUpdateOperator):
    """``{"$currentDate": {...}}``.

    Example:
        >>> from data_bridge.operators import CurrentDate
        >>> CurrentDate({"updated": True}).query
        {'$currentDate': {'updated': True}}

    """

    operator = "$currentDate"


class Inc(BaseUpdateOperator):
    """``{"$inc": {...}}``.

    Example:
        >>> from data_bridge.operators import Inc
        >>> Inc({"views": 1}).query
        {'$inc': {'views': 1}}

    """

    operator = "$inc"


class Min(BaseUpdateOperator):
    """``{"$min": {...}}``.

    Example:
        >>> from data_bridge.operators import Min
        >>> Min({"low": 3}).query
        {'$min': {'low': 3}}

    """

    operator = "$min"


class Max(BaseUpdateOperator):
    """``{"$max": {...}}``.

    Example:
        >>> from data_bridge.operators import Max
        >>> Max({"high": 9}).query
        {'$max': {'high': 9}}

    """

    operator = "$max"


class Mul(BaseUpdateOperator):
    """``{"$mul": {...}}``.

    Example:
        >>> from data_bridge.operators import Mul
        >>> Mul({"price": 2}).query
        {'$mul': {'price': 2}}

    """

    operator = "$mul"


class Rename(BaseUpdateOperator):
    """``{"$rename": {...}}``.

    Example:
        >>> from data_bridge.operators import Rename
        >>> Rename({"nick": "alias"}).query
        {'$rename': {'nick': 'alias'}}

    """

    operator = "$rename"


class SetOnInsert(BaseUpdateOperator):
    """``{"$setOnInsert": {...}}``.

    Example:
        >>> from data_bridge.operators import SetOnInsert
        >>> SetOnInsert({"visits": 0}).query
        {'$setOnInsert': {'visits': 0}}

    """

    operator = "$setOnInsert"


class Unset(BaseUpdateOperator):
    """``{"$unset": {...}}``.

    Example:
        >>> from data_bridge.operators import Unset
        >>> Unset({"tmp": ""}).query
        {'$unset': {'tmp': ''}}

    """

    operator = "$unset"
