"""Document writes and reads as plans, shared by the async and the sync ``Document``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import uuid4

from pydantic import BaseModel, ValidationError

from data_bridge.errors import (
    ApplyChangesException,
    BulkWriteError,
    DocumentNotFound,
    DocumentWasNotSaved,
    DuplicateKeyError,
    ReplaceError,
    RevisionIdWasChanged,
    StateNotSaved,
    WriteInterrupted,
)
from data_bridge.odm import fast_encode, lazy, links
from data_bridge.odm.actions import (
    ActionDirections,
    EventTypes,
    SkipActions,
    run_actions,
)
from data_bridge.odm.compile import compile_update
from data_bridge.odm.executor import Call, Plan
from data_bridge.odm.ids import PydanticObjectId
from data_bridge.odm.utils.update_merge import changed_fields, merge_update_expressions

if TYPE_CHECKING:
    from data_bridge.odm.bulk import BulkWriterCore as BulkWriter
    from data_bridge.odm.core import DocumentCore

D = TypeVar("D", bound="DocumentCore")

BEFORE = ActionDirections.BEFORE
AFTER = ActionDirections.AFTER


def validate_self(doc: DocumentCore, skip: SkipActions) -> Plan[None]:
    """ValidateOnSave hooks around pydantic validation (when ``validate_on_save``)."""
    yield from run_actions(doc, EventTypes.VALIDATE_ON_SAVE, BEFORE, skip)
    if type(doc).get_settings().validate_on_save:
        doc._db_validate_self()
    yield from run_actions(doc, EventTypes.VALIDATE_ON_SAVE, AFTER, skip)


def _id_filter(doc: DocumentCore, ignore_revision: bool) -> dict[str, Any]:
    query: dict[str, Any] = {"_id": doc.id}
    if type(doc).get_settings().use_revision and not ignore_revision:
        previous = doc.revision_id
        if previous is not None:
            query["revision_id"] = previous
    return query


def _new_revision(doc: DocumentCore) -> Any:
    """Give ``doc`` a new revision id (when revisions are on); return the previous one."""
    if not type(doc).get_settings().use_revision:
        return None
    previous = doc.revision_id
    lazy.real_dict(doc)["revision_id"] = uuid4()
    return previous


def _restore_revision(doc: DocumentCore, previous: Any) -> None:
    # A write that failed must not leave the document claiming a revision it never stored.
    if type(doc).get_settings().use_revision:
        lazy.real_dict(doc)["revision_id"] = previous


def _ensure_id(doc: DocumentCore) -> None:
    if doc.id is None:
        plan = type(doc)._db_model_plan().fields["id"]
        if plan.spec != "objectId":
            raise DocumentWasNotSaved(
                f"{type(doc).__name__} has no id and its id type cannot be generated"
            )
        doc._db_set_id(PydanticObjectId())


def insert(doc: D, session: Any, skip: SkipActions) -> Plan[D]:
    """Insert ``doc``; set its id and saved state."""
    yield from validate_self(doc, skip)
    yield from run_actions(doc, EventTypes.INSERT, BEFORE, skip)
    _new_revision(doc)
    cls = type(doc)
    batch = fast_encode.encode(cls, (doc,))
    if batch is not None:
        yield Call(cls._db_collection(), "insert_one", batch, session=session)
        fast_encode.commit(cls, (doc,), batch)
        yield from run_actions(doc, EventTypes.INSERT, AFTER, skip)
        return doc
    encoded = doc._db_encode()
    result = yield Call(cls._db_collection(), "insert_one", encoded, session=session)
    if "_id" not in encoded:
        encoded["_id"] = result.inserted_id
        doc._db_set_id(result.inserted_id)
    doc._db_record_saved(encoded, full=True)
    yield from run_actions(doc, EventTypes.INSERT, AFTER, skip)
    return doc


def insert_many(
    cls: type[DocumentCore], documents: Sequence[DocumentCore], session: Any, ordered: bool
) -> Plan[Any]:
    """Insert documents in one call; set their ids and saved states (no events, as Beanie)."""
    if cls.get_settings().use_revision:
        for doc in documents:
            _new_revision(doc)
    batch = fast_encode.encode(cls, documents)
    if batch is not None:
        try:
            result = yield Call(
                cls._db_collection(), "insert_many", batch, ordered=ordered, session=session
            )
        except WriteInterrupted as lost:
            _keep_sent_ids(cls, documents, lost)
            raise
        except BulkWriteError:
            # The ids these documents were sent with (stored or not): inserting them again
            # after fixing the failing ones cannot duplicate the acknowledged ones.
            _keep_generated_ids(cls, documents, batch.ids, batch.generated)
            raise
        fast_encode.commit(cls, documents, batch)
        return result
    encoded = cls._db_encode_many(documents)
    try:
        result = yield Call(
            cls._db_collection(), "insert_many", encoded, ordered=ordered, session=session
        )
    except WriteInterrupted as lost:
        _keep_sent_ids(cls, documents, lost)
        raise
    except BulkWriteError as failed:
        # Only the acknowledged documents' ids are known here (the engine generated the rest).
        rows = sorted(failed.inserted_ids)
        ids = [failed.inserted_ids[row] for row in rows]
        _keep_generated_ids(cls, [documents[row] for row in rows], ids, [True] * len(rows))
        raise
    # Once per document, so kept to dict stores: the id, and the written dict as saved state.
    id_plan = cls._db_model_plan().fields["id"]
    save_previous = cls.get_settings().state_management_save_previous
    setattr_ = object.__setattr__
    real_dict = lazy.real_dict
    new_ids = result.inserted_ids
    ids = lazy.decode_column(id_plan, new_ids) if None not in new_ids else new_ids
    for doc, values, new_id, doc_id in zip(documents, encoded, new_ids, ids, strict=True):
        if "_id" not in values:
            values["_id"] = new_id
            real_dict(doc)["id"] = doc_id
            doc.__pydantic_fields_set__.add("id")
        if save_previous:  # the state before the insert (None when the document is new)
            setattr_(doc, "_db_prev", doc.get_saved_state())
        setattr_(doc, "_db_src", None)
        setattr_(doc, "_db_saved", values)
    return result


def _keep_sent_ids(
    cls: type[DocumentCore], documents: Sequence[DocumentCore], lost: WriteInterrupted
) -> None:
    """Give each document the ``_id`` it was (or was to be) sent with.

    The server may have stored the in-doubt ones without replying: with these ids, inserting
    the unacknowledged documents again fails on duplicates instead of storing them twice.
    """
    sent = {**lost.inserted_ids, **lost.in_doubt_ids, **lost.unsent_ids}
    rows = sorted(sent)
    values = lazy.decode_column(cls._db_model_plan().fields["id"], [sent[r] for r in rows])
    real_dict = lazy.real_dict
    for row, value in zip(rows, values, strict=True):
        doc = documents[row]
        if real_dict(doc).get("id") is None:
            real_dict(doc)["id"] = value
            doc.__pydantic_fields_set__.add("id")


def _keep_generated_ids(
    cls: type[DocumentCore], documents: Sequence[DocumentCore], ids: Sequence[Any], generated: Any
) -> None:
    """Give each document without an id the one generated for it (``generated[i]``)."""
    rows = [row for row, new in enumerate(generated) if new]
    if not rows:
        return
    values = lazy.decode_column(cls._db_model_plan().fields["id"], [ids[row] for row in rows])
    real_dict = lazy.real_dict
    for row, value in zip(rows, values, strict=True):
        doc = documents[row]
        if real_dict(doc).get("id") is None:
            real_dict(doc)["id"] = value
            doc.__pydantic_fields_set__.add("id")


def _unset_nones(doc: DocumentCore, values: dict[str, Any]) -> dict[str, Any]:
    # keep_nulls=False: None-valued fields are removed from the stored document.
    if type(doc).get_settings().keep_nulls:
        return {}
    plan = type(doc)._db_model_plan()
    stored = lazy.real_dict(doc)
    return {
        f.key: ""
        for name, f in plan.fields.items()
        if stored.get(name, 0) is None and f.key != "_id"
    }


def _revision_changed(
    doc: DocumentCore, query: dict[str, Any], error: DuplicateKeyError, session: Any
) -> Plan[bool]:
    """Whether a revision-checked upsert's duplicate key error means the revision changed.

    A stale revision makes the upsert miss and insert, colliding on ``_id``; a collision on
    another unique index is the user's ``DuplicateKeyError`` (as in Beanie). A server may name
    either index when the new document collides on both, so the stored revision decides.
    """
    pattern = getattr(error, "key_pattern", None)
    if pattern and list(pattern) == ["_id"]:
        return True
    still = yield Call(type(doc)._db_collection(), "count_documents", query, session=session)
    return int(still) == 0


def save(
    doc: D,
    session: Any,
    ignore_revision: bool,
    skip: SkipActions,
    bulk_writer: BulkWriter | None = None,
) -> Plan[D]:
    """Upsert the whole document by id (insert when new); queued in ``bulk_writer`` if given."""
    yield from validate_self(doc, skip)
    yield from run_actions(doc, EventTypes.SAVE, BEFORE, skip)
    yield from run_actions(doc, EventTypes.UPDATE, BEFORE, skip)
    _ensure_id(doc)
    query = _id_filter(doc, ignore_revision)
    previous = _new_revision(doc)
    encoded = doc._db_encode()
    values = {k: v for k, v in encoded.items() if k != "_id"}
    update: dict[str, Any] = {"$set": values} if values else {}
    unset = _unset_nones(doc, encoded)
    if unset:
        update["$unset"] = unset
    if not update:
        update = {"$set": {"_id": encoded["_id"]}}
    if bulk_writer is not None:
        # As Beanie: a stale revision surfaces as the bulk's BulkWriteError (duplicate _id).
        from data_bridge.odm.bulk import UpdateOne

        bulk_writer.add_operation(type(doc), UpdateOne(query, update, upsert=True))
        doc._db_record_saved(encoded, full=True)
        yield from run_actions(doc, EventTypes.UPDATE, AFTER, skip)
        yield from run_actions(doc, EventTypes.SAVE, AFTER, skip)
        return doc
    try:
        yield Call(
            type(doc)._db_collection(), "update_one", query, update, upsert=True, session=session
        )
    except DuplicateKeyError as exc:
        _restore_revision(doc, previous)
        if "revision_id" in query and (yield from _revision_changed(doc, query, exc, session)):
            raise RevisionIdWasChanged(
                f"{type(doc).__name__} {doc.id}: revision_id changed since it was loaded"
            ) from exc
        raise
    doc._db_record_saved(encoded, full=True)
    yield from run_actions(doc, EventTypes.UPDATE, AFTER, skip)
    yield from run_actions(doc, EventTypes.SAVE, AFTER, skip)
    return doc


def save_changes(
    doc: D,
    session: Any,
    ignore_revision: bool,
    bulk_writer: BulkWriter | None,
    skip: SkipActions,
) -> Plan[D | None]:
    """``$set`` / ``$unset`` only what changed since the document was loaded or saved."""
    if not doc._db_has_state():
        raise StateNotSaved(f"{type(doc).__name__}: no saved state (insert or load it first)")
    if not doc._db_changed_fields():
        return None
    yield from validate_self(doc, skip)
    yield from run_actions(doc, EventTypes.SAVE_CHANGES, BEFORE, skip)
    yield from run_actions(doc, EventTypes.UPDATE, BEFORE, skip)
    changed = doc._db_changed_fields()
    changes = doc._db_expand_changes(changed)
    keep_nulls = type(doc).get_settings().keep_nulls
    update: dict[str, Any] = {}
    sets = {k: v for k, v in changes.items() if keep_nulls or v is not None}
    unsets = {k: "" for k, v in changes.items() if not keep_nulls and v is None}
    query = _id_filter(doc, ignore_revision)
    previous = _new_revision(doc)
    if type(doc).get_settings().use_revision:
        sets["revision_id"] = lazy.real_dict(doc)["revision_id"]
    if sets:
        update["$set"] = sets
    if unsets:
        update["$unset"] = unsets
    if bulk_writer is not None:
        from data_bridge.odm.bulk import UpdateOne

        bulk_writer.add_operation(type(doc), UpdateOne(query, update))
    else:
        result = yield Call(
            type(doc)._db_collection(), "update_one", query, update, session=session
        )
        if result.matched_count == 0:
            _restore_revision(doc, previous)
            if "revision_id" in query:
                raise RevisionIdWasChanged(
                    f"{type(doc).__name__} {doc.id}: revision_id changed since it was loaded"
                )
            raise DocumentNotFound(f"{type(doc).__name__} {doc.id} is not in the collection")
    if "revision_id" in sets:
        changed["revision_id"] = sets["revision_id"]
    doc._db_record_saved(changed)
    yield from run_actions(doc, EventTypes.UPDATE, AFTER, skip)
    yield from run_actions(doc, EventTypes.SAVE_CHANGES, AFTER, skip)
    return doc


def replace(
    doc: D,
    session: Any,
    ignore_revision: bool,
    bulk_writer: BulkWriter | None,
    skip: SkipActions,
) -> Plan[D]:
    """Replace the stored document with this one (it must exist)."""
    yield from validate_self(doc, skip)
    yield from run_actions(doc, EventTypes.REPLACE, BEFORE, skip)
    if doc.id is None:
        raise ValueError("Document must have an id")
    query = _id_filter(doc, ignore_revision)
    previous = _new_revision(doc)
    encoded = doc._db_encode()
    if bulk_writer is not None:
        from data_bridge.odm.bulk import ReplaceOne

        bulk_writer.add_operation(type(doc), ReplaceOne(query, encoded))
    else:
        result = yield Call(
            type(doc)._db_collection(), "replace_one", query, encoded, session=session
        )
        if result.matched_count == 0:
            _restore_revision(doc, previous)
            if "revision_id" in query:
                raise RevisionIdWasChanged(
                    f"{type(doc).__name__} {doc.id}: revision_id changed since it was loaded"
                )
            raise DocumentNotFound(f"{type(doc).__name__} {doc.id} is not in the collection")
    doc._db_record_saved(encoded, full=True)
    yield from run_actions(doc, EventTypes.REPLACE, AFTER, skip)
    return doc


def update(
    doc: D,
    operations: Sequence[Mapping[str, Any]],
    session: Any,
    ignore_revision: bool,
    bulk_writer: BulkWriter | None,
    skip: SkipActions,
    upsert: bool = False,
) -> Plan[D]:
    """Apply update operators to this document in MongoDB and load the result into it.

    Fields a ``before_event(Update)`` hook changes are merged into the update according to
    ``Settings.action_conflict_resolution`` (see ``odm/utils/update_merge.py``).
    """
    cls = type(doc)
    hooked = not (skip and BEFORE in skip) and cls._db_actions()[EventTypes.UPDATE][BEFORE]
    before = doc._db_encode(keep_nulls=True) if hooked else None
    yield from run_actions(doc, EventTypes.UPDATE, BEFORE, skip)
    if before is not None:
        changes = changed_fields(before, doc._db_encode(keep_nulls=True))
        strategy = cls.get_settings().action_conflict_resolution
        operations = merge_update_expressions(operations, changes, strategy)
    query = _id_filter(doc, ignore_revision)
    update_doc = compile_update(operations, cls.get_settings().bson_encoders)
    previous = _new_revision(doc)
    if cls.get_settings().use_revision:
        revision = {"revision_id": lazy.real_dict(doc)["revision_id"]}
        if isinstance(update_doc, list):  # a pipeline: one more stage
            update_doc.append({"$set": revision})
        else:
            update_doc.setdefault("$set", {}).update(revision)
    if bulk_writer is not None:
        from data_bridge.odm.bulk import UpdateOne

        bulk_writer.add_operation(cls, UpdateOne(query, update_doc, upsert=upsert))
        return doc
    raw = yield Call(
        cls._db_collection(),
        "find_one_and_update",
        query,
        update_doc,
        upsert=upsert,
        return_document="after",
        session=session,
    )
    if raw is None:
        _restore_revision(doc, previous)
        if "revision_id" in query:
            raise RevisionIdWasChanged(
                f"{cls.__name__} {doc.id}: revision_id changed since it was loaded"
            )
        return doc
    load_raw(doc, raw)
    yield from run_actions(doc, EventTypes.UPDATE, AFTER, skip)
    return doc


def load_raw(
    doc: DocumentCore,
    raw: dict[str, Any],
    only: set[str] | None = None,
    keep_links: bool = False,
) -> None:
    """Overwrite fields of ``doc`` (all, or those named in ``only``) with a stored document.

    With ``keep_links`` (``sync``, as Beanie's merge) a field whose stored value is a link, or a
    list holding one, and every back link keep what ``doc`` holds: a fetched document stays.
    """
    plan = type(doc)._db_model_plan()
    values = lazy.real_dict(doc)
    back = set(links.back_link_keys(type(doc))) if keep_links else set()
    for name, field_plan in plan.fields.items():
        if only is not None and name not in only:
            continue
        if field_plan.key in back:
            continue
        value = lazy.decode(field_plan, raw.get(field_plan.key))
        if keep_links and links._links_in(value):
            continue
        values[name] = value
    if only is None and type(doc).model_config.get("extra") == "allow":
        # The stored keys outside the model (an update may have set some) are its extras.
        extra = {k: v for k, v in raw.items() if k not in plan.by_key}
        object.__setattr__(doc, "__pydantic_extra__", extra)
    if only is None:
        doc._db_record_saved(raw, full=True)
    else:
        doc._db_record_saved({plan.fields[n].key: raw.get(plan.fields[n].key) for n in only})


def delete(
    doc: DocumentCore, session: Any, bulk_writer: BulkWriter | None, skip: SkipActions
) -> Plan[Any]:
    """Delete this document by id."""
    yield from run_actions(doc, EventTypes.DELETE, BEFORE, skip)
    query = {"_id": doc.id}
    if bulk_writer is not None:
        from data_bridge.odm.bulk import DeleteOne

        bulk_writer.add_operation(type(doc), DeleteOne(query))
        result = None
    else:
        result = yield Call(type(doc)._db_collection(), "delete_one", query, session=session)
    yield from run_actions(doc, EventTypes.DELETE, AFTER, skip)
    return result


def sync(doc: DocumentCore, merge_strategy: str, session: Any) -> Plan[None]:
    """Reload this document from MongoDB (``remote``: all fields; ``local``: unchanged ones)."""
    cls = type(doc)
    raw = yield Call(cls._db_collection(), "find_one", {"_id": doc.id}, session=session)
    if raw is None:
        raise DocumentNotFound(f"{cls.__name__} {doc.id} is not in the collection")
    if str(merge_strategy) in ("remote", "MergeStrategy.remote"):
        load_raw(doc, raw, keep_links=True)
        return
    if str(merge_strategy) not in ("local", "MergeStrategy.local"):
        raise ValueError("Invalid merge strategy")
    # As Beanie: the local changes by dotted path, the stored document, then those changes on it.
    changes = doc.get_changes()
    load_raw(doc, raw, keep_links=True)
    apply_changes(doc, changes)


def apply_changes(doc: DocumentCore, changes: Mapping[str, Any]) -> None:
    """Set each ``{dotted storage path: value}`` of ``changes`` on ``doc``, in place.

    Raises ``ApplyChangesException`` naming the path when the document has no place for it
    (a part of the path is missing, or is neither a dict nor a model).

    Example:
        >>> apply_changes(user, {"address.city": "Oslo"})  # doctest: +SKIP
        >>> user.address.city
        'Oslo'

    """
    plan = type(doc)._db_model_plan()
    names = {field_plan.key: name for name, field_plan in plan.fields.items()}
    values = lazy.real_dict(doc)
    for path, value in changes.items():
        first, *rest = path.split(".")
        name = names.get(first)
        if name is None:
            raise ApplyChangesException(
                f"Failed to apply change for key '{path}': no field {first!r}"
            )
        if not rest:
            values[name] = lazy.decode(plan.fields[name], value)
            continue
        target: Any = getattr(doc, name)
        for part in rest[:-1]:
            target = _child(target, part, path)
        _assign(target, rest[-1], value, path)


def _model_field(model: BaseModel, part: str) -> str | None:
    """Return the field of ``model`` stored under ``part`` (its alias or its name), or None."""
    for name, info in type(model).model_fields.items():
        if part in (name, info.alias):
            return name
    return None


def _child(target: Any, part: str, path: str) -> Any:
    if isinstance(target, dict):
        if part not in target:
            raise ApplyChangesException(f"Failed to apply change for key '{path}': no key {part!r}")
        return target[part]
    if isinstance(target, BaseModel):
        name = _model_field(target, part)
        if name is None:
            raise ApplyChangesException(
                f"Failed to apply change for key '{path}': {type(target).__name__} has no "
                f"field {part!r}"
            )
        return getattr(target, name)
    raise ApplyChangesException(
        f"Failed to apply change for key '{path}': {part!r} is inside a "
        f"{type(target).__name__}, not a dict or a model"
    )


def _assign(target: Any, part: str, value: Any, path: str) -> None:
    if isinstance(target, dict):
        target[part] = value
        return
    if isinstance(target, BaseModel):
        name = _model_field(target, part)
        if name is None:
            raise ApplyChangesException(
                f"Failed to apply change for key '{path}': {type(target).__name__} has no "
                f"field {part!r}"
            )
        try:
            target.__pydantic_validator__.validate_assignment(target, name, value)
        except ValidationError as exc:
            raise ApplyChangesException(f"Failed to apply change for key '{path}': {exc}") from exc
        return
    raise ApplyChangesException(
        f"Failed to apply change for key '{path}': {part!r} is set on a "
        f"{type(target).__name__}, not a dict or a model"
    )


def replace_many(
    cls: type[DocumentCore], documents: Sequence[DocumentCore], session: Any
) -> Plan[None]:
    """Replace every document by id; all of them must exist (ReplaceError otherwise)."""
    ids = [doc.id for doc in documents]
    collection = cls._db_collection()
    found = yield Call(collection, "count_documents", {"_id": {"$in": ids}}, session=session)
    if found != len(ids):
        raise ReplaceError("Some of the documents are not exist in the collection")
    requests = [
        {"replace_one": {"filter": {"_id": doc.id}, "replacement": doc._db_encode()}}
        for doc in documents
    ]
    if requests:
        yield Call(collection, "bulk_write", requests, session=session)
    for doc, request in zip(documents, requests, strict=True):
        doc._db_record_saved(request["replace_one"]["replacement"], full=True)


def inspect_collection(cls: type[DocumentCore], session: Any) -> Plan[Any]:
    """Validate every stored document against the model."""
    from pydantic import ValidationError

    from data_bridge.odm.codecs import _prepare
    from data_bridge.odm.models import InspectionError, InspectionResult, InspectionStatuses

    rows = yield Call(cls._db_collection(), "find_raw", {}, session=session)
    result = InspectionResult()
    for row in rows:
        try:
            cls.model_validate(_prepare(row))
        except ValidationError as exc:
            result.status = InspectionStatuses.FAIL
            result.errors.append(InspectionError(document_id=row.get("_id"), error=str(exc)))
    return result
