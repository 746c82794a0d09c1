"""Migrations: Beanie-style migration files run forward or backward, logged in MongoDB.

A migration file (``20240101120000_rename_field.py``) holds ``class Forward`` and
``class Backward``, whose methods are decorated with :func:`iterative_migration` (called once per
document, old model in, new model out) or :func:`free_fall_migration` (free code). The
``migrations_log`` collection remembers which migration is current.

Example:
    >>> from data_bridge import Document, iterative_migration
    >>> class OldNote(Document):
    ...     title: str
    ...     class Settings:
    ...         name = "notes"
    >>> class Note(Document):
    ...     name: str
    ...     class Settings:
    ...         name = "notes"
    >>> class Forward:
    ...     @iterative_migration()
    ...     async def title_to_name(self, input_document: OldNote, output_document: Note):
    ...         output_document.name = input_document.title
    >>> await run_migrations(uri, "app", "migrations/")  # doctest: +SKIP

"""

from data_bridge.migrations.decorators import (
    FreeFallMigration,
    IterativeMigration,
    free_fall_migration,
    iterative_migration,
)
from data_bridge.migrations.models import MigrationLog, RunningDirections
from data_bridge.migrations.runner import new_migration, run_migrations

__all__ = [
    "FreeFallMigration",
    "IterativeMigration",
    "MigrationLog",
    "RunningDirections",
    "free_fall_migration",
    "iterative_migration",
    "new_migration",
    "run_migrations",
]
