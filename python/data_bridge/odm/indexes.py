"""Indexes declared by models (``Indexed`` fields, ``Settings.indexes``) and their upkeep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pymongo import ASCENDING, IndexModel

from data_bridge.odm.executor import Call, Plan


class IndexedAnnotation:
    """Marks a field as indexed; ``init`` creates the index. Built by :func:`Indexed`."""

    __slots__ = ("index_type", "options", "unique")

    def __init__(self, index_type: Any = ASCENDING, unique: bool = False, **options: Any) -> None:
        self.index_type = index_type
        self.unique = unique
        self.options = options

    def __repr__(self) -> str:
        return f"IndexedAnnotation({self.index_type!r}, unique={self.unique})"

    def index_model(self, path: str) -> IndexModel:
        """Return the pymongo ``IndexModel`` for this marker on the field stored at ``path``."""
        return IndexModel([(path, self.index_type)], unique=self.unique, **self.options)


def Indexed(
    typ: Any = None, index_type: Any = ASCENDING, unique: bool = False, **options: Any
) -> Any:
    """Annotate a field so that ``init`` creates an index on it (Beanie's ``Indexed``).

    Works both as ``email: Indexed(str, unique=True)`` and as
    ``email: Annotated[str, Indexed(unique=True)]``.

    Example:
        >>> from data_bridge import Document, Indexed
        >>> class Product(Document):
        ...     sku: Indexed(str, unique=True)

    """
    marker = IndexedAnnotation(index_type, unique, **options)
    if typ is None:
        return marker
    return Annotated[typ, marker]


def model_of(keys: Any, options: dict[str, Any] | None = None) -> IndexModel:
    """Return a pymongo ``IndexModel`` from any spelling Beanie accepts.

    Example:
        >>> model_of("age").document["name"]
        'age_1'
        >>> model_of([("age", -1), ("name", 1)]).document["name"]
        'age_-1_name_1'

    """
    if isinstance(keys, IndexModel):
        return keys
    if hasattr(keys, "keys") and hasattr(keys, "options") and not isinstance(keys, dict):
        # Beanie's IndexModelField-like objects.
        return IndexModel(list(keys.keys), **dict(keys.options))
    if isinstance(keys, str):
        keys = [(keys, ASCENDING)]
    elif isinstance(keys, dict):
        keys = list(keys.items())
    keys = [(str(k[0]), k[1]) for k in _pairs(keys)]
    return IndexModel(keys, **(options or {}))


def _pairs(keys: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for key in keys:
        if isinstance(key, str):
            out.append((key, ASCENDING))
        else:
            out.append(key)
    return out


def declared(cls: Any) -> list[IndexModel]:
    """Every index ``cls`` declares: ``Indexed(...)`` fields, then ``Settings.indexes``.

    With ``Settings.merge_indexes``, the ``indexes`` of every class up the hierarchy count, a
    subclass's index replacing an ancestor's on the same fields (as Beanie merges them).
    """
    found: list[IndexModel] = []
    for name, info in cls.__pydantic_fields__.items():
        for marker in info.metadata:
            if isinstance(marker, IndexedAnnotation):
                found.append(marker.index_model(info.alias or name))
    if not cls.get_settings().merge_indexes:
        return found + [model_of(spec) for spec in cls.get_settings().indexes]
    merged: dict[tuple[str, ...], IndexModel] = {}
    for klass in reversed(cls.__mro__):
        own = vars(klass).get("Settings")
        for spec in getattr(own, "indexes", None) or []:
            model = model_of(spec)
            merged[_fields(model.document)] = model
    return found + list(merged.values())


def _fields(document: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(document["key"]))


def _same_index(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether a stored index (``list_indexes``) is the declared one: same fields and options."""

    def options(document: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in document.items() if k not in ("key", "v", "ns")}

    return _fields(stored) == _fields(wanted) and options(stored) == options(wanted)


def engine_model(model: IndexModel) -> dict[str, Any]:
    """Return the engine's index-model dict for a pymongo ``IndexModel``."""
    document = dict(model.document)
    keys = list(document.pop("key").items())
    return {"keys": keys, **document}


def create(cls: Any, models: Sequence[IndexModel], session: Any) -> Plan[list[str]]:
    """Plan: create ``models`` on ``cls``'s collection; their names."""
    if not models:
        return []
    names = yield Call(
        cls._db_collection(),
        "create_indexes",
        [engine_model(m) for m in models],
        session=session,
    )
    return list(names)


def sync_declared(cls: Any, allow_index_dropping: bool) -> Plan[None]:
    """Plan: create the declared indexes; drop undeclared ones when allowed (as init_beanie)."""
    wanted = declared(cls)
    if allow_index_dropping:
        existing = yield Call(cls._db_collection(), "list_indexes")
        wanted_by_name = {m.document["name"]: m.document for m in wanted}
        for index in existing:
            name = index.get("name")
            if name == "_id_":
                continue
            # Not declared, or declared differently under the same name: recreated (as Beanie).
            if name not in wanted_by_name or not _same_index(index, wanted_by_name[name]):
                yield Call(cls._db_collection(), "drop_index", name)
    yield from create(cls, wanted, None)
