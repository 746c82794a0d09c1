"""``DecimalAnnotation``: a ``Decimal`` stored as ``Decimal128`` (Beanie: ``custom_types.decimal``).

Example:
    >>> from pydantic import BaseModel
    >>> from bson import Decimal128
    >>> class Price(BaseModel):
    ...     amount: DecimalAnnotation
    >>> Price(amount=Decimal128("1.5")).amount
    Decimal('1.5')

"""

from __future__ import annotations

import decimal
from typing import Annotated, Any

from bson import Decimal128
from pydantic import WrapValidator


def _to_decimal(value: Any) -> Any:
    if isinstance(value, Decimal128):
        return value.to_decimal()
    return value


DecimalAnnotation = Annotated[
    decimal.Decimal,
    WrapValidator(lambda value, handler: handler(_to_decimal(value))),
]
"""``Decimal`` that also validates from ``bson.Decimal128`` (stored as Decimal128)."""
