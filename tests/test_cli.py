"""The ``data-bridge`` command line, in-process and as a subprocess, against the real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import data_bridge
import pymongo
import pytest
from data_bridge.cli import command, main

from tests.test_errors import assert_plain_refusal, closed_port

MODEL_SOURCE = """
from data_bridge import Document, Indexed


class Person(Document):
    name: str
    age: int = 0
    city: Indexed(str) = ""

    class Settings:
        name = "people"
"""


@pytest.fixture(scope="module")
def people(pymongo_client: pymongo.MongoClient, db_name: str) -> str:
    collection = pymongo_client[db_name]["people"]
    collection.insert_many([{"name": f"n{i}", "age": i % 10, "city": "c"} for i in range(50)])
    collection.create_index([("age", 1)], name="age_1")
    return "people"


@pytest.fixture
def model_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding ``cli_models.py`` (model ``Person``), importable in any process."""
    (tmp_path / "cli_models.py").write_text(MODEL_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _cli(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DATA_BRIDGE_QUERY_LOG", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "data_bridge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_health(mongodb_uri: str) -> None:
    done = _cli("health", "--uri", mongodb_uri)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {mongodb_uri} (server ")
    assert "ping " in done.stdout


def test_health_of_a_server_that_is_down_says_what_to_try() -> None:
    address = f"127.0.0.1:{closed_port()}"
    done = _cli("health", "--uri", f"mongodb://{address}/?serverSelectionTimeoutMS=300")
    print(f"\n  {done.stderr}")
    assert done.returncode == 1
    assert done.stdout == ""
    prefix = "data-bridge: error: "
    assert done.stderr.startswith(prefix), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert_plain_refusal(done.stderr.removeprefix(prefix).strip(), address)


def test_index_list(mongodb_uri: str, db_name: str, people: str) -> None:
    done = _cli("index", "list", "--uri", mongodb_uri, "--db", db_name, people)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == ["_id_", "age_1"]
    assert 'age_1  {"age": 1}' in done.stdout


def test_index_list_needs_a_database(mongodb_uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "list", "--uri", mongodb_uri.rstrip("/"), "people"]) == 1
    assert "no database: pass --db" in capsys.readouterr().err


def test_suggest_from_queries(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "index",
            "suggest",
            "cli_models:Person",
            "--query",
            '{"age": {"$gt": 3}, "name": "x"}',
            "--sort",
            '{"score": -1}',
            "--query",
            '{"name": "y"}',
            "--query",
            '{"city": "c"}',
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "3 queries analysed" in out
    # ESR: equality (name), sort (score), range (age); the name-only query is a prefix of it
    # and the city one is served by the model's Indexed field.
    expected = 'IndexModel([("name", ASCENDING), ("score", DESCENDING), ("age", ASCENDING)])'
    assert out.count(expected) == 2  # the suggestion and its Settings.indexes line
    assert "for 2 queries" in out
    assert "city" not in out.split("analysed", 1)[1]


def test_suggest_skips_indexes_on_the_server(
    model_path: Path, mongodb_uri: str, db_name: str, people: str
) -> None:
    done = _cli(
        "index",
        "suggest",
        "cli_models:Person",
        "--uri",
        mongodb_uri,
        "--db",
        db_name,
        "--query",
        '{"age": {"$gt": 3}}',
        pythonpath=model_path,
    )
    assert done.returncode == 0, done.stderr
    assert "every query is served by an existing or declared index" in done.stdout


def test_suggest_from_recorded_slow_operations(
    model_path: Path, mongodb_uri: str, db_name: str, people: str, tmp_path: Path
) -> None:
    data_bridge.enable_query_logging(slow_ms=0, handler=False)
    data_bridge.slow_operations(clear=True)  # what earlier tests left in the ring is not ours
    try:
        collection = data_bridge.connect(mongodb_uri)[db_name][people]
        collection.find({"name": "n1"}, sort=[("age", -1)]).to_arrow()
        collection.aggregate([{"$match": {"age": 2}}, {"$count": "n"}]).to_arrow()
        report = data_bridge.slow_operations(clear=True)
    finally:
        data_bridge.disable_query_logging()
    assert len(report) == 2
    path = report.save(tmp_path / "slow.json")
    done = _cli(
        "index",
        "suggest",
        "cli_models:Person",
        "--from",
        str(path),
        "--uri",
        mongodb_uri,
        "--db",
        db_name,
        pythonpath=model_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2 queries analysed" in done.stdout
    # The aggregation's $match on age is served by age_1; the find needs name then age.
    assert 'IndexModel([("name", ASCENDING), ("age", DESCENDING)])' in done.stdout
    assert "slow.json: find" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["index", "suggest", "no_colon"], "MODEL must look like package.module:ClassName"),
        (["index", "suggest", "cli_models:Nope", "--query", "{}"], "has no attribute 'Nope'"),
        (["index", "suggest", "cli_models:Person"], "nothing to analyse"),
        (
            ["index", "suggest", "cli_models:Person", "--query", "{age: 1}"],
            "--query is not valid JSON",
        ),
        (
            ["index", "suggest", "cli_models:Person", "--query", "[1]"],
            "--query must be a JSON object",
        ),
        (
            ["index", "suggest", "data_bridge:connect", "--query", "{}"],
            "is not a data_bridge Document",
        ),
    ],
)
def test_suggest_errors_name_the_problem(
    model_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 1
    assert message in capsys.readouterr().err


def test_no_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: data-bridge" in capsys.readouterr().err
    assert main(["index"]) == 2


def test_commands_can_be_registered(capsys: pytest.CaptureFixture[str]) -> None:
    @command("tests-echo", help="echo for the tests")
    def _configure(parser):  # type: ignore[no-untyped-def]
        parser.add_argument("word")
        parser.set_defaults(func=lambda args: print(args.word) or 0)

    assert main(["tests-echo", "hi"]) == 0
    assert capsys.readouterr().out == "hi\n"


def test_suggest_without_a_database_skips_the_server_check(
    model_path: Path, mongodb_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A URI without a database (as MONGODB_URI usually is) must not stop the suggestion.
    status = main(
        ["index", "suggest", "cli_models:Person", "--uri", mongodb_uri, "--query", '{"name": "y"}']
    )
    captured = capsys.readouterr()
    assert status == 0
    assert "server indexes not checked" in captured.err
    assert "name" in captured.out
