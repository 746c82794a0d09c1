"""Logical find operators (``beanie.odm.operators.find.logical``) and the find operators' base.

``BaseFindOperator`` lives here because its ``&``, ``|`` and ``~`` build ``And``, ``Or`` and
``Nor``: the other find modules import it from this one, so the imports point one way.

Example:
    >>> from data_bridge.odm.operators.find.comparison import GT, In
    >>> (GT("age", 3) & In("name", ["a"])).query
    {'$and': [{'age': {'$gt': 3}}, {'name': {'$in': ['a']}}]}
    >>> (~GT("age", 9)).query
    {'$nor': [{'age': {'$gt': 9}}]}

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators import BaseOperator

Expression = Mapping[str, Any] | bool


def field_key(field: Any) -> str:
    """Return the storage path of a field given as a string or an ``ExpressionField``.

    An ``ExpressionField`` is kept as it is (it is a ``str``): a find reads its
    ``FieldResolution`` to rewrite paths through links (``door._id`` → ``door.$id``).
    """
    return field if isinstance(field, str) else str(field)


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
        # Plain text: a field expression's own startswith() builds a query.
        key = str(key)
        if key.startswith("$"):
            raise AttributeError("Not operator can not be used with operators")
        if isinstance(value, Mapping) and value and str(next(iter(value))).startswith("$"):
            return {key: {"$not": dict(value)}}
        return {key: {"$not": {"$eq": value}}}
