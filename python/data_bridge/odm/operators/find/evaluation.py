"""Evaluation find operators, Beanie's ``beanie.odm.operators.find.evaluation``.

``Expr``, ``JsonSchema``, ``Mod``, ``RegEx``, ``Text``, ``Where``.

Example:
    >>> RegEx("name", "^A").query
    {'name': {'$regex': '^A'}}

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from data_bridge.odm.operators.find.logical import BaseFindOperator, field_key


class Expr(BaseFindOperator):
    """``{"$expr": expression}``.

    Example:
        >>> from data_bridge.operators import Expr
        >>> Expr({"$gt": ["$spent", "$budget"]}).query
        {'$expr': {'$gt': ['$spent', '$budget']}}

    """

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$expr": self.expression}


class JsonSchema(BaseFindOperator):
    """``{"$jsonSchema": schema}``.

    Example:
        >>> from data_bridge.operators import JsonSchema
        >>> JsonSchema({"required": ["name"]}).query
        {'$jsonSchema': {'required': ['name']}}

    """

    def __init__(self, expression: Mapping[str, Any]) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$jsonSchema": self.expression}


class Mod(BaseFindOperator):
    """``{field: {"$mod": [divisor, remainder]}}``.

    Example:
        >>> from data_bridge.operators import Mod
        >>> Mod("qty", 4, 0).query
        {'qty': {'$mod': [4, 0]}}

    """

    def __init__(self, field: Any, divisor: int, remainder: int) -> None:
        self.field = field
        self.divisor = divisor
        self.remainder = remainder

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {field_key(self.field): {"$mod": [self.divisor, self.remainder]}}


class RegEx(BaseFindOperator):
    """``{field: {"$regex": pattern, "$options": options}}``.

    Example:
        >>> from data_bridge.operators import RegEx
        >>> RegEx("name", "^a", options="i").query
        {'name': {'$regex': '^a', '$options': 'i'}}

    """

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
        return {field_key(self.field): expression}


class Text(BaseFindOperator):
    """``{"$text": {"$search": ..., "$caseSensitive": ..., ...}}``.

    Example:
        >>> from data_bridge.operators import Text
        >>> Text("tea").query
        {'$text': {'$search': 'tea', '$caseSensitive': False, '$diacriticSensitive': False}}

    """

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
    """``{"$where": javascript}``.

    Example:
        >>> from data_bridge.operators import Where
        >>> Where("this.spent > this.budget").query
        {'$where': 'this.spent > this.budget'}

    """

    def __init__(self, expression: str) -> None:
        self.expression = expression

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {"$where": self.expression}
