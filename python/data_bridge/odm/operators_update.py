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
    """``{operator: expression}``; field keys may be ``ExpressionField``s."""

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
    """``{"$set": {...}}``."""

    operator = "$set"


class SetRevisionId(BaseUpdateOperator):
    """``{"$set": {"revision_id": ...}}``: used by optimistic concurrency."""

    operator = "$set"

    def __init__(self, revision_id: Any) -> None:
        super().__init__({"revision_id": revision_id})
        self.revision_id = revision_id


class CurrentDate(BaseUpdateOperator):
    """``{"$currentDate": {...}}``."""

    operator = "$currentDate"


class Inc(BaseUpdateOperator):
    """``{"$inc": {...}}``."""

    operator = "$inc"


class Min(BaseUpdateOperator):
    """``{"$min": {...}}``."""

    operator = "$min"


class Max(BaseUpdateOperator):
    """``{"$max": {...}}``."""

    operator = "$max"


class Mul(BaseUpdateOperator):
    """``{"$mul": {...}}``."""

    operator = "$mul"


class Rename(BaseUpdateOperator):
    """``{"$rename": {...}}``."""

    operator = "$rename"


class SetOnInsert(BaseUpdateOperator):
    """``{"$setOnInsert": {...}}``."""

    operator = "$setOnInsert"


class Unset(BaseUpdateOperator):
    """``{"$unset": {...}}``."""

    operator = "$unset"


class AddToSet(BaseUpdateOperator):
    """``{"$addToSet": {...}}``."""

    operator = "$addToSet"


class Pop(BaseUpdateOperator):
    """``{"$pop": {...}}``."""

    operator = "$pop"


class Pull(BaseUpdateOperator):
    """``{"$pull": {...}}``."""

    operator = "$pull"


class Push(BaseUpdateOperator):
    """``{"$push": {...}}``."""

    operator = "$push"


class PullAll(BaseUpdateOperator):
    """``{"$pullAll": {...}}``."""

    operator = "$pullAll"


class Bit(BaseUpdateOperator):
    """``{"$bit": {...}}``."""

    operator = "$bit"
