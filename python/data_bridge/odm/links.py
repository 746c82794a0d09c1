"""Relations between documents: ``Link[T]``, ``BackLink[T]``, write and delete rules.

A ``Link[T]`` field is stored as a DBRef (``{"$ref": collection, "$id": id}``, as Beanie stores
it) and loads as a :class:`Link` until fetched. ``fetch_links=True`` on a find replaces links by
the documents they point to, in batches: one ``$in`` query per link field per page of results
(never one query per document), repeated per nesting level up to ``nesting_depth``
(``Settings.max_nesting_depth``, default 3). A ``BackLink[T]`` field is not stored: fetching it
finds the ``T`` documents whose ``original_field`` links here (one ``find`` on
``original_field.$id``, no ``$lookup``). Pages with more than 1,000 ids send them as several
``$in`` queries of 1,000.

Example:
    >>> from pydantic import Field
    >>> from data_bridge import BackLink, Document, Link
    >>> class Door(Document):
    ...     height: int = 2
    ...     car: BackLink["Car"] = Field(json_schema_extra={"original_field": "door"})
    >>> class Car(Document):
    ...     door: Link[Door]
    >>> car = await Car.find_one(Car.id == car_id, fetch_links=True)  # doctest: +SKIP
    >>> car.door.height  # doctest: +SKIP
    2

"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from bson import DBRef, ObjectId
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from data_bridge import server
from data_bridge.errors import DocumentWasNotSaved
from data_bridge.odm import lazy
from data_bridge.odm.codecs import _strip
from data_bridge.odm.executor import Call, Plan, run_async, run_sync

T = TypeVar("T")


class WriteRules(str, Enum):
    """What ``insert`` / ``save`` / ``replace`` do with linked documents.

    Example:
        >>> await car.insert(link_rule=WriteRules.WRITE)  # also writes car.door  # doctest: +SKIP

    """

    DO_NOTHING = "DO_NOTHING"
    WRITE = "WRITE"


class DeleteRules(str, Enum):
    """What ``delete`` does with linked documents.

    Example:
        >>> await car.delete(link_rule=DeleteRules.DELETE_LINKS)  # doctest: +SKIP

    """

    DO_NOTHING = "DO_NOTHING"
    DELETE_LINKS = "DELETE_LINKS"


def _is_document(value: Any) -> bool:
    return hasattr(type(value), "_db_from_table") and hasattr(value, "id")


def _is_sync(model: type) -> bool:
    from data_bridge.odm.sync_documents import Document as SyncDocument

    return issubclass(model, SyncDocument)


class Link(Generic[T]):
    """A reference to a ``T`` document, loaded but not fetched.

    Example:
        >>> car.door.ref.id  # doctest: +SKIP
        ObjectId('...')
        >>> door = await car.door.fetch()  # doctest: +SKIP

    """

    __slots__ = ("document_class", "ref")

    def __init__(self, ref: DBRef, document_class: type[T]) -> None:
        self.ref = ref
        self.document_class = document_class

    def __repr__(self) -> str:
        return f"Link(ref={self.ref!r}, document_class={self.document_class.__name__})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and other.ref == self.ref

    def __hash__(self) -> int:
        return hash(self.ref)

    def fetch(self, fetch_links: bool = False) -> Any:
        """Load the linked document (``await`` it for async models; sync models return it).

        Example:
            >>> door = await car.door.fetch()  # doctest: +SKIP

        """
        model: Any = self.document_class
        query = model.find_one({"_id": self.ref.id}, fetch_links=fetch_links)
        if _is_sync(model):
            return query.run()
        return query

    def to_ref(self) -> DBRef:
        """Return the stored DBRef.

        Example:
            >>> car.door.to_ref()  # doctest: +SKIP
            DBRef('Door', ObjectId('...'))

        """
        return self.ref

    def to_dict(self) -> dict[str, str]:
        """Return ``{"id": ..., "collection": ...}`` (the JSON form).

        Example:
            >>> car.door.to_dict()  # doctest: +SKIP
            {'id': '65...', 'collection': 'Door'}

        """
        return {"id": str(self.ref.id), "collection": self.ref.collection}

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        args = typing.get_args(source)
        model = args[0] if args else Any
        return _link_schema(model, back=False)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # What a response holds: {id, collection} while unfetched, the whole linked document
        # once fetched (fetch_links=True). OpenAPI shows both.
        reference: JsonSchemaValue = {
            "type": "object",
            "title": "LinkReference",
            "properties": {"id": {"type": "string"}, "collection": {"type": "string"}},
            "required": ["id", "collection"],
        }
        metadata = schema.get("metadata") or {}
        try:
            target = _resolve(metadata.get(_LINK_MODEL))
            document = handler(target.__pydantic_core_schema__)
        except (TypeError, AttributeError):
            return reference  # the linked class is not known (yet): the reference form only
        return {"anyOf": [reference, document]}


class BackLink(Generic[T]):
    """The ``T`` documents linking to this one through ``original_field`` (not stored).

    Declare it with ``Field(json_schema_extra={"original_field": "name_of_the_link_field"})``;
    it holds the linking documents once fetched (``fetch_links=True``), else this placeholder.

    Example:
        >>> door = await Door.find_one(Door.id == door_id, fetch_links=True)  # doctest: +SKIP
        >>> door.car.door.ref.id == door.id  # doctest: +SKIP
        True

    """

    # No __slots__: as in Beanie, attributes may be set on an unfetched placeholder.

    def __init__(self, document_class: type[T]) -> None:
        self.document_class = document_class

    def __repr__(self) -> str:
        return f"BackLink(document_class={getattr(self.document_class, '__name__', '?')})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        args = typing.get_args(source)
        model = args[0] if args else Any
        return _link_schema(model, back=True)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "object"}


def _resolve(model: Any) -> Any:
    # Forward references ("Car") are resolved by name among document classes on first use.
    if isinstance(model, typing.ForwardRef):
        model = model.__forward_arg__
    if isinstance(model, str):
        from data_bridge.odm.core import DocumentCore

        stack: list[type] = [DocumentCore]
        while stack:
            klass = stack.pop()
            if klass.__name__ == model and "__pydantic_fields__" in vars(klass):
                return klass
            stack.extend(klass.__subclasses__())
        raise TypeError(f"cannot resolve the linked document class {model!r}")
    return model


def _link_schema(model: Any, back: bool) -> core_schema.CoreSchema:
    def validate(value: Any) -> Any:
        if value is None or isinstance(value, (Link, BackLink)) or _is_document(value):
            return value
        target = _resolve(model)
        if back:
            return BackLink(target)
        if isinstance(value, DBRef):
            return Link(value, target)
        if isinstance(value, dict):
            if "$ref" in value and "$id" in value:
                return Link(DBRef(value["$ref"], value["$id"]), target)
            if "id" in value and "collection" in value and len(value) == 2:
                return Link(DBRef(value["collection"], value["id"]), target)
            return target.model_validate(value)
        # Anything else is the linked document's id (an ObjectId's hex from a JSON body...).
        try:
            linked_id = _id_adapter(target).validate_python(value)
        except ValidationError:
            raise ValueError(
                f"a Link[{getattr(target, '__name__', target)}] takes a document, a Link, a "
                f"DBRef, a dict or the linked document's id, got {type(value).__qualname__}"
            ) from None
        return Link(DBRef(target.get_collection_name(), _plain_id(linked_id)), target)

    def serialize(value: Any, info: core_schema.SerializationInfo) -> Any:
        if info.mode_is_json():
            if isinstance(value, Link):
                return value.to_dict()
            if isinstance(value, BackLink):
                # A back link names the collection linking here, fetched or not (Beanie's to_dict).
                return {"collection": _resolve(value.document_class).get_collection_name()}
            if back:
                return {"collection": type(value).get_collection_name()}
            return value.model_dump(mode="json", by_alias=info.by_alias)
        if isinstance(value, BackLink):
            return None
        return to_ref(value)

    return core_schema.no_info_plain_validator_function(
        validate,
        serialization=core_schema.plain_serializer_function_ser_schema(
            serialize, info_arg=True, when_used="unless-none"
        ),
        metadata={_LINK_MODEL: model},
    )


_LINK_MODEL = "data_bridge_link_model"


@functools.cache
def _id_adapter(model: type) -> TypeAdapter[Any]:
    """Validate a value as ``model``'s id (``PydanticObjectId`` unless the model says otherwise)."""
    annotation: Any = model.__pydantic_fields__["id"].annotation  # type: ignore[attr-defined]
    return TypeAdapter(annotation)


def to_ref(value: Any) -> DBRef:
    """Return the DBRef a Link or a (saved) document is stored as.

    Example:
        >>> to_ref(door)  # doctest: +SKIP
        DBRef('Door', ObjectId('...'))

    """
    if isinstance(value, Link):
        return value.ref
    if value.id is None:
        raise ValueError(
            f"a linked {type(value).__name__} has no id: insert it first, or write with "
            "link_rule=WriteRules.WRITE"
        )
    return DBRef(type(value).get_collection_name(), _plain_id(value.id))


def _plain_id(value: Any) -> Any:
    # The engine encodes a DBRef's id only when it is exactly an ObjectId (not a subclass).
    if isinstance(value, ObjectId) and type(value) is not ObjectId:
        return ObjectId(value.binary)
    return value


def as_stored(value: Any) -> Any:
    """Return the stored form of a link-field value (DBRef / list of them), else MISSING."""
    if isinstance(value, Link) or _is_document(value):
        return to_ref(value)
    if type(value) is list and value and all(isinstance(v, Link) or _is_document(v) for v in value):
        return [to_ref(v) for v in value]
    if isinstance(value, BackLink):
        return None
    return lazy.MISSING


# ------------------------------------------------------------------------------ field metadata


class LinkRef(BaseModel):
    """The stored parts of a link, for query expressions: ``Car.door.id`` is ``"door.$id"``.

    Example:
        >>> Car.find(Car.door.id == door.id)  # {"door.$id": ...}  # doctest: +SKIP

    """

    id: Any = Field(default=None, alias="$id")
    collection: str | None = Field(default=None, alias="$ref")


def link_converters(
    annotation: Any,
) -> tuple[Callable[[Any], Any], Callable[[list[Any]], list[Any]]] | None:
    """(value, column) converters of a ``Link[T]`` / ``list[Link[T]]`` field, else None.

    Stored DBRefs become :class:`Link` objects directly (no pydantic call per row); anything
    else goes through the field's validator.
    """
    core, _, _ = _strip(annotation)
    many = typing.get_origin(core) is list
    if many:
        args = typing.get_args(core)
        core = _strip(args[0])[0] if args else None
    if typing.get_origin(core) is not Link:
        return None
    model = typing.get_args(core)[0]
    validate = TypeAdapter(annotation).validate_python
    new = object.__new__
    resolved: list[Any] = []

    def link_of(raw: Any) -> Any:
        if type(raw) is dict and len(raw) == 2 and "$id" in raw:
            if not resolved:
                resolved.append(_resolve(model))
            link = new(Link)
            link.ref = DBRef(raw["$ref"], raw["$id"])
            link.document_class = resolved[0]
            return link
        return None

    def convert(raw: Any) -> Any:
        if raw is None:
            return None
        if many:
            if type(raw) is list:
                links_ = [link_of(item) for item in raw]
                if None not in links_:
                    return links_
            return validate(raw)
        link = link_of(raw)
        return link if link is not None else validate(raw)

    def convert_column(column: list[Any]) -> list[Any]:
        return [convert(raw) for raw in column]

    return convert, convert_column


def ref_model_of(annotation: Any) -> type[BaseModel] | None:
    """Return :class:`LinkRef` for a ``Link[T]`` / ``list[Link[T]]`` annotation, else None."""
    core, _, _ = _strip(annotation)
    if typing.get_origin(core) is list:
        args = typing.get_args(core)
        core = _strip(args[0])[0] if args else None
    return LinkRef if typing.get_origin(core) is Link else None


@dataclass(frozen=True, slots=True)
class LinkField:
    """One link field of a document class."""

    name: str
    key: str
    model: Any
    many: bool
    back: bool
    original_field: str | None

    def target(self) -> Any:
        """Return the linked document class (resolving a forward reference)."""
        return _resolve(self.model)


_LINK_FIELDS: dict[type, dict[str, LinkField]] = {}


def link_fields(cls: type) -> dict[str, LinkField]:
    """Return the Link / BackLink fields of a document class (cached).

    Example:
        >>> list(link_fields(Car))  # doctest: +SKIP
        ['door']

    """
    found = _LINK_FIELDS.get(cls)
    if found is not None:
        return found
    found = {}
    for name, info in cls.__pydantic_fields__.items():  # type: ignore[attr-defined]
        core, _, _ = _strip(info.annotation)
        many = False
        if typing.get_origin(core) is list:
            args = typing.get_args(core)
            if not args:
                continue
            core, _, _ = _strip(args[0])
            many = True
        origin = typing.get_origin(core)
        if origin not in (Link, BackLink):
            continue
        args = typing.get_args(core)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        original = extra.get("original_field")
        found[name] = LinkField(
            name,
            info.alias or name,
            args[0] if args else None,
            many,
            origin is BackLink,
            str(original) if original is not None else None,
        )
    _LINK_FIELDS[cls] = found
    return found


class LinkTypes(str, Enum):
    """How a field links: one or a list, forward or back, optional or not (Beanie's names)."""

    DIRECT = "DIRECT"
    OPTIONAL_DIRECT = "OPTIONAL_DIRECT"
    LIST = "LIST"
    OPTIONAL_LIST = "OPTIONAL_LIST"
    BACK_DIRECT = "BACK_DIRECT"
    BACK_LIST = "BACK_LIST"
    OPTIONAL_BACK_DIRECT = "OPTIONAL_BACK_DIRECT"
    OPTIONAL_BACK_LIST = "OPTIONAL_BACK_LIST"


class LinkInfo(BaseModel):
    """One link field as Beanie's ``Document.get_link_fields()`` describes it.

    Example:
        >>> Car.get_link_fields()["door"].link_type  # doctest: +SKIP
        <LinkTypes.DIRECT: 'DIRECT'>

    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    field_name: str
    lookup_field_name: str
    document_class: Any
    link_type: LinkTypes
    nested_links: dict[str, Any] | None = None
    is_fetchable: bool = True


def link_infos(cls: type) -> dict[str, LinkInfo]:
    """Return ``cls``'s link fields as :class:`LinkInfo` by field name."""
    found = link_fields(cls)
    infos = {}
    for name, field in found.items():
        optional = _strip(cls.__pydantic_fields__[name].annotation)[1]  # type: ignore[attr-defined]
        kind = ("BACK_" if field.back else "") + ("LIST" if field.many else "DIRECT")
        infos[name] = LinkInfo(
            field_name=name,
            lookup_field_name=field.original_field if field.back else field.key,
            document_class=field.target(),
            link_type=LinkTypes(("OPTIONAL_" if optional else "") + kind),
        )
    return infos


def forget(cls: type) -> None:
    """Drop cached link metadata (a class was rebuilt)."""
    _LINK_FIELDS.pop(cls, None)


def back_link_keys(cls: type) -> list[str]:
    """Return the storage keys of BackLink fields (never written)."""
    return [f.key for f in link_fields(cls).values() if f.back]


# ------------------------------------------------------------------------------------ fetching


def _links_in(value: Any) -> list[Link[Any]]:
    if isinstance(value, Link):
        return [value]
    if type(value) is list:
        return [v for v in value if isinstance(v, Link)]
    return []


# Ids per $in query; a page with more ids is sent as several queries. SecantusDB matches a
# long $in list in superlinear time (measured: 10,000 ids in one query 1.2 s, in ten queries of
# 1,000 0.33 s); mongod loses nothing by it.
IN_BATCH = 1000


def _find_in(model: Any, key: str, ids: list[Any], session: Any) -> Plan[list[Any]]:
    """Return the ``model`` documents whose ``key`` is in ``ids`` (chunks of IN_BATCH)."""
    from data_bridge.odm.results import from_table, schema_of

    collection = model._db_collection()
    schema = schema_of(model)
    calls = [
        Call(
            collection,
            "find",
            {key: {"$in": ids[i : i + IN_BATCH]}},
            schema=schema,
            session=session,
        )
        for i in range(0, len(ids), IN_BATCH)
    ]
    # One after the other (not Gather): each query then shows in the query log like any other.
    tables = []
    for call in calls:
        tables.append((yield call))
    docs: list[Any] = []
    for table in tables:
        docs.extend(from_table(model, table))
    return docs


def fetch(
    docs: list[Any],
    depth: int,
    session: Any = None,
    per_field: dict[str, int] | None = None,
    level: int = 0,
) -> Plan[None]:
    """Replace the links of ``docs`` by their documents, ``depth`` levels deep, in batches.

    Each level costs one query per link field of each document class present.
    """
    if level >= depth or not docs:
        return
    per_field = per_field or {}
    groups: dict[type, list[Any]] = {}
    for doc in docs:
        if doc is not None:
            groups.setdefault(type(doc), []).append(doc)
    fetched: list[Any] = []
    for cls, group in groups.items():
        for field in link_fields(cls).values():
            if level >= per_field.get(field.name, depth):
                continue
            if field.back:
                fetched.extend((yield from _fetch_back(cls, group, field, session)))
            else:
                fetched.extend((yield from _fetch_forward(group, field, session)))
    yield from fetch(fetched, depth, session, per_field, level + 1)


def _fetch_forward(group: list[Any], field: LinkField, session: Any) -> Plan[list[Any]]:
    name = field.name
    values = [getattr(doc, name) for doc in group]
    ids = list({link.ref.id: None for value in values for link in _links_in(value)})
    if not ids:
        return []
    targets = yield from _find_in(field.target(), "_id", ids, session)
    by_id = {target.id: target for target in targets}
    for doc, value in zip(group, values, strict=True):
        if isinstance(value, Link):
            lazy.real_dict(doc)[name] = by_id.get(value.ref.id, value)
        elif type(value) is list:
            lazy.real_dict(doc)[name] = [
                by_id.get(v.ref.id, v) if isinstance(v, Link) else v for v in value
            ]
    return targets


def _fetch_back(cls: type, group: list[Any], field: LinkField, session: Any) -> Plan[list[Any]]:
    target = field.target()
    original = field.original_field
    if original is None:
        raise ValueError(
            f"{cls.__name__}.{field.name}: a BackLink needs "
            'Field(json_schema_extra={"original_field": "<link field of the other class>"})'
        )
    ids = [_plain_id(doc.id) for doc in group if doc.id is not None]
    if not ids:
        return []
    key = link_fields(target)[original].key if original in link_fields(target) else original
    target._db_binding().server.require(
        server.DBREF_ID_PATH, f"fetching back links {cls.__name__}.{field.name} ('{key}.$id')"
    )
    # "field.$id" matches a single link and a list of links alike (no $lookup involved).
    linking = yield from _find_in(target, f"{key}.$id", ids, session)
    owners: dict[Any, list[Any]] = {doc.id: [] for doc in group}
    for other in linking:
        value = lazy.real_dict(other).get(original, MISSING_VALUE)
        if value is MISSING_VALUE:
            value = getattr(other, original)
        for ref in _refs_of(value):
            if ref.id in owners:
                owners[ref.id].append(other)
    for doc in group:
        found = owners.get(doc.id, [])
        lazy.real_dict(doc)[field.name] = found if field.many else (found[0] if found else None)
    return linking


MISSING_VALUE: Any = object()


def _refs_of(value: Any) -> list[DBRef]:
    items = value if type(value) is list else [value]
    out: list[DBRef] = []
    for item in items:
        if isinstance(item, Link):
            out.append(item.ref)
        elif _is_document(item) and item.id is not None:
            out.append(DBRef(type(item).get_collection_name(), item.id))
    return out


def default_depth(cls: Any, nesting_depth: int | None) -> int:
    """Return the fetch depth: ``nesting_depth`` or ``Settings.max_nesting_depth``."""
    if nesting_depth is not None:
        return nesting_depth
    return int(cls.get_settings().max_nesting_depth)


# ------------------------------------------------------------------------- write / delete rules


def _linked_documents(doc: Any) -> list[Any]:
    # Forward links, and back links once fetched (Beanie writes both with WriteRules.WRITE).
    out: list[Any] = []
    for field in link_fields(type(doc)).values():
        value = lazy.real_dict(doc).get(field.name, MISSING_VALUE)
        if value is MISSING_VALUE:
            value = getattr(doc, field.name)
        items = value if type(value) is list else [value]
        out.extend(item for item in items if _is_document(item))
    return out


def write_linked(
    doc: Any, link_rule: Any, session: Any, seen: set[int] | None = None
) -> Plan[None]:
    """With ``WriteRules.WRITE``, save the linked (and fetched back-linked) documents first."""
    if link_rule is None or WriteRules(link_rule) is not WriteRules.WRITE:
        return
    from data_bridge.odm import operations

    seen = {id(doc)} if seen is None else seen
    for linked in _linked_documents(doc):
        if id(linked) in seen:
            continue  # a cycle (a back link to a document already being written)
        seen.add(id(linked))
        yield from write_linked(linked, link_rule, session, seen)
        # Saved, new or not, as Beanie does: a cascade fires the Save (and Update) events of
        # the documents it writes, never Insert (that belongs to an explicit insert()).
        yield from operations.save(linked, session, False, None)


def with_write_rule(doc: Any, link_rule: Any, session: Any, plan: Plan[T]) -> Plan[T]:
    """Run ``plan`` after the write rule's own writes."""
    yield from write_linked(doc, link_rule, session)
    require_saved_links(doc)
    return (yield from plan)


def require_saved_links(doc: Any) -> None:
    """Raise ``DocumentWasNotSaved`` if a linked document of ``doc`` has no id (as Beanie).

    A link is stored as the linked document's id: without ``WriteRules.WRITE`` a new linked
    document is not written, so there is nothing to point at.
    """
    for field in link_fields(type(doc)).values():
        if field.back:
            continue
        value = lazy.real_dict(doc).get(field.name, MISSING_VALUE)
        for item in value if type(value) is list else [value]:
            if _is_document(item) and item.id is None:
                raise DocumentWasNotSaved(
                    f"{type(doc).__name__}.{field.name}: the linked {type(item).__name__} has "
                    "no id: insert it first, or write with link_rule=WriteRules.WRITE"
                )


def with_write_rule_many(
    docs: Sequence[Any], link_rule: Any, session: Any, plan: Plan[T]
) -> Plan[T]:
    """Run ``plan`` (an ``insert_many``) after the write rule's writes for every document."""
    if link_rule is not None and WriteRules(link_rule) is WriteRules.WRITE:
        for doc in docs:
            yield from write_linked(doc, link_rule, session)
    if docs and any(not f.back for f in link_fields(type(docs[0])).values()):
        for doc in docs:
            require_saved_links(doc)
    return (yield from plan)


def delete_linked(doc: Any, link_rule: Any, session: Any) -> Plan[None]:
    """With ``DeleteRules.DELETE_LINKS``, delete the documents ``doc`` links to (recursively)."""
    if link_rule is None or DeleteRules(link_rule) is not DeleteRules.DELETE_LINKS:
        return
    from data_bridge.odm import operations

    for field in link_fields(type(doc)).values():
        value = getattr(doc, field.name)
        if field.back:
            # Back links: the linking documents, when fetched (as Beanie; never a query).
            for linked in value if type(value) is list else [value]:
                if _is_document(linked) and linked.id is not None:
                    yield from delete_linked(linked, link_rule, session)
                    yield from operations.delete(linked, session, None, None)
            continue
        ids = [ref.id for ref in _refs_of(value)]
        if not ids:
            continue
        target = field.target()
        if link_fields(target):
            for linked in (yield from _find_in(target, "_id", ids, session)):
                yield from delete_linked(linked, link_rule, session)
                yield from operations.delete(linked, session, None, None)
        else:
            yield Call(
                target._db_collection(), "delete_many", {"_id": {"$in": ids}}, session=session
            )


def with_delete_rule(doc: Any, link_rule: Any, session: Any, plan: Plan[T]) -> Plan[T]:
    """Run ``plan`` after the delete rule's own deletes."""
    yield from delete_linked(doc, link_rule, session)
    return (yield from plan)


def fetch_document_links(doc: Any, names: list[str] | None, depth: int) -> Plan[None]:
    """Fetch the named link fields (all when None) of one document."""
    if names is None:
        yield from fetch([doc], depth)
        return
    fields = link_fields(type(doc))
    per_field = {name: (depth if name in names else 0) for name in fields}
    yield from fetch([doc], depth, None, per_field)


def run_plan(model: type, plan: Plan[T]) -> Any:
    """Run ``plan`` the way ``model``'s flavour runs (awaitable for async, direct for sync)."""
    if _is_sync(model):
        return run_sync(plan)
    return run_async(plan)
