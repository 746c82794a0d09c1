"""``Pattern``: a compiled ``re.Pattern`` field that also loads stored ``bson.Regex`` values.

Beanie's ``beanie.odm.custom_types.re.Pattern``. A pattern is written as a BSON regular
expression and read back as one; validation compiles it again.

Example:
    >>> import re as std_re
    >>> from bson import Regex
    >>> from pydantic import BaseModel
    >>> class Rule(BaseModel):
    ...     pattern: Pattern
    >>> Rule(pattern=Regex("^a", "i")).pattern == std_re.compile("^a", std_re.IGNORECASE)
    True

"""

from __future__ import annotations

import re
from typing import Annotated, Any

import bson
from pydantic import BeforeValidator


def _compile_regex(value: Any) -> Any:
    if isinstance(value, bson.Regex):
        return value.try_compile()
    return value


Pattern = Annotated[re.Pattern, BeforeValidator(_compile_regex)]
"""``re.Pattern`` that validates from ``bson.Regex`` too."""

__all__ = ["Pattern"]
