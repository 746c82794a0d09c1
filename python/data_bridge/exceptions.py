"""Beanie's ``beanie.exceptions`` module path: the document-layer errors.

Example:
    >>> from data_bridge.exceptions import DocumentNotFound, RevisionIdWasChanged

"""

from data_bridge.errors import (
    ApplyChangesException,
    CollectionWasNotInitialized,
    DocumentAlreadyCreated,
    DocumentNotFound,
    DocumentWasNotSaved,
    DocWasNotRegisteredInUnionClass,
    MigrationException,
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
    "DocWasNotRegisteredInUnionClass",
    "DocumentAlreadyCreated",
    "DocumentNotFound",
    "DocumentWasNotSaved",
    "MigrationException",
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
