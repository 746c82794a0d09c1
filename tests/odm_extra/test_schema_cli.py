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
    assert lines[0] == "Car: 2 stored documents read (random sample, $sample)"
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


def _sampled(done: subprocess.CompletedProcess[str]) -> int:
    first = done.stdout.splitlines()[0].split()
    assert first[0] == "Car:", done.stdout + done.stderr
    return int(first[1])


def test_diff_sample_size_and_all(
    models: dict[str, str], pymongo_client: pymongo.MongoClient, db_name: str, mongodb_uri: str
) -> None:
    vehicles = pymongo_client[db_name]["schema_vehicles"]
    vehicles.drop()
    # 20 clean documents, then 10 newer ones whose seats are strings.
    vehicles.insert_many(
        [
            {"_class_id": "Vehicle.Car", "color": "red", "plate": f"P{i}", "seats": 4}
            for i in range(20)
        ]
    )
    vehicles.insert_many(
        [
            {"_class_id": "Vehicle.Car", "color": "red", "plate": f"Q{i}", "seats": "four"}
            for i in range(10)
        ]
    )
    vehicles.create_index("plate")
    args = ["schema", "diff", "schema_models:Car", "--uri", mongodb_uri, "--db", db_name]

    everything = cli(models, *args, "--all")
    assert everything.returncode == 1, everything.stderr
    assert _sampled(everything) == 30
    assert "! seats: stored types the model does not decode: string x10" in everything.stdout
    assert _sampled(cli(models, *args, "--sample", "0")) == 30

    few = cli(models, *args, "--sample", "5")
    assert _sampled(few) == 5
    # A random sample, not the oldest documents: 20 of 30 drawn without any of the 10 newer
    # ones happens once in C(30, 20) = 30,045,015 draws.
    twenty = cli(models, *args, "--sample", "20", "--json")
    report = json.loads(twenty.stdout)
    assert report["sampled"] == 20
    assert 1 <= report["wrong_types"]["seats"]["string"] <= 10

    clash = cli(models, *args, "--sample", "5", "--all")
    assert clash.returncode == 2
    assert "not allowed with argument" in clash.stderr
    negative = cli(models, *args, "--sample", "-1")
    assert negative.returncode == 2
    assert "--sample must be 0 or more, got -1" in negative.stderr


NESTED_MODELS = """
from pydantic import BaseModel

from data_bridge import Document


class Address(BaseModel):
    city: str
    zip: str


class Customer(Document):
    name: str
    address: Address
    tags: list[str] = []

    class Settings:
        name = "schema_customers"
"""


@pytest.mark.parametrize("size", [["--all"], ["--sample", "500"]])
def test_diff_finds_nested_drift_in_the_newest_documents(
    tmp_path: Path,
    pymongo_client: pymongo.MongoClient,
    db_name: str,
    mongodb_uri: str,
    size: list[str],
) -> None:
    (tmp_path / "nested_models.py").write_text(textwrap.dedent(NESTED_MODELS))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    customers = pymongo_client[db_name]["schema_customers"]
    customers.drop()
    # The last 5% store address.zip as an int (and one tag as a number): a later read fails.
    docs = [
        {"name": f"c{i}", "address": {"city": "Oslo", "zip": str(1000 + i)}, "tags": ["a"]}
        for i in range(1900)
    ]
    docs += [
        {"name": f"c{i}", "address": {"city": "Oslo", "zip": i}, "tags": [7]} for i in range(100)
    ]
    customers.insert_many(docs)
    args = ["schema", "diff", "nested_models:Customer", "--uri", mongodb_uri, "--db", db_name]
    done = cli(env, *args, *size)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "address.zip: stored types the model does not decode: int x" in done.stdout
    assert "tags[]: stored types the model does not decode: int x" in done.stdout
    report = json.loads(cli(env, *args, *size, "--json").stdout)
    assert set(report["wrong_types"]) == {"address.zip", "tags[]"}
    if size == ["--all"]:
        assert report["wrong_types"]["address.zip"] == {"int": 100}
