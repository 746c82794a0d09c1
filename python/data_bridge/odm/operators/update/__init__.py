"""Update operators, grouped as Beanie groups them (``beanie.odm.operators.update.*``).

Example:
    >>> from data_bridge.odm.operators.update.general import Inc, Set
    >>> Set({"name": "x"}).query, Inc({"age": 1}).query
    ({'$set': {'name': 'x'}}, {'$inc': {'age': 1}})

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators import BaseOperator


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
