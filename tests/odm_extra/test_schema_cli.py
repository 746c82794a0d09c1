"""``data-bridge schema show|diff MODEL`` (subprocesses), against the real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pymongo
import pytest

MODELS = """
from pydantic import Field

from data_bridge import BackLink, Document, Indexed, Link


class Door(Document):
    height: int = 2
    car: BackLink["Car"] = Field(default=None, json_schema_extra={"original_field": "door"})

    class Settings:
        name = "schema_doors"


class Vehicle(Document):
    color: str

    class Settings:
        is_root = True
        name = "schema_vehicles"


class Car(Vehicle):
    plate: Indexed(str)
    seats: int = 4
    door: Link[Door] | None = None
"""


@pytest.fixture
def models(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "schema_models.py").write_text(textwrap.dedent(MODELS))
    return {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data_bridge.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_show_lists_fields_keys_links_and_hierarchy(models: dict[str, str]) -> None:
    done = cli(models, "schema", "show", "schema_models:Car")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "Car -> collection 'schema_vehicles'"
    assert any(line.split()[:3] == ["plate", "plate", "string"] for line in out.splitlines())
    assert any(line.split()[:3] == ["id", "_id", "objectId"] for line in out.splitlines())
    assert "class id: _class_id = 'Vehicle.Car'" in out
    assert "link door: Link to Door" in out
    assert "index plate_1: {'plate': 1}" in out
    described = json.loads(cli(models, "schema", "show", "schema_models:Door", "--json").stdout)
    assert described["collection"] == "schema_doors"
    assert described["settings"] == {"link car": "BackLink to Car"}


def test_diff_reports_drift_then_nothing(
    models: dict[str, str], pymongo_client: pymongo.MongoClient, db_name: str, mongodb_uri: str
) -> None:
    vehicles = pymongo_client[db_name]["schema_vehicles"]
    vehicles.drop()
    vehicles.insert_many(
        [
            {"_class_id": "Vehicle.Car", "color": "red", "plate": "A1", "seats": "four"},
            {"_class_id": "Vehicle.Car", "color": "red", "wheels": 4},
            {"_class_id": "Vehicle", "color": "blue", "other": 1},  # not a Car: not sampled
        ]
    )
    vehicles.create_index("color")
    args = ["schema", "diff", "schema_models:Car", "--uri", mongodb_uri, "--db", db_name]
    done = cli(models, *args)
    assert done.returncode == 1, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert lines[0] == "Car: 2 stored documents sampled"
    assert "+ wheels: stored in 1 documents, not in the model" in lines
    assert "- plate: required by the model, missing in 1 documents" in lines
    assert "! seats: stored types the model does not decode: string x1" in lines
    assert "- index plate_1: declared, not built" in lines
    assert "+ index color_1: built, not declared" in lines
    assert not any("other" in line for line in lines)

    vehicles.delete_many({"_class_id": "Vehicle.Car"})
    vehicles.insert_one({"_class_id": "Vehicle.Car", "color": "red", "plate": "A1", "seats": 2})
    vehicles.drop_index("color_1")
    vehicles.create_index("plate")
    done = cli(models, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].strip() == "no differences"
