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

from data_bridge.odm import model_shapes
from data_bridge.odm.codecs import REST_KEY

if TYPE_CHECKING:
    from data_bridge.odm.codecs import FieldPlan
    from data_bridge.odm.fields import ExpressionField

# The real instance-dict accessor; Document overrides the ``__dict__`` attribute itself.
_REAL_DICT = BaseModel.__dict__["__dict__"]

if TYPE_CHECKING:

    def real_dict(instance: Any) -> dict[str, Any]:
        """Return the instance dict itself (no materialisation)."""

else:
    # The bound slot getter itself: this runs on every dump, so no Python frame around it.
    real_dict = _REAL_DICT.__get__


set_real_dict = _REAL_DICT.__set__


class Missing:
    """Marker for a key absent from a source."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = Missing()


class TableSource:
    """A decoded result Table, the Python columns taken from it, and its rows' field dicts.

    The first read of a field on any row converts that field's column once and stores each
    row's value straight into that row's instance dict (the source keeps the dicts, not the
    instances, so there is no reference cycle): every later read is a plain attribute hit.
    """

    __slots__ = ("columns", "dicts", "filled", "names", "table")

    def __init__(self, table: Any) -> None:
        self.table = table
        self.names = frozenset(table.column_names)
        self.columns: dict[str, list[Any] | None] = {}
        self.dicts: list[dict[str, Any]] = []
        self.filled: set[str] = set()

    def column(self, key: str) -> list[Any] | None:
        """Return the raw Python values of ``key`` for every row (None if absent)."""
        columns = self.columns
        if key in columns:
            return columns[key]
        column = self.table.column(key) if key in self.names else None
        columns[key] = column
        return column

    def raw(self, key: str, row: int) -> Any:
        """Return the raw value of ``key`` in ``row`` (None when missing or null)."""
        column = self.column(key)
        return None if column is None else column[row]

    def fill(self, plan: FieldPlan) -> None:
        """Convert ``plan``'s column once and give every row's dict its value."""
        name = plan.name
        if name in self.filled:
            return
        self.filled.add(name)
        dicts = self.dicts
        values = None
        if plan.shape is not None and model_shapes.ENABLED:
            values = self.table.model_column(plan.key, plan.shape)
            if values is not None and any(value is None for value in values):
                values = [decode(plan, None) if value is None else value for value in values]
        if values is None:
            column = self.column(plan.key)
            if column is None:
                values = [decode(plan, None) for _ in dicts]
            else:
                values = decode_column(plan, column)
        for values_dict, value in zip(dicts, values, strict=False):
            if name not in values_dict:
                values_dict[name] = value

    def row(self, row: int) -> dict[str, Any]:
        """Return the whole raw row (keys with null / missing values left out)."""
        out = {}
        for key in self.names:
            value = self.raw(key, row)
            if value is not None:
                if key == REST_KEY:
                    for name, item in value.items():
                        out.setdefault(name, item)
                else:
                    out[key] = value
        return out

    def extras(self, rows: int, known: Any) -> list[dict[str, Any]]:
        """Return each row's stored keys outside the model (the codec's rest column)."""
        column = self.column(REST_KEY)
        if column is None:
            return [{} for _ in range(rows)]
        return [{} if value is None else value for value in column]


class DictSource:
    """One raw document (find_one_and_update results, raw aggregations, ...)."""

    __slots__ = ("dicts", "doc")

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.dicts: list[dict[str, Any]] = []

    def raw(self, key: str, row: int) -> Any:
        """Return the raw value of ``key`` (None when missing)."""
        return self.doc.get(key)

    def fill(self, plan: FieldPlan) -> None:
        """Give the document's dict its value for ``plan``'s field."""
        for values_dict in self.dicts:
            if plan.name not in values_dict:
                values_dict[plan.name] = decode(plan, self.doc.get(plan.key))

    def row(self, row: int) -> dict[str, Any]:
        """Return the raw document."""
        return {k: v for k, v in self.doc.items() if v is not None}

    def extras(self, rows: int, known: Any) -> list[dict[str, Any]]:
        """Return the document's keys outside the model (``known`` holds the model's keys)."""
        return [{k: v for k, v in self.doc.items() if k not in known}]


def decode(plan: FieldPlan, raw: Any) -> Any:
    """Return the value a field takes for a raw stored value."""
    if raw is None:
        if not plan.nullable and plan.default is not None:
            return plan.default()
        return None
    convert = plan.convert
    return raw if convert is None else convert(raw)


def decode_column(plan: FieldPlan, column: list[Any]) -> list[Any]:
    """Return the values a field takes for a whole raw column."""
    if plan.convert_column is not None and None not in column:
        return plan.convert_column(column)
    if plan.convert is None and (plan.nullable or plan.default is None):
        return column
    return [decode(plan, raw) for raw in column]


class FieldDescriptor:
    """Class attribute standing for one field.

    On the class it is the field's :class:`ExpressionField` (``User.age > 3``); on an instance it
    materialises the field (for every row of the instance's result at once). It is a non-data
    descriptor, so once the value is in the instance ``__dict__`` Python never calls it again.
    """

    __slots__ = ("expression", "name", "plan")

    def __init__(self, plan: FieldPlan, expression: ExpressionField) -> None:
        self.name = plan.name
        self.plan = plan
        self.expression = expression

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            # While pydantic builds a subclass it probes class attributes for defaults and
            # shadowing: a field expression must not look like either.
            if owner is None or "__pydantic_fields__" not in owner.__dict__ or building(owner):
                raise AttributeError(self.name)
            return self.expression
        try:
            source = SOURCE_SLOT.__get__(instance)
        except AttributeError:
            source = None
        if source is None:
            raise AttributeError(
                f"{type(instance).__name__!r} object has no attribute {self.name!r}"
            )
        source.fill(self.plan)
        values = real_dict(instance)
        name = self.name
        if name in values:
            return values[name]
        # This instance's dict was replaced after loading (validate_assignment does that).
        value = decode(self.plan, source.raw(self.plan.key, ROW_SLOT.__get__(instance)))
        values[name] = value
        return value


# Document classes whose pydantic construction is under way (fields not collected yet).
BUILDING: list[type] = []


def building(owner: type) -> bool:
    """Tell whether pydantic is collecting the fields of a subclass of ``owner`` right now."""
    while BUILDING and "__pydantic_fields__" in BUILDING[-1].__dict__:
        BUILDING.pop()
    return bool(BUILDING) and owner in BUILDING[-1].__mro__


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
    """Return a slot's value, or None when it was never set (instances built by pydantic itself)."""
    try:
        return descriptor.__get__(instance)
    except AttributeError:
        return None


def reorder(values: dict[str, Any], order: tuple[str, ...]) -> None:
    """Put ``values``' keys in ``order`` (keys not in it keep their order, after those)."""
    ordered = {name: values[name] for name in order if name in values}
    ordered.update(values)
    values.clear()
    values.update(ordered)


def materialize(instance: Any, fields: dict[str, FieldPlan]) -> dict[str, Any]:
    """Fill every missing field of ``instance`` from its source; return the real dict."""
    values = real_dict(instance)
    source = slot(SOURCE_SLOT, instance)
    if source is None:
        return values
    row = ROW_SLOT.__get__(instance)
    for plan in fields.values():
        source.fill(plan)
    # Rebuilt in field order, so dumps and reprs list fields as an eagerly built model does.
    ordered = {
        name: values[name] if name in values else decode(plan, source.raw(plan.key, row))
        for name, plan in fields.items()
    }
    values.clear()
    values.update(ordered)
    return values
