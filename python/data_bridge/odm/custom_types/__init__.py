"""Field types for values pydantic does not know natively (``beanie.odm.custom_types``).

Example:
    >>> from data_bridge.odm.custom_types import DecimalAnnotation, re
    >>> re.Pattern is not None and DecimalAnnotation is not None
    True

"""

from data_bridge.odm.custom_types.decimal import DecimalAnnotation

__all__ = ["DecimalAnnotation"]
