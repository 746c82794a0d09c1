"""Every exception data-bridge raises, under one base class: ``DataBridgeError``.

The engine errors are defined in Rust (``data_bridge._engine``) and re-exported here::

    DataBridgeError
    ├── ConnectionFailure ── ServerSelectionTimeout
    │                    └── WriteInterrupted (acknowledged .inserted_ids, .in_doubt_ids, ...)
    ├── OperationFailure (.code, .code_name, .labels, .details)
    │   ├── WriteError (.index) ── DuplicateKeyError (.key_pattern, .key_value)
    │   ├── WriteConcernError
    │   └── BulkWriteError (.write_errors, .write_concern_errors, .inserted_count, ...)
    ├── CodecError ── DecodeError (.row, .path, .expected, .found); EncodeError; SchemaError
    ├── InvalidInput (also a ValueError)
    └── ODM-level errors (below): DocumentNotFound, RevisionIdWasChanged, ...

The connection and server errors are also their ``pymongo.errors`` twins, so code written for
Beanie/pymongo keeps catching them: ``ConnectionFailure``, ``ServerSelectionTimeout``
(``ServerSelectionTimeoutError``), ``WriteInterrupted`` (``AutoReconnect``),
``OperationFailure``, ``WriteError``, ``DuplicateKeyError``, ``WriteConcernError`` and
``BulkWriteError``, with pymongo's ``.code``, ``.details`` (a ``BulkWriteError``'s holds
``"writeErrors"``, ``"nInserted"``, ...) and ``.has_error_label()``.

Example:
    >>> import pymongo.errors
    >>> from data_bridge.errors import DataBridgeError, DuplicateKeyError
    >>> issubclass(DuplicateKeyError, DataBridgeError)
    True
    >>> issubclass(DuplicateKeyError, pymongo.errors.DuplicateKeyError)
    True

"""

from __future__ import annotations

from bson.errors import InvalidId

from data_bridge._engine import (
    BulkWriteError,
    CodecError,
    ConnectionFailure,
    DataBridgeError,
    DecodeError,
    DuplicateKeyError,
    EncodeError,
    InvalidInput,
    OperationFailure,
    SchemaError,
    ServerSelectionTimeout,
    WriteConcernError,
    WriteError,
    WriteInterrupted,
)

__all__ = [
    "BulkWriteError",
    "CodecError",
    "ConnectionFailure",
    "DataBridgeError",
    "DecodeError",
    "DuplicateKeyError",
    "EncodeError",
    "InvalidInput",
    "OperationFailure",
    "SchemaError",
    "ServerSelectionTimeout",
    "WriteConcernError",
    "WriteError",
    "WriteInterrupted",
]

# --- ODM errors (Python-only, subclasses of DataBridgeError) go below this line ---

# ODM section (owned by python/data_bridge/odm): Beanie's `beanie.exceptions` names.


class ODMError(DataBridgeError):
    """Base of the document-layer errors."""


class DocumentNotFound(ODMError):
    """The document an operation needs (replace, save_changes, sync, ...) is not stored."""


class DocumentAlreadyCreated(ODMError):
    """An insert was asked for a document that already exists."""


class DocumentWasNotSaved(ODMError):
    """The document has no id, so it cannot be written by id."""


class RevisionIdWasChanged(ODMError):
    """Optimistic concurrency: the stored revision_id is not the one this document loaded."""


class StateManagementIsTurnedOff(ODMError):
    """Kept for Beanie compatibility; data-bridge tracks state for every document."""


class StateNotSaved(ODMError):
    """A state operation (save_changes) on a document that was never loaded or saved."""


class ReplaceError(ODMError):
    """replace_many: some of the documents are not stored."""


class CollectionWasNotInitialized(ODMError):
    """A document class was used before `init(document_models=[...])` bound it to a collection."""


class NotSupported(ODMError):
    """The operation is not supported for this kind of document."""


class NotSupportedByServer(NotSupported):
    """The connected server is known to answer this construct wrongly (nothing instead of an error).

    Raised before anything is sent: a silently empty result would be a wrong answer. The message
    names the construct and the server (``data_bridge.server`` lists the known gaps).

    Example:
        >>> issubclass(NotSupportedByServer, NotSupported)
        True

    """


class InvalidObjectId(InvalidInput, InvalidId):
    """A value that is not an ObjectId was given where one is needed.

    ``PydanticObjectId("xyz")``, ``Document.get("xyz")``: an ObjectId is 24 hex digits or 12
    bytes. It is also a ``bson.errors.InvalidId`` (what Beanie and pymongo raise) and a
    ``ValueError``, so existing ``except`` clauses keep working.

    Example:
        >>> from data_bridge import PydanticObjectId
        >>> try:
        ...     PydanticObjectId("xyz")
        ... except InvalidObjectId as exc:
        ...     print(exc)
        'xyz' is not a valid ObjectId: expected 24 hex digits or 12 bytes

    """


class MigrationException(ODMError):
    """Kept for Beanie compatibility (migrations are not part of this release)."""


class ViewWasNotInitialized(ODMError):
    """Kept for Beanie compatibility (views are not part of this release)."""


class UnionHasNoRegisteredDocs(ODMError):
    """Kept for Beanie compatibility (union documents are not part of this release)."""


class UnionDocNotInited(ODMError):
    """Kept for Beanie compatibility (union documents are not part of this release)."""


class DocWasNotRegisteredInUnionClass(ODMError):
    """Kept for Beanie compatibility (union documents are not part of this release)."""


class ApplyChangesException(ODMError):
    """Kept for Beanie compatibility."""


class Deprecation(ODMError):
    """A model uses a form Beanie dropped (an inner ``Collection`` class, not ``Settings``)."""


class MongoDBVersionError(ODMError):
    """The server is too old for a feature the model asks for (Beanie's name)."""


__all__ += [
    "ApplyChangesException",
    "CollectionWasNotInitialized",
    "Deprecation",
    "DocWasNotRegisteredInUnionClass",
    "DocumentAlreadyCreated",
    "DocumentNotFound",
    "DocumentWasNotSaved",
    "InvalidObjectId",
    "MigrationException",
    "MongoDBVersionError",
    "NotSupported",
    "NotSupportedByServer",
    "ODMError",
    "ReplaceError",
    "RevisionIdWasChanged",
    "StateManagementIsTurnedOff",
    "StateNotSaved",
    "UnionDocNotInited",
    "UnionHasNoRegisteredDocs",
    "ViewWasNotInitialized",
]
