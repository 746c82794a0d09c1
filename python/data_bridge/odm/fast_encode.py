"""Inserts without a pydantic dump: document instances encoded to BSON in Rust, field by field.

The general write path (``DocumentCore._db_encode``) dumps a model with pydantic, rewrites the
dump for BSON in Python and hands the dict to the engine. For a class whose fields carry no
custom serializer, the engine can read the field values itself (``_engine.encode_models``) and
write the same bytes. This module derives, once per class, the layout the engine follows (field
names, storage keys, declared shapes) or decides that the class must take the general path:

* custom serializers anywhere (``@field_serializer``, ``@model_serializer``, ``PlainSerializer``
  and ``Link`` fields), computed fields, ``extra="allow"``, ``Settings.bson_encoders``, sets,
  TypedDicts, recursive models, ``exclude_if``;
* at run time, any value the engine has no fixed form for (a subclass where a model is
  declared, an unusual type): the whole batch then takes the general path.

The encoded documents double as the saved state for change tracking (:class:`EncodedSource`):
nothing is decoded until ``is_changed`` / ``save_changes`` ask for a stored value.

Example:
    >>> from data_bridge import Document
    >>> class Note(Document):
    ...     text: str
    >>> layout_of(Note) is not None
    True

"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, RootModel

from data_bridge import _engine
from data_bridge._engine import bind_inserted
from data_bridge.odm import inheritance, lazy, links
from data_bridge.odm.codecs import _strip
from data_bridge.odm.ids import PydanticObjectId

if TYPE_CHECKING:
    from data_bridge.odm.core import DocumentCore

# Class -> (its settings, its core schema, its layout or None for the general path). Settings
# are re-parsed by init() and schemas replaced by model_rebuild(): either makes a new layout.
_LAYOUTS: dict[type, tuple[Any, Any, Any]] = {}

#: Turn the model path off (tests compare it with the general path; a safety valve).
ENABLED = True


class _Unsupported(Exception):
    """The class (or one of its fields) needs the general path."""


def layout_of(cls: type[DocumentCore]) -> Any:
    """Return ``cls``'s engine layout (cached), or None when it takes the general path."""
    settings = cls.get_settings()
    schema = cls.__pydantic_core_schema__
    cached = _LAYOUTS.get(cls)
    if cached is not None and cached[0] is settings and cached[1] is schema:
        return cached[2]
    try:
        layout = _build_layout(cls)
    except _Unsupported:
        layout = None
    _LAYOUTS[cls] = (settings, schema, layout)
    return layout


def _build_layout(cls: type[DocumentCore]) -> Any:
    settings = cls.get_settings()
    if settings.bson_encoders:
        raise _Unsupported("bson_encoders")
    _check_model_class(cls)
    if _has_custom_serializer(cls.__pydantic_core_schema__):
        raise _Unsupported("custom serializer")
    if links.link_fields(cls):
        raise _Unsupported("links")
    fields = cls.__pydantic_fields__
    id_info = fields.get("id")
    if id_info is None or _key(id_info, "id") != "_id":
        raise _Unsupported("no id field stored as _id")
    id_core, _, _ = _strip(id_info.annotation)
    id_class = id_core if id_core is PydanticObjectId else None
    revision = "revision_id" if settings.use_revision and "revision_id" in fields else None
    class_id = inheritance.class_id_of(cls)
    if class_id is not None and any(
        _key(info, name) == settings.class_id for name, info in fields.items()
    ):
        # A field stored under the class id key (Beanie's `class_id = "type"` next to a `type`
        # field): the general path writes the key once, the class id winning.
        raise _Unsupported(f"a field is stored under the class id key {settings.class_id!r}")
    return _engine.ModelLayout(
        _fields_of(cls, [cls]),
        id_field="id",
        id_class=id_class,
        revision_field=revision,
        class_id=None if class_id is None else (settings.class_id, class_id),
    )


def _check_model_class(model: type[BaseModel]) -> None:
    if issubclass(model, RootModel):
        raise _Unsupported("root model")
    if model.model_config.get("extra") == "allow":
        raise _Unsupported("extra fields")
    if model.__pydantic_computed_fields__:
        raise _Unsupported("computed fields")


def _key(info: Any, name: str) -> str:
    # model_dump(by_alias=True) names a field by its serialization alias (set from `alias`).
    return str(info.serialization_alias or name)


def _fields_of(model: type[BaseModel], stack: list[type]) -> list[tuple[str, str, Any]]:
    out = []
    for name, info in model.__pydantic_fields__.items():
        if info.exclude:
            continue
        if getattr(info, "exclude_if", None) is not None:
            raise _Unsupported("exclude_if")
        out.append((name, _key(info, name), _shape(info.annotation, stack)))
    return out


_SEQUENCES = (list, tuple, typing.Sequence, Sequence)


def _shape(annotation: Any, stack: list[type]) -> Any:
    """Return the engine's shape spec of an annotation (None: written by the value's type)."""
    core, _, _ = _strip(annotation)
    if core is Any:
        return None
    origin = typing.get_origin(core)
    args = typing.get_args(core)
    if origin in _SEQUENCES:
        items = {a for a in args if a is not Ellipsis}
        if len(items) == 1:
            return ("list", _shape(items.pop(), stack))
        if any(_holds_model(a) for a in items):
            raise _Unsupported("tuple of models")
        return None
    if origin is dict or origin is typing.Mapping:
        if args and _strip(args[0])[0] is not str:
            raise _Unsupported("non-str keys")
        return ("dict", _shape(args[1], stack)) if len(args) == 2 else None
    if origin in (set, frozenset) or core in (set, frozenset):
        # The general path writes a set in the order of pydantic's copy of it.
        raise _Unsupported("set")
    if origin is Union or (origin is not None and origin.__class__.__name__ == "UnionType"):
        if any(_holds_model(a) for a in args):
            raise _Unsupported("union with a model")
        return None
    if origin is Literal:
        return None
    if origin is not None:
        raise _Unsupported(f"generic {origin!r}")
    if typing.is_typeddict(core):
        raise _Unsupported("TypedDict")
    if isinstance(core, type) and issubclass(core, BaseModel):
        if core in stack:
            raise _Unsupported("recursive model")
        _check_model_class(core)
        return ("model", core, _fields_of(core, [*stack, core]))
    if not isinstance(core, type):
        raise _Unsupported(f"annotation {core!r}")
    if issubclass(core, (set, frozenset)):
        raise _Unsupported("set")
    return None


def _holds_model(annotation: Any) -> bool:
    core, _, _ = _strip(annotation)
    if isinstance(core, type) and issubclass(core, BaseModel):
        return True
    return any(_holds_model(a) for a in typing.get_args(core) if a is not Ellipsis)


def _has_custom_serializer(schema: Any) -> bool:
    """Whether a core schema holds a Python-mode serializer, exclusion rule or computed field."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            serialization = node.get("serialization")
            if isinstance(serialization, dict) and serialization.get("when_used") not in (
                "json",
                "json-unless-none",
            ):
                return True
            if node.get("computed_fields") or node.get("serialization_exclude_if"):
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def encode(cls: type[DocumentCore], documents: Sequence[DocumentCore]) -> Any:
    """Encode ``documents`` (all of class ``cls``) in the engine, or return None."""
    if not ENABLED or not documents:
        return None
    layout = layout_of(cls)
    if layout is None:
        return None
    real_dict = lazy.real_dict
    values = []
    for doc in documents:
        if type(doc) is not cls:
            return None
        values.append(real_dict(doc))
    return _engine.encode_models(values, layout, keep_nulls=cls.get_settings().keep_nulls)


class EncodedSource:
    """The saved state of documents just inserted: their encoded BSON, decoded on demand."""

    __slots__ = ("batch", "decoded", "dicts")

    def __init__(self, batch: Any) -> None:
        self.batch = batch
        self.decoded: dict[int, dict[str, Any]] = {}
        # Inserted documents hold every field already: the source never fills any.
        self.dicts: list[dict[str, Any]] = []

    def _doc(self, row: int) -> dict[str, Any]:
        doc = self.decoded.get(row)
        if doc is None:
            doc = self.batch.document(row)
            self.decoded[row] = doc
        return doc

    def raw(self, key: str, row: int) -> Any:
        """Return the stored value of ``key`` in ``row`` (None when missing)."""
        return self._doc(row).get(key)

    def fill(self, plan: Any) -> None:
        """Nothing to fill: inserted documents already hold every field."""

    def row(self, row: int) -> dict[str, Any]:
        """Return the whole stored document (None values left out)."""
        return {k: v for k, v in self._doc(row).items() if v is not None}


def commit(cls: type[DocumentCore], documents: Sequence[DocumentCore], batch: Any) -> None:
    """After the insert succeeded: give generated ids to the documents, record saved states."""
    source = EncodedSource(batch)
    # With save_previous, the state each document had before (None when it is new) stays.
    previous = (
        [doc.get_saved_state() for doc in documents]
        if cls.get_settings().state_management_save_previous
        else None
    )
    bind_inserted(list(documents), source, batch.ids, batch.generated)
    if previous is not None:
        for doc, state in zip(documents, previous, strict=True):
            object.__setattr__(doc, "_db_prev", state)
