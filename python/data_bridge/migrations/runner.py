"""Finding migration files, running them in order, and the ``migrations_log`` collection."""

from __future__ import annotations

import datetime
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data_bridge.migrations.decorators import FreeFallMigration, IterativeMigration
from data_bridge.migrations.models import MigrationLog, now
from data_bridge.odm.init import _client, init
from data_bridge.odm.transactions import transaction


@dataclass
class MigrationNode:
    """One migration file: its name (the file stem) and its Forward / Backward classes."""

    name: str
    forward: Any
    backward: Any

    async def apply(
        self,
        forward: bool,
        database: Any,
        use_transaction: bool,
        allow_index_dropping: bool = False,
        uri: str | None = None,
    ) -> None:
        """Run the Forward (or Backward) steps, in one transaction when asked."""
        holder = self.forward if forward else self.backward
        steps = _steps(holder)
        for step in steps:
            await step.prepare(database, allow_index_dropping, uri)
        if use_transaction:
            async with transaction(database) as session:
                for step in steps:
                    await step.run(holder(), session)
        else:
            for step in steps:
                await step.run(holder(), None)


def _steps(holder: Any) -> list[IterativeMigration | FreeFallMigration]:
    if holder is None:
        return []
    return [
        value
        for value in vars(holder).values()
        if isinstance(value, (IterativeMigration, FreeFallMigration))
    ]


_FILE = re.compile(r"^[A-Za-z0-9_]+\.py$")


def load_nodes(path: str | Path) -> list[MigrationNode]:
    """Return the migration files of ``path`` in name order (``__init__.py`` etc. skipped)."""
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"migrations path {str(folder)!r} is not a directory")
    nodes = []
    for file in sorted(folder.iterdir()):
        if not _FILE.match(file.name) or file.name.startswith("_"):
            continue
        module_name = f"data_bridge_migration_{file.stem}"
        spec = importlib.util.spec_from_file_location(module_name, file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load migration {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        nodes.append(
            MigrationNode(
                file.stem, getattr(module, "Forward", None), getattr(module, "Backward", None)
            )
        )
    return nodes


async def run_migrations(
    uri: str,
    database: str,
    path: str | Path,
    forward: bool = True,
    distance: int = 0,
    use_transaction: bool = True,
    allow_index_dropping: bool = False,
) -> list[str]:
    """Apply migrations after the current one (forward) or undo from it (backward).

    ``distance`` limits how many are run (0: all); ``allow_index_dropping`` lets the models a
    migration binds drop indexes they no longer declare. Returns the names applied, in order.

    Example:
        >>> await run_migrations(URI, "app", "migrations", distance=1)  # doctest: +SKIP
        ['20240101120000_rename_field']

    """
    # The client init() caches for this URI: closing a client from inside the event loop right
    # before the process exits can abort the interpreter (engine issue reported to the lead).
    db = _client(uri).database(database)
    # connection_string= too: the models know their server (get_pymongo_collection works).
    await init(database=db, connection_string=uri, document_models=[MigrationLog])
    nodes = load_nodes(path)
    names = [node.name for node in nodes]
    current = await MigrationLog.find_one({"is_current": True})
    position = names.index(current.name) + 1 if current and current.name in names else 0
    todo = nodes[position:] if forward else list(reversed(nodes[:position]))
    if distance:
        todo = todo[:distance]
    applied = []
    for node in todo:
        await node.apply(forward, db, use_transaction, allow_index_dropping, uri)
        await init(database=db, connection_string=uri, document_models=[MigrationLog])
        await MigrationLog.find_all().update({"$set": {"is_current": False}})
        index = names.index(node.name)
        now_current = node.name if forward else (names[index - 1] if index else None)
        if now_current is not None:
            await MigrationLog.find_one({"name": now_current}).upsert(
                {"$set": {"is_current": True, "ts": now()}},
                on_insert=MigrationLog(ts=now(), name=now_current, is_current=True),
            )
        applied.append(node.name)
    return applied


_TEMPLATE = '''"""Migration {name}."""

from data_bridge import free_fall_migration, iterative_migration  # noqa: F401


class Forward:
    """Steps applied by `data-bridge migrate --forward`."""


class Backward:
    """Steps applied by `data-bridge migrate --backward`."""
'''


def new_migration(name: str, path: str | Path) -> Path:
    """Create ``<path>/<UTC timestamp>_<name>.py`` from a template; return its path.

    Example:
        >>> new_migration("rename_field", "migrations")  # doctest: +SKIP
        PosixPath('migrations/20240101120000_rename_field.py')

    """
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"migration name {name!r} must be letters, digits and underscores")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
    file = folder / f"{stamp}_{name}.py"
    file.write_text(_TEMPLATE.format(name=f"{stamp}_{name}"))
    return file
