"""Beanie's ``beanie.operators``: every find and update operator.

Example:
    >>> from data_bridge.operators import In, Set
    >>> In("age", [1, 2]).query
    {'age': {'$in': [1, 2]}}

"""

from data_bridge.odm.operators import BaseOperator
from data_bridge.odm.operators.find.array import All, ElemMatch, Size
from data_bridge.odm.operators.find.bitwise import (
    BitsAllClear,
    BitsAllSet,
    BitsAnyClear,
    BitsAnySet,
)
from data_bridge.odm.operators.find.comparison import GT, GTE, LT, LTE, NE, Eq, In, NotIn
from data_bridge.odm.operators.find.element import Exists, Type
from data_bridge.odm.operators.find.evaluation import Expr, JsonSchema, Mod, RegEx, Text, Where
from data_bridge.odm.operators.find.geospatial import (
    Box,
    GeoIntersects,
    GeoWithin,
    GeoWithinTypes,
    Near,
    NearSphere,
)
from data_bridge.odm.operators.find.logical import And, BaseFindOperator, Nor, Not, Or
from data_bridge.odm.operators.update import BaseUpdateOperator
from data_bridge.odm.operators.update.array import AddToSet, Pop, Pull, PullAll, Push
from data_bridge.odm.operators.update.bitwise import Bit
from data_bridge.odm.operators.update.general import (
    CurrentDate,
    Inc,
    Max,
    Min,
    Mul,
    Rename,
    Set,
    SetOnInsert,
    Unset,
)

__all__ = [
    "GT",
    "GTE",
    "LT",
    "LTE",
    "NE",
    "AddToSet",
    "All",
    "And",
    "BaseFindOperator",
    "BaseOperator",
    "BaseUpdateOperator",
    "Bit",
    "BitsAllClear",
    "BitsAllSet",
    "BitsAnyClear",
    "BitsAnySet",
    "Box",
    "CurrentDate",
    "ElemMatch",
    "Eq",
    "Exists",
    "Expr",
    "GeoIntersects",
    "GeoWithin",
    "GeoWithinTypes",
    "In",
    "Inc",
    "JsonSchema",
    "Max",
    "Min",
    "Mod",
    "Mul",
    "Near",
    "NearSphere",
    "Nor",
    "Not",
    "NotIn",
    "Or",
    "Pop",
    "Pull",
    "PullAll",
    "Push",
    "RegEx",
    "Rename",
    "Set",
    "SetOnInsert",
    "Size",
    "Text",
    "Type",
    "Unset",
    "Where",
]
