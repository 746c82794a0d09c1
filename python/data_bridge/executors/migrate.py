"""Run migrations from code, as Beanie's ``beanie.executors.migrate`` does.

``MigrationSettings`` gathers the options the way Beanie's ``beanie migrate`` reads them: keyword
arguments first, then ``BEANIE_*`` environment variables, then ``[tool.beanie.migrations]`` in
``./pyproject.toml``. ``run_migrate`` runs them (``data-bridge migrate`` is the command line).

Example:
    >>> settings = MigrationSettings(
    ...     connection_uri="mongodb://localhost:27017", database_name="app", path="migrations",
    ...     distance=1)
    >>> settings.direction, settings.distance
    (<RunningDirections.FORWARD: 'FORWARD'>, 1)
    >>> await run_migrate(settings)  # doctest: +SKIP

"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):  # the standard library has tomllib from 3.11 only
    import tomllib

from data_bridge.migrations.models import RunningDirections
from data_bridge.migrations.runner import run_migrations

# Environment variables Beanie reads for the two connection options; other options are read
# from BEANIE_<OPTION>.
_ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "connection_uri": (
        "BEANIE_URI",
        "BEANIE_CONNECTION_URI",
        "BEANIE_CONNECTION_STRING",
        "BEANIE_MONGODB_DSN",
        "BEANIE_MONGODB_URI",
    ),
    "database_name": ("BEANIE_DB", "BEANIE_DB_NAME", "BEANIE_DATABASE_NAME"),
}


def _from_environment(option: str) -> str | None:
    for name in _ENVIRONMENT.get(option, (f"BEANIE_{option.upper()}",)):
        value = os.environ.get(name)
        if value:
            return value
    return None


def _from_pyproject(option: str) -> Any:
    if sys.version_info >= (3, 11):  # on 3.10: pass the options, or use the environment
        path = Path("pyproject.toml")
        if path.is_file():
            with path.open("rb") as file:
                table = tomllib.load(file)
            return table.get("tool", {}).get("beanie", {}).get("migrations", {}).get(option)
    return None


class MigrationSettings:
    """Where the migrations are, where they run, and which way (Beanie's ``MigrationSettings``).

    Attributes are plain and may be changed between runs (``settings.direction = BACKWARD``).
    """

    def __init__(self, **options: Any) -> None:
        """Read each option from ``options``, else the environment, else ``pyproject.toml``."""

        def option(name: str) -> Any:
            return options.get(name) or _from_environment(name) or _from_pyproject(name)

        self.direction: RunningDirections | str = option("direction") or RunningDirections.FORWARD
        self.distance = int(option("distance") or 0)
        self.connection_uri = str(option("connection_uri"))
        self.database_name = str(option("database_name"))
        self.path = Path(option("path") or ".")
        self.allow_index_dropping = bool(option("allow_index_dropping") or False)
        self.use_transaction = bool(options.get("use_transaction"))


async def run_migrate(settings: MigrationSettings) -> list[str]:
    """Run the migrations ``settings`` describe; return the names applied, in order."""
    direction = RunningDirections(settings.direction)
    return await run_migrations(
        settings.connection_uri,
        settings.database_name,
        settings.path,
        forward=direction is RunningDirections.FORWARD,
        distance=settings.distance,
        use_transaction=settings.use_transaction,
        allow_index_dropping=settings.allow_index_dropping,
    )
