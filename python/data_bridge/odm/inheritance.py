"""Document inheritance (``Settings.is_root``) and ``UnionDoc``: many classes, one collection.

Every document of a hierarchy is stored with its class id (``Settings.class_id``, default
``"_class_id"``): ``"Vehicle"`` for the root, ``"Vehicle.Car"`` for a subclass. Queries on a class
filter on its id (plus its descendants' with ``with_children=True``); results are decoded per row
with the schema of the class named by the stored id, so one query returns mixed subclasses.

Example:
    >>> from data_bridge import Document
    >>> class Vehicle(Document):
    ...     color: str
    ...     class Settings:
    ...         is_root = True
    >>> class Car(Vehicle):
    ...     doors: int = 4
    >>> class_id_of(Car), Car.get_collection_name()
    ('Vehicle.Car', 'Vehicle')

"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data_bridge.odm import lazy

# Per-class cache: class -> Family or None (plain documents pay one dict lookup).
_FAMILIES: dict[type, Family | None] = {}


class Family:
    """The classes a polymorphic query may return, by stored class id."""

    __slots__ = ("class_key", "members", "spec")

    def __init__(self, class_key: str, members: dict[str, type]) -> None:
        self.class_key = class_key
        self.members = members
        spec: dict[str, Any] = {}
        for member in members.values():
            for key, value in member._db_model_plan().spec.items():  # type: ignore[attr-defined]
                spec.setdefault(key, value)
        spec[class_key] = "any"
        self.spec = spec

    def member(self, class_id: Any, default: type | None) -> type | None:
        """Return the class stored as ``class_id`` (``default`` when unknown)."""
        return self.members.get(class_id, default) if isinstance(class_id, str) else default


def _own_setting(klass: type, name: str) -> Any:
    inner = klass.__dict__.get("Settings")
    return None if inner is None else vars(inner).get(name)


def root_of(cls: type) -> type | None:
    """Return the topmost ancestor (or ``cls``) that declares ``is_root = True``, if any."""
    for klass in reversed(cls.__mro__):
        if _own_setting(klass, "is_root") is True:
            return klass
    return None


def union_of(cls: type) -> type | None:
    """Return the ``UnionDoc`` a document class declares (``Settings.union_doc``), if any."""
    settings = getattr(cls, "Settings", None)
    return getattr(settings, "union_doc", None)


def class_id_of(cls: type) -> str | None:
    """Return the class id stored with documents of ``cls`` (None outside a hierarchy).

    Example:
        >>> class_id_of(Car)  # doctest: +SKIP
        'Vehicle.Car'

    It is the parent's id and the class name (``Vehicle.Car.Bus``); ``Settings.class_id_value``
    names a class instead (its children then extend that name: ``car.Bus``).

    """
    union = union_of(cls)
    if union is not None:  # Beanie: the alias, else the member's own collection name
        return str(
            _own_setting(cls, "union_doc_alias") or _own_setting(cls, "name") or cls.__name__
        )
    root = root_of(cls)
    if root is None:
        return None
    own = _own_setting(cls, "class_id_value")  # Beanie 2.1: a class's own id replaces its path
    if own is not None:
        return str(own)
    parent = parent_of(cls)
    if parent is None:
        return cls.__name__
    return f"{class_id_of(parent)}.{cls.__name__}"


def parent_of(cls: type) -> type | None:
    """Return the nearest ancestor of ``cls`` in its hierarchy (None for the root or outside one).

    Example:
        >>> parent_of(Bus)  # doctest: +SKIP
        <class 'Car'>

    """
    root = root_of(cls)
    if root is None or cls is root:
        return None
    return next(k for k in cls.__mro__[1:] if isinstance(k, type) and issubclass(k, root))


def descendants(cls: type) -> list[type]:
    """Return every (transitive) subclass of ``cls``, depth first."""
    out: list[type] = []
    stack: list[type] = list(cls.__subclasses__())
    while stack:
        klass = stack.pop()
        if klass not in out:
            out.append(klass)
            stack.extend(klass.__subclasses__())
    return out


def collection_name(cls: type) -> str | None:
    """Return the hierarchy root's (or union's) collection name, None outside one."""
    union = union_of(cls)
    if union is not None:
        return union.get_collection_name()  # type: ignore[attr-defined,no-any-return]
    root = root_of(cls)
    if root is None or root is cls:
        return None
    return root.get_collection_name()  # type: ignore[attr-defined,no-any-return]


def family_of(cls: type) -> Family | None:
    """Return the classes a query on ``cls`` with children may return (cached)."""
    try:
        return _FAMILIES[cls]
    except KeyError:
        pass
    family: Family | None = None
    union_family = getattr(cls, "_db_family", None)
    if union_family is not None:
        family = union_family()
    elif root_of(cls) is not None:
        members = {class_id_of(k): k for k in [cls, *descendants(cls)] if root_of(k) is not None}
        family = Family(class_key(cls), members)  # type: ignore[arg-type]
    _FAMILIES[cls] = family
    return family


def forget(cls: type) -> None:
    """Drop cached families (a class was (re)defined, so hierarchies may have grown)."""
    _FAMILIES.clear()


def class_key(cls: type) -> str:
    """Return the storage key of the class id (``Settings.class_id``)."""
    return str(cls.get_settings().class_id)  # type: ignore[attr-defined]


def class_filter(cls: type, with_children: bool) -> dict[str, Any] | None:
    """Return the filter selecting documents of ``cls`` (and descendants), None outside one.

    Example:
        >>> class_filter(Car, with_children=True)  # doctest: +SKIP
        {'_class_id': {'$in': ['Vehicle.Car', 'Vehicle.Car.Bus']}}

    """
    class_id = class_id_of(cls)
    if class_id is None:
        return None
    key = class_key(cls)
    if not with_children:
        return {key: class_id}
    family = family_of(cls)
    ids = list(family.members) if family is not None else [class_id]
    return {key: {"$in": ids}}


class _RowsTable:
    """Some rows of an engine Table, seen through the part of its API lazy sources use."""

    __slots__ = ("column_names", "num_rows", "rows", "source")

    def __init__(self, source: lazy.TableSource, rows: Sequence[int]) -> None:
        self.source = source
        self.rows = rows
        self.column_names = list(source.names)
        self.num_rows = len(rows)

    def column(self, key: str) -> list[Any]:
        values = self.source.column(key) or []
        return [values[i] for i in self.rows]


def from_table(cls: type | None, family: Family, table: Any) -> list[Any]:
    """Decode each row of ``table`` as the class named by its stored class id.

    Rows whose id names no member decode as ``cls``; with ``cls`` None (a union) they are
    left out.
    """
    if cls is not None and hasattr(cls, "_db_family"):
        cls = None
    if family.class_key not in table.column_names:
        ids: list[Any] = [None] * table.num_rows
    else:
        ids = table.column(family.class_key)
    groups: dict[type | None, list[int]] = {}
    for row, class_id in enumerate(ids):
        groups.setdefault(family.member(class_id, cls), []).append(row)
    if len(groups) == 1 and None not in groups:
        (only,) = groups
        return only._db_from_table(table)  # type: ignore[union-attr,no-any-return]
    source = lazy.TableSource(table)
    out: list[Any] = [None] * len(ids)
    for klass, rows in groups.items():
        if klass is None:
            continue
        docs = klass._db_from_table(_RowsTable(source, rows))  # type: ignore[attr-defined]
        for row, doc in zip(rows, docs, strict=True):
            out[row] = doc
    if None in groups:
        return [doc for doc in out if doc is not None]
    return out


def from_raw(cls: type | None, family: Family, raw: dict[str, Any]) -> Any:
    """Decode one stored document as the class named by its class id (None: unknown id)."""
    if cls is not None and hasattr(cls, "_db_family"):
        cls = None
    klass = family.member(raw.get(family.class_key), cls)
    return None if klass is None else klass._db_from_raw(raw)  # type: ignore[attr-defined]
