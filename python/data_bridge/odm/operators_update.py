"""Update operators, Beanie's ``beanie.operators`` update half.

Example:
    >>> from data_bridge.operators import Inc, Set
    >>> Set({"name": "x"}).query, Inc({"age": 1}).query
    ({'$set': {'name': 'x'}}, {'$inc': {'age': 1}})

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators_base import BaseOperator


class BaseUpdateOperator(BaseOperator):
    """``{operator: expression}``; field keys may be ``ExpressionField``s.

    Example:
        >>> from data_bridge import Document
        >>> from data_bridge.operators import Set
        >>> class User(Document):
        ...     name: str
        >>> Set({User.name: "Ada"}).query
        {'$set': {'name': 'Ada'}}

    """

    operator = ""

    def __init__(self, expression: Any) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        expression = self.expression
        if isinstance(expression, Mapping):
            expression = {str(k): v for k, v in expression.items()}
        return {self.operator: expression}


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


class AddToSet(BaseUpdateOperator):
    """``{"$addToSet": {...}}``.

    Example:
        >>> from data_bridge.operators import AddToSet
        >>> AddToSet({"tags": "new"}).query
        {'$addToSet': {'tags': 'new'}}

    """

    operator = "$addToSet"


class Pop(BaseUpdateOperator):
    """``{"$pop": {...}}``.

    Example:
        >>> from data_bridge.operators import Pop
        >>> Pop({"queue": -1}).query
        {'$pop': {'queue': -1}}

    """

    operator = "$pop"


class Pull(BaseUpdateOperator):
    """``{"$pull": {...}}``.

    Example:
        >>> from data_bridge.operators import Pull
        >>> Pull({"tags": "old"}).query
        {'$pull': {'tags': 'old'}}

    """

    operator = "$pull"


class Push(BaseUpdateOperator):
    """``{"$push": {...}}``.

    Example:
        >>> from data_bridge.operators import Push
        >>> Push({"tags": {"$each": ["a", "b"]}}).query
        {'$push': {'tags': {'$each': ['a', 'b']}}}

    """

    operator = "$push"


class PullAll(BaseUpdateOperator):
    """``{"$pullAll": {...}}``.

    Example:
        >>> from data_bridge.operators import PullAll
        >>> PullAll({"scores": [0, 5]}).query
        {'$pullAll': {'scores': [0, 5]}}

    """

    operator = "$pullAll"


class Bit(BaseUpdateOperator):
    """``{"$bit": {...}}``.

    Example:
        >>> from data_bridge.operators import Bit
        >>> Bit({"flags": {"and": 5}}).query
        {'$bit': {'flags': {'and': 5}}}

    """

    operator = "$bit"
