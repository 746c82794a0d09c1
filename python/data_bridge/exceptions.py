"""Beanie's ``beanie.exceptions`` module path: the document-layer errors.

Example:
    >>> from data_bridge.exceptions import DocumentNotFound, RevisionIdWasChanged

"""

from data_bridge.errors import (
    ApplyChangesException,
    CollectionWasNotInitialized,
    Deprecation,
    DocumentAlreadyCreated,
    DocumentNotFound,
    DocumentWasNotSaved,
    DocWasNotRegisteredInUnionClass,
    MigrationException,
    MongoDBVersionError,
    NotSupported,
    ODMError,
    ReplaceError,
    RevisionIdWasChanged,
    StateManagementIsTurnedOff,
    StateNotSaved,
    UnionDocNotInited,
    UnionHasNoRegisteredDocs,
    ViewWasNotInitialized,
)

__all__ = [
    "ApplyChangesException",
    "CollectionWasNotInitialized",
    "Deprecation",
    "DocWasNotRegisteredInUnionClass",
    "DocumentAlreadyCreated",
    "DocumentNotFound",
    "DocumentWasNotSaved",
    "MigrationException",
    "MongoDBVersionError",
    "NotSupported",
    "ODMError",
    "ReplaceError",
    "RevisionIdWasChanged",
    "StateManagementIsTurnedOff",
    "StateNotSaved",
    "UnionDocNotInited",
    "UnionHasNoRegisteredDocs",
    "ViewWasNotInitialized",
]
