"""Lazy documents: query results are model instances materialised a field at a time.

A result Table stays in Rust; a document is ``object.__new__`` plus a few slots (its source and
row). Reading a field for the first time fetches that column for every row of the result once
(``Table.column``, cached on the :class:`TableSource`), converts this row's value for the field's
type and stores it in the instance ``__dict__``: later reads are plain attribute reads. Anything
that needs the whole model (dumps, ``==``, repr, pickling, copies, FastAPI serialisation) goes
through ``__dict__`` on the model, which materialises the remaining fields first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from data_bridge.odm.fields import ExpressionField

if TYPE_CHECKING:
    from data_bridge.odm.codecs import FieldPlan

# The real instance-dict accessor; Document overrides the ``__dict__`` attribute itself.
_REAL_DICT = BaseModel.__dict__["__dict__"]
real_dict = _REAL_DICT.__get__
set_real_dict = _REAL_DICT.__set__


class Missing:
    """Marker for a key absent from a source."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = Missing()


class TableSource:
    """A decoded result Table and the Python columns taken from it so far."""

    __slots__ = ("columns", "names", "table")

    def __init__(self, table: Any) -> None:
        self.table = table
        self.names = frozenset(table.column_names)
        self.columns: dict[str, list[Any] | None] = {}

    def raw(self, key: str, row: int) -> Any:
        """The raw value of ``key`` in ``row`` (None when missing or null)."""
        columns = self.columns
        if key in columns:
            column = columns[key]
        else:
            column = self.table.column(key) if key in self.names else None
            columns[key] = column
        return None if column is None else column[row]

    def row(self, row: int) -> dict[str, Any]:
        """The whole raw row (keys with null / missing values left out)."""
        out = {}
        for key in self.names:
            value = self.raw(key, row)
            if value is not None:
                out[key] = value
        return out


class DictSource:
    """One raw document (find_one_and_update results, raw aggregations, ...)."""

    __slots__ = ("doc",)

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def raw(self, key: str, row: int) -> Any:
        """The raw value of ``key`` (None when missing)."""
        return self.doc.get(key)

    def row(self, row: int) -> dict[str, Any]:
        """The raw document."""
        return {k: v for k, v in self.doc.items() if v is not None}


def decode(plan: FieldPlan, raw: Any) -> Any:
    """The value a field takes for a raw stored value."""
    if raw is None:
        if not plan.nullable and plan.default is not None:
            return plan.default()
        return None
    convert = plan.convert
    return raw if convert is None else convert(raw)


class FieldDescriptor:
    """Class attribute standing for one field.

    On the class it is the field's :class:`ExpressionField` (``User.age > 3``); on an instance it
    materialises the field from the instance's source. It is a non-data descriptor, so once the
    value is in the instance ``__dict__`` Python never calls it again.
    """

    __slots__ = ("expression", "name", "plan")

    def __init__(self, plan: FieldPlan, expression: ExpressionField) -> None:
        self.name = plan.name
        self.plan = plan
        self.expression = expression

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            # While pydantic builds a subclass it probes class attributes for defaults:
            # a field expression must not look like one.
            if owner is None or "__pydantic_fields__" not in owner.__dict__:
                raise AttributeError(self.name)
            return self.expression
        try:
            source = SOURCE_SLOT.__get__(instance)
        except AttributeError:
            source = None
        if source is None:
            raise AttributeError(f"{type(instance).__name__!r} object has no attribute {self.name!r}")
        value = decode(self.plan, source.raw(self.plan.key, ROW_SLOT.__get__(instance)))
        real_dict(instance)[self.name] = value
        return value


# Slot descriptors of ``Document`` (set by documents.py once the class exists).
SOURCE_SLOT: Any = None
ROW_SLOT: Any = None
SAVED_SLOT: Any = None
PREVIOUS_SLOT: Any = None


def bind_slots(document_class: type) -> None:
    """Remember the member descriptors of the Document slots for direct access."""
    global SOURCE_SLOT, ROW_SLOT, SAVED_SLOT, PREVIOUS_SLOT
    SOURCE_SLOT = document_class.__dict__["_db_src"]
    ROW_SLOT = document_class.__dict__["_db_row"]
    SAVED_SLOT = document_class.__dict__["_db_saved"]
    PREVIOUS_SLOT = document_class.__dict__["_db_prev"]


def slot(descriptor: Any, instance: Any) -> Any:
    """A slot's value, or None when it was never set (instances built by pydantic itself)."""
    try:
        return descriptor.__get__(instance)
    except AttributeError:
        return None


def materialize(instance: Any, fields: dict[str, FieldPlan]) -> dict[str, Any]:
    """Fill every missing field of ``instance`` from its source; return the real dict."""
    values = real_dict(instance)
    source = slot(SOURCE_SLOT, instance)
    if source is None:
        return values
    row = ROW_SLOT.__get__(instance)
    # Rebuilt in field order, so dumps and reprs list fields as an eagerly built model does.
    ordered = {
        name: values[name] if name in values else decode(plan, source.raw(plan.key, row))
        for name, plan in fields.items()
    }
    values.clear()
    values.update(ordered)
    return values
