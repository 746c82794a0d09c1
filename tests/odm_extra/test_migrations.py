"""Migrations through the ``data-bridge migrate`` / ``new-migration`` commands (subprocesses)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pymongo
import pytest

RENAME = """
from data_bridge import Document, iterative_migration


class OldNote(Document):
    title: str

    class Settings:
        name = "notes"


class Note(Document):
    name: str

    class Settings:
        name = "notes"


class Forward:
    @iterative_migration()
    async def title_to_name(self, input_document: OldNote, output_document: Note) -> None:
        output_document.name = input_document.title.upper()


class Backward:
    @iterative_migration()
    async def name_to_title(self, input_document: Note, output_document: OldNote) -> None:
        output_document.title = input_document.name.lower()
"""

TAG = """
from data_bridge import Document, free_fall_migration


class Note(Document):
    name: str

    class Settings:
        name = "notes"


class Forward:
    @free_fall_migration(document_models=[Note])
    async def tag(self, session) -> None:
        await Note.find_all().update({"$set": {"tag": "new"}}, session=session)


class Backward:
    @free_fall_migration(document_models=[Note])
    async def untag(self, session) -> None:
        await Note.find_all().update({"$unset": {"tag": ""}})
"""

BROKEN = """
from data_bridge import Document, free_fall_migration


class Note(Document):
    name: str

    class Settings:
        name = "notes"


class Forward:
    @free_fall_migration(document_models=[Note])
    async def half_done(self, session) -> None:
        await Note.find_all().update({"$set": {"name": "CHANGED"}})
        await Note(name="extra").insert()
        raise RuntimeError("migration failed halfway")
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data_bridge.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def notes(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.collection.Collection:
    database = pymongo_client[db_name]
    database["migrations_log"].delete_many({})
    database["notes"].delete_many({})
    database["notes"].insert_many([{"title": "a"}, {"title": "b"}])
    return database["notes"]


def _current(collection: pymongo.collection.Collection) -> list[str]:
    log = collection.database["migrations_log"]
    return [entry["name"] for entry in log.find({"is_current": True})]


def test_new_migration_writes_a_template(tmp_path: Path) -> None:
    done = cli("new-migration", "-n", "add_tag", "-p", str(tmp_path / "m"))
    assert done.returncode == 0, done.stderr
    (created,) = (tmp_path / "m").iterdir()
    assert created.name.endswith("_add_tag.py")
    assert created.name[:14].isdigit()
    assert str(created) in done.stdout
    compile(created.read_text(), str(created), "exec")
    assert "class Forward" in created.read_text()
    assert "class Backward" in created.read_text()


def test_forward_and_backward(
    tmp_path: Path, notes: pymongo.collection.Collection, mongodb_uri: str, db_name: str
) -> None:
    (tmp_path / "20240101000000_rename.py").write_text(textwrap.dedent(RENAME))
    (tmp_path / "20240102000000_tag.py").write_text(textwrap.dedent(TAG))
    base = ["migrate", "-uri", mongodb_uri, "-db", db_name, "-p", str(tmp_path)]

    done = cli(*base, "--forward", "-d", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["forward:", "20240101000000_rename"]
    assert sorted((d.get("name"), d.get("title")) for d in notes.find()) == [
        ("A", None),
        ("B", None),
    ]
    assert _current(notes) == ["20240101000000_rename"]

    done = cli(*base)
    assert done.returncode == 0, done.stderr
    assert {d["tag"] for d in notes.find()} == {"new"}
    assert _current(notes) == ["20240102000000_tag"]
    assert "no migration to run forward" in cli(*base).stdout

    done = cli(*base, "--backward", "-d", "1", "--no-use-transaction")
    assert done.returncode == 0, done.stderr
    assert all("tag" not in d for d in notes.find())
    assert _current(notes) == ["20240101000000_rename"]

    done = cli(*base, "--backward")
    assert done.returncode == 0, done.stderr
    assert sorted(d.get("title") for d in notes.find()) == ["a", "b"]
    assert all("name" not in d for d in notes.find())
    assert _current(notes) == []


def test_a_failing_migration_is_rolled_back(
    tmp_path: Path, notes: pymongo.collection.Collection, mongodb_uri: str, db_name: str
) -> None:
    notes.update_many({}, [{"$set": {"name": "$title"}}])
    (tmp_path / "20240103000000_broken.py").write_text(textwrap.dedent(BROKEN))
    done = cli("migrate", "-uri", mongodb_uri, "-db", db_name, "-p", str(tmp_path))
    assert done.returncode != 0
    assert "migration failed halfway" in done.stderr
    assert sorted(d["name"] for d in notes.find()) == ["a", "b"]
    assert _current(notes) == []
