"""``DocumentCore``: what every document class shares, whether its I/O is async or sync.

It holds no I/O: model configuration, the lazy-instance machinery, encoding for writes, the
settings and collection lookups, and change tracking. ``data_bridge.Document`` (async) and
``data_bridge.sync.Document`` (blocking) add the operations on top.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from bson import DBRef
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from data_bridge._engine import lazy_instances
from data_bridge.errors import (
    CollectionWasNotInitialized,
    StateManagementIsTurnedOff,
    StateNotSaved,
)
from data_bridge.odm import inheritance, lazy, links
from data_bridge.odm.actions import Registry, collect_actions
from data_bridge.odm.codecs import FieldPlan, ModelPlan, forget_plan, model_plan
from data_bridge.odm.encoder import encode
from data_bridge.odm.fields import ExpressionField, PydanticObjectId
from data_bridge.odm.lazy import MISSING, FieldDescriptor, materialize, real_dict, slot
from data_bridge.odm.settings.document import DocumentSettings, parse_settings
from data_bridge.odm.state import collect_updates, same

if TYPE_CHECKING:
    from data_bridge.odm.backend import Binding


def _json_schema_extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
    # Fields excluded from dumps (revision_id) are not part of the API schema either.
    properties = schema.get("properties")
    if not properties:
        return
    for name, info in model.__pydantic_fields__.items():
        if info.exclude:
            properties.pop(info.alias or name, None)


def _alias(name: str) -> str:
    return "_id" if name == "id" else name


def _without_unused_revision(cls: type, plan: ModelPlan) -> ModelPlan:
    """``plan`` minus the ``revision_id`` column unless ``cls`` sets ``use_revision``.

    Beanie only exposes ``revision_id`` on models that use revisions; elsewhere it would be an
    all-null column in every frame (and a wasted decode). Instances still read it as None.
    """
    field = plan.fields.get("revision_id")
    if field is None or parse_settings(cls).use_revision:
        return plan
    spec = {key: value for key, value in plan.spec.items() if key != field.key}
    return dataclasses.replace(plan, spec=spec)


_object_setattr = object.__setattr__


_BACK_LINKS: dict[type, list[tuple[tuple[str, ...], Any]]] = {}


def _back_link_placeholders(cls: type) -> list[tuple[tuple[str, ...], Any]]:
    """``[((name, alias), make placeholder)]`` of ``cls``'s back-link fields (cached)."""
    found = _BACK_LINKS.get(cls)
    if found is None:
        found = []
        for field in links.link_fields(cls).values():
            if field.back:
                names = (field.name, field.key)

                def placeholder(field: links.LinkField = field) -> Any:
                    back = links.BackLink(field.target())
                    return [back] if field.many else back

                found.append((names, placeholder))
        _BACK_LINKS[cls] = found
    return found


class _LinkFields:
    """``Document._link_fields``, computed from the class's fields when read."""

    def __get__(self, instance: Any, owner: type) -> dict[str, links.LinkInfo]:
        return links.link_infos(owner)


class DocumentCore(BaseModel):
    """Shared base of async and sync documents (use ``data_bridge.Document``)."""

    model_config = ConfigDict(
        populate_by_name=True,
        alias_generator=_alias,
        json_schema_extra=_json_schema_extra,
    )

    __slots__ = ("_db_prev", "_db_row", "_db_saved", "_db_src")

    id: PydanticObjectId | None = Field(default=None, description="MongoDB document ObjectID")
    revision_id: UUID | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def fill_back_refs(cls, data: Any) -> Any:
        """Give each ``BackLink`` field left out its placeholder, as Beanie does.

        A back link is never stored: ``Door()`` is valid although ``Door.car: BackLink[Car]`` has
        no default; until fetched, the field holds ``BackLink(Car)`` (a list of one for a list).
        """
        missing = _back_link_placeholders(cls)
        if not missing or not isinstance(data, dict):
            return data
        filled = None
        for names, placeholder in missing:
            if not any(name in data for name in names):
                filled = dict(data) if filled is None else filled
                filled[names[0]] = placeholder()
        return data if filled is None else filled

    _class_id: ClassVar[str | None] = None
    """The class id stored with this class's documents in a hierarchy (Beanie's ``_class_id``)."""
    _parent: ClassVar[type | None] = None
    """The nearest ancestor class in an inheritance hierarchy (Beanie's ``_parent``)."""
    _link_fields: ClassVar[_LinkFields] = _LinkFields()
    """Beanie's class attribute: the link fields by name (as ``get_link_fields()``)."""
    _db_binding_: ClassVar[Binding | None] = None
    _db_settings_: ClassVar[DocumentSettings | None] = None
    _db_actions_: ClassVar[Registry | None] = None
    _db_plan_: ClassVar[ModelPlan | None] = None
    _db_fields_set_: ClassVar[frozenset[str]] = frozenset()
    _db_private_: ClassVar[dict[str, Any] | None] = None
    _db_extra_allowed_: ClassVar[bool] = False
    _db_fast_set_: ClassVar[bool] = True
    _db_nfields_: ClassVar[int] = 0
    _db_field_order_: ClassVar[tuple[str, ...]] = ()
    _db_list_adapter_: ClassVar[TypeAdapter[Any] | None] = None

    # ----------------------------------------------------------------------------- class setup

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # One class's fields are collected at a time (a class body finishes before its metaclass
        # runs), so this also forgets a class whose construction raised.
        lazy.BUILDING[:] = [cls]
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._db_settings_ = None
        cls._db_actions_ = None
        cls._db_binding_ = None
        cls._db_list_adapter_ = None
        inheritance.forget(cls)
        links.forget(cls)
        cls._class_id = inheritance.class_id_of(cls)
        cls._parent = inheritance.parent_of(cls)
        if cls.__pydantic_complete__:
            cls._db_setup()

    @classmethod
    def _db_setup(cls) -> None:
        """Derive the decoding plan and install the field descriptors (idempotent)."""
        forget_plan(cls)
        plan = model_plan(cls)
        cls._db_plan_ = _without_unused_revision(cls, plan)
        for name, field_plan in plan.fields.items():
            info = cls.__pydantic_fields__[name]
            resolution = ExpressionField._resolve_field(info.annotation)
            expression = ExpressionField(field_plan.key, resolution)
            type.__setattr__(cls, name, FieldDescriptor(field_plan, expression))
        cls._db_fields_set_ = frozenset(plan.fields)
        cls._db_nfields_ = len(plan.fields)
        cls._db_field_order_ = tuple(plan.fields)
        private = {
            name: attr.get_default()
            for name, attr in cls.__private_attributes__.items()
            if not name.startswith("_db_")
        }
        cls._db_private_ = private or None
        # Stored keys outside the model load into an extra="allow" model's extras.
        cls._db_extra_allowed_ = cls.model_config.get("extra") == "allow"
        config = cls.model_config
        cls._db_fast_set_ = not config.get("validate_assignment") and not config.get("frozen")

    @classmethod
    def _db_model_plan(cls) -> ModelPlan:
        plan = vars(cls).get("_db_plan_")
        if plan is None:
            if not cls.__pydantic_complete__:
                cls.model_rebuild()
            cls._db_setup()
            plan = cls._db_plan_
        return plan  # type: ignore[return-value]

    @classmethod
    def _db_actions(cls) -> Registry:
        actions = vars(cls).get("_db_actions_")
        if actions is None:
            actions = collect_actions(cls)
            cls._db_actions_ = actions
        return actions

    @classmethod
    def link_from_id(cls, id: Any) -> links.Link[Any]:
        """Return a ``Link`` to the document of this class with id ``id`` (nothing is fetched).

        Example:
            >>> house.door = Door.link_from_id(door_id)  # doctest: +SKIP

        """
        return links.Link(DBRef(cls.get_collection_name(), id), cls)

    @classmethod
    def get_link_fields(cls) -> dict[str, links.LinkInfo]:
        """Return the Link / BackLink fields by name, as Beanie describes them.

        Example:
            >>> Car.get_link_fields()["door"].document_class  # doctest: +SKIP
            <class 'Door'>

        """
        return links.link_infos(cls)

    @classmethod
    def get_settings(cls) -> DocumentSettings:
        """Return the class's parsed ``Settings``.

        Example:
            >>> User.get_settings().name  # doctest: +SKIP
            'users'

        """
        settings = vars(cls).get("_db_settings_")
        if settings is None:
            settings = parse_settings(cls)
            if inheritance.union_of(cls) is not None:
                # A union member lives in the union's collection; its own name is its alias.
                settings.name = inheritance.collection_name(cls)
            elif settings.name is None:
                settings.name = inheritance.collection_name(cls) or cls.__name__
            cls._db_settings_ = settings
        return settings

    @classmethod
    def get_collection_name(cls) -> str:
        """Return the collection name (``Settings.name``, default the class name).

        Example:
            >>> User.get_collection_name()  # doctest: +SKIP
            'users'

        """
        return cls.get_settings().name  # type: ignore[return-value]

    @classmethod
    def _db_binding(cls) -> Binding:
        binding = vars(cls).get("_db_binding_")
        if binding is None:
            # A subclass in a hierarchy shares its root's (or union's) collection.
            parent = inheritance.root_of(cls) or inheritance.union_of(cls)
            if parent is not None and parent is not cls:
                binding = vars(parent).get("_db_binding_")
                if binding is not None:
                    return binding  # type: ignore[no-any-return]
            raise CollectionWasNotInitialized(
                f"{cls.__name__} is not initialised: call data_bridge.init(...) with it in "
                "document_models first"
            )
        return binding  # type: ignore[no-any-return]

    @classmethod
    def _db_collection(cls) -> Any:
        return cls._db_binding().collection

    @classmethod
    def get_pymongo_collection(cls) -> Any:
        """Return a real ``pymongo.AsyncMongoClient`` collection on the same server and namespace.

        Example:
            >>> await User.get_pymongo_collection().count_documents({})  # doctest: +SKIP
            3

        """
        return cls._db_binding().pymongo_collection()

    get_motor_collection = get_pymongo_collection

    # -------------------------------------------------------------------------- lazy instances

    @classmethod
    def _db_from_source(cls, source: Any, rows: int) -> list[Any]:
        """``rows`` lazy instances over ``source`` (no validation, no per-field work)."""
        plan = cls._db_model_plan()
        docs = lazy_instances(
            cls,
            rows,
            source,
            source.dicts,
            cls._db_fields_set_,
            cls._db_extra_allowed_,
            cls._db_private_,
        )
        if cls._db_extra_allowed_:
            for doc, extra in zip(docs, source.extras(rows, plan.by_key), strict=True):
                object.__setattr__(doc, "__pydantic_extra__", extra)
        return docs  # type: ignore[no-any-return]

    @classmethod
    def _db_from_table(cls, table: Any) -> list[Any]:
        return cls._db_from_source(lazy.TableSource(table), table.num_rows)

    @classmethod
    def _db_from_raw(cls, raw: dict[str, Any]) -> Any:
        return cls._db_from_source(lazy.DictSource(raw), 1)[0]

    @property
    def __dict__(self) -> dict[str, Any]:
        values = real_dict(self)
        cls = type(self)
        if len(values) < cls._db_nfields_:
            materialize(self, cls._db_model_plan().fields)
        elif tuple(values) != cls._db_field_order_:
            # Fields read (or set) one at a time went into the dict in that order: dumps list
            # keys in dict order, and must list them as an eagerly built model does.
            lazy.reorder(values, cls._db_field_order_)
        return values

    @__dict__.setter
    def __dict__(self, values: dict[str, Any]) -> None:
        lazy.set_real_dict(self, values)

    def __setattr__(self, name: str, value: Any) -> None:
        cls = type(self)
        if cls._db_fast_set_ and name in cls._db_fields_set_:
            real_dict(self)[name] = value
            self.__pydantic_fields_set__.add(name)
        else:
            super().__setattr__(name, value)

    # -------------------------------------------------------------------------------- encoding

    def _db_encode(self, keep_nulls: bool | None = None) -> dict[str, Any]:
        """Encode this document as the dict written to MongoDB (aliases, BSON-ready values)."""
        cls = type(self)
        settings = cls.get_settings()
        if keep_nulls is None:
            keep_nulls = settings.keep_nulls
        doc: dict[str, Any] = self.__pydantic_serializer__.to_python(
            self, by_alias=True, exclude_none=not keep_nulls
        )
        if doc.get("_id", MISSING) is None:
            del doc["_id"]
        encoders = settings.bson_encoders
        native = cls._db_model_plan().native
        if encoders or not native:
            doc = encode(doc, encoders)
        if not native:
            for key in links.back_link_keys(cls):
                doc.pop(key, None)
        if settings.use_revision:
            doc["revision_id"] = self.revision_id
        class_id = inheritance.class_id_of(cls)
        if class_id is not None:
            doc[settings.class_id] = class_id
        return doc

    @classmethod
    def _db_encode_many(cls, documents: Sequence[DocumentCore]) -> list[dict[str, Any]]:
        """Encode many documents in one serializer call (insert_many)."""
        settings = cls.get_settings()
        adapter = vars(cls).get("_db_list_adapter_")
        if adapter is None:
            adapter = TypeAdapter(list[cls])  # type: ignore[valid-type]
            cls._db_list_adapter_ = adapter
        encoded: list[dict[str, Any]] = adapter.dump_python(
            list(documents), by_alias=True, exclude_none=not settings.keep_nulls
        )
        for doc in encoded:
            if doc.get("_id", MISSING) is None:
                del doc["_id"]
        encoders = settings.bson_encoders
        native = cls._db_model_plan().native
        if encoders or not native:
            encoded = [encode(doc, encoders) for doc in encoded]
        back_links = [] if native else links.back_link_keys(cls)
        for key in back_links:
            for doc in encoded:
                doc.pop(key, None)
        if settings.use_revision:
            for doc, document in zip(encoded, documents, strict=True):
                doc["revision_id"] = document.revision_id
        class_id = inheritance.class_id_of(cls)
        if class_id is not None:
            for doc in encoded:
                doc[settings.class_id] = class_id
        return encoded

    @classmethod
    def _db_encode_value(cls, value: Any) -> Any:
        return encode(value, cls.get_settings().bson_encoders)

    # ---------------------------------------------------------------------------- state

    def _db_saved_value(self, key: str) -> Any:
        """Return the saved value of storage key ``key``, in written (encoded) form, or MISSING."""
        saved = slot(lazy.SAVED_SLOT, self)
        if saved is not None and key in saved:
            return saved[key]
        source = slot(lazy.SOURCE_SLOT, self)
        if source is None:
            return MISSING
        field_plan = type(self)._db_model_plan().by_key.get(key)
        raw = source.raw(key, lazy.ROW_SLOT.__get__(self))
        if field_plan is None:
            return raw
        # Compare like with like: what this stored value looks like once loaded and written
        # back (defaults filled in, embedded models normalised).
        return self._db_encode_field(field_plan, lazy.decode(field_plan, raw))

    def _db_has_state(self) -> bool:
        return slot(lazy.SAVED_SLOT, self) is not None or slot(lazy.SOURCE_SLOT, self) is not None

    def _db_encode_field(self, plan: FieldPlan, value: Any) -> Any:
        if value is None or (plan.native and type(value) in _SCALARS):
            return value
        if not plan.native:
            stored = links.as_stored(value)
            if stored is not MISSING:
                return stored
        if isinstance(value, BaseModel):
            value = value.model_dump(by_alias=True)
        return self._db_encode_value(value)

    def _db_changed_fields(self) -> dict[str, Any]:
        """Top-level fields that differ from the saved state: {storage key: encoded value}."""
        plan = type(self)._db_model_plan()
        values = real_dict(self)
        changes: dict[str, Any] = {}
        has_state = self._db_has_state()
        for name, field_plan in plan.fields.items():
            if name not in values or name == "revision_id":
                continue
            current = self._db_encode_field(field_plan, values[name])
            saved = self._db_saved_value(field_plan.key) if has_state else MISSING
            if saved is MISSING:
                if has_state and current is None:
                    continue
                changes[field_plan.key] = current
            elif not same(saved, current):
                changes[field_plan.key] = current
        return changes

    def _db_record_saved(self, changes: Mapping[str, Any], full: bool = False) -> None:
        """After a successful write, ``changes`` is what MongoDB now holds.

        With ``state_management_save_previous`` the state saved before is kept whole (Beanie's
        previous saved state): ``get_previous_changes`` is the difference between the two.
        """
        settings = type(self).get_settings()
        if settings.state_management_save_previous:
            _object_setattr(self, "_db_prev", self.get_saved_state())
        if full:
            _object_setattr(self, "_db_src", None)
            _object_setattr(self, "_db_saved", dict(changes))
            return
        saved = slot(lazy.SAVED_SLOT, self)
        saved = {} if saved is None else dict(saved)
        saved.update(changes)
        _object_setattr(self, "_db_saved", saved)

    @property
    def is_changed(self) -> bool:
        """Whether any field differs from the state last loaded from or saved to MongoDB.

        Example:
            >>> user.age += 1  # doctest: +SKIP
            >>> user.is_changed  # doctest: +SKIP
            True

        """
        if not self._db_has_state():
            return True
        return bool(self._db_changed_fields())

    def get_changes(self) -> dict[str, Any]:
        """Return changed values by dotted storage path (what ``save_changes`` sends in ``$set``).

        Example:
            >>> user.address.city = "Oslo"  # doctest: +SKIP
            >>> user.get_changes()  # doctest: +SKIP
            {'address.city': 'Oslo'}

        """
        return self._db_expand_changes(self._db_changed_fields())

    def _db_expand_changes(self, changed: dict[str, Any]) -> dict[str, Any]:
        """Turn changed top-level fields into dotted paths (embedded documents key by key)."""
        replace = type(self).get_settings().state_management_replace_objects
        changes: dict[str, Any] = {}
        for key, current in changed.items():
            saved = self._db_saved_value(key)
            if not replace and isinstance(current, dict) and isinstance(saved, dict):
                changes.update(collect_updates(saved, current, False, key))
            else:
                changes[key] = current
        return changes

    def get_previous_changes(self) -> dict[str, Any]:
        """Return what the last write changed, by dotted path (``state_management_save_previous``).

        That is the difference between the previous saved state and the current one.

        Example:
            >>> user.get_previous_changes()  # doctest: +SKIP
            {'age': 31}

        """
        previous = slot(lazy.PREVIOUS_SLOT, self)
        saved = self.get_saved_state()
        if not previous or saved is None:
            return {}
        replace = type(self).get_settings().state_management_replace_objects
        return collect_updates(previous, saved, replace)

    def get_previous_saved_state(self) -> dict[str, Any] | None:
        """Return the state saved before the last write (``state_management_save_previous``).

        Example:
            >>> user.get_previous_saved_state()["age"]  # doctest: +SKIP
            30

        """
        previous = slot(lazy.PREVIOUS_SLOT, self)
        return None if previous is None else dict(previous)

    @property
    def has_changed(self) -> bool:
        """Whether the last write changed the stored document (``state_management_save_previous``).

        Example:
            >>> user.has_changed  # doctest: +SKIP
            True

        """
        name = type(self).__name__
        settings = type(self).get_settings()
        # Beanie's order: state management off, then no saved state, then no previous state.
        if not (settings.use_state_management or settings.state_management_save_previous):
            raise StateManagementIsTurnedOff(f"{name}: Settings.use_state_management is off")
        if not self._db_has_state():
            raise StateNotSaved(f"{name}: no saved state (insert or load it first)")
        if not settings.state_management_save_previous:
            raise StateManagementIsTurnedOff(
                f"{name}: Settings.state_management_save_previous is off"
            )
        previous = slot(lazy.PREVIOUS_SLOT, self)
        return previous is not None and not same(previous, self.get_saved_state())

    def _save_state(self) -> None:
        """Record the current values as the saved state (Beanie's internal ``_save_state``)."""
        if self.id is not None:
            encoded = self._db_encode()
            encoded.pop("revision_id", None)
            self._db_record_saved(encoded, full=True)

    @classmethod
    def use_state_management(cls) -> bool:
        """Return ``Settings.use_state_management`` (tracking itself is always on here).

        Example:
            >>> User.use_state_management()  # doctest: +SKIP
            False

        """
        return cls.get_settings().use_state_management

    @classmethod
    def state_management_save_previous(cls) -> bool:
        """Return ``Settings.state_management_save_previous``.

        Example:
            >>> User.state_management_save_previous()  # doctest: +SKIP
            False

        """
        return cls.get_settings().state_management_save_previous

    @classmethod
    def state_management_replace_objects(cls) -> bool:
        """Return ``Settings.state_management_replace_objects``.

        Example:
            >>> User.state_management_replace_objects()  # doctest: +SKIP
            False

        """
        return cls.get_settings().state_management_replace_objects

    def get_saved_state(self) -> dict[str, Any] | None:
        """Return the stored values this document was last loaded with or saved as, by storage key.

        Example:
            >>> user.get_saved_state()["age"]  # doctest: +SKIP
            30

        """
        source = slot(lazy.SOURCE_SLOT, self)
        saved = slot(lazy.SAVED_SLOT, self)
        if source is None and saved is None:
            return None
        state = source.row(lazy.ROW_SLOT.__get__(self)) if source is not None else {}
        if saved:
            state.update(saved)
        return state

    def rollback(self) -> None:
        """Restore every changed field to its saved value.

        Example:
            >>> user.age = 99  # doctest: +SKIP
            >>> user.rollback()  # doctest: +SKIP

        """
        plan = type(self)._db_model_plan()
        values = real_dict(self)
        for key in self._db_changed_fields():
            field_plan = plan.by_key[key]
            saved = self._db_saved_value(key)
            values[field_plan.name] = lazy.decode(field_plan, None if saved is MISSING else saved)

    def _db_validate_self(self) -> None:
        # Beanie re-parses the dump and keeps what the validators made of it.
        values = self.model_dump(by_alias=True, warnings=False)
        fresh = type(self).model_validate(values)
        real_dict(self).update(real_dict(fresh))

    def _db_set_id(self, value: Any) -> None:
        plan = type(self)._db_model_plan().fields["id"]
        real_dict(self)["id"] = lazy.decode(plan, value)
        self.__pydantic_fields_set__.add("id")


_SCALARS = frozenset({str, int, float, bool, bytes, PydanticObjectId})
lazy.bind_slots(DocumentCore)
