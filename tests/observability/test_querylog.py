"""Query logging: off by default, one call turns it on, values redacted unless asked for."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import data_bridge
import pytest
from data_bridge.errors import DuplicateKeyError
from data_bridge.observability import querylog

from .conftest import PEOPLE, run


def _ops(caplog: pytest.LogCaptureFixture, logger: str = "data_bridge.odm") -> list[dict]:
    return [r.data_bridge for r in caplog.records if r.name == logger]


def _assert_read_split(op: dict) -> None:
    """The engine's split of a read: present, non-negative, within the engine call's time."""
    for key in ("server_ms", "decode_ms", "engine_ms"):
        assert isinstance(op[key], float)
        assert op[key] >= 0
    for key in ("batches", "bson_bytes"):
        assert isinstance(op[key], int)
    assert op["batches"] >= 1
    assert op["bson_bytes"] > 0
    assert op["server_ms"] + op["decode_ms"] <= op["engine_ms"]


def _field(line: str, name: str) -> str:
    (value,) = [part.split("=", 1)[1] for part in line.split() if part.startswith(f"{name}=")]
    return value


async def test_off_by_default_logs_nothing(
    family: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="data_bridge")
    person = family.Person
    docs = await run(family.flavour, person.find(person.age > 30).to_list())
    assert len(docs) == PEOPLE * 9 // 40
    assert not querylog.enabled
    assert [r for r in caplog.records if r.name.startswith("data_bridge.")] == []


async def test_find_is_logged_with_redacted_shape_and_timings(
    family: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="data_bridge")
    data_bridge.enable_query_logging()
    person = family.Person
    docs = await run(
        family.flavour, person.find(person.age > 30, person.city == "c1").sort("name").to_list()
    )
    (op,) = _ops(caplog)
    assert op["command"] == "find"
    assert op["namespace"].endswith(".people")
    assert op["query"] == {"$and": [{"age": {"$gt": "?"}}, {"city": "?"}]}
    assert op["sort"] == {"name": 1}
    assert op["docs"] == len(docs) > 0
    _assert_read_split(op)
    assert op["error"] is None
    assert op["python_ms"] >= 0
    assert op["total_ms"] == pytest.approx(op["engine_ms"] + op["python_ms"], abs=1e-6)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "data_bridge.odm"]
    assert line.startswith("find ")
    assert '{"$and": [{"age": {"$gt": "?"}}, {"city": "?"}]}' in line
    assert "30" not in line.split("total=")[0]
    assert "c1" not in line
    assert f"docs={len(docs)}" in line
    assert _field(line, "bytes") == str(op["bson_bytes"])
    for name in ("server", "decode", "python", "total"):
        assert float(_field(line, name).removesuffix("ms")) >= 0
    assert "engine=" not in line  # replaced by the engine's own split


async def test_show_values(family: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="data_bridge")
    data_bridge.enable_query_logging(show_values=True)
    person = family.Person
    await run(family.flavour, person.find(person.city == "c3").count())
    (op,) = _ops(caplog)
    assert op["command"] == "count_documents"
    assert op["query"] == {"city": "c3"}


async def test_writes_and_failures_are_logged(
    family: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    person = family.Person
    new = person(name="tmp", age=99, city="zz")
    await run(family.flavour, new.insert())
    caplog.set_level(logging.INFO, logger="data_bridge")
    data_bridge.enable_query_logging()
    try:
        with pytest.raises(DuplicateKeyError):
            await run(family.flavour, person(id=new.id, name="dup").insert())
        result = await run(family.flavour, person.find(person.age == 99).delete())
        if family.flavour == "sync":
            result = result.run()
    finally:
        data_bridge.disable_query_logging()
    insert_op, delete_op = _ops(caplog)
    assert insert_op["command"] == "insert_one"
    assert insert_op["error"] == "DuplicateKeyError"
    assert delete_op["command"] == "delete_many"
    assert delete_op["query"] == {"age": "?"}
    assert delete_op["docs"] == result.deleted_count == 1
    # Writes have no read split: the engine call's time is reported as a whole.
    for logged in (insert_op, delete_op):
        assert logged["engine_ms"] >= 0
        assert logged["server_ms"] is logged["decode_ms"] is logged["bson_bytes"] is None
    lines = [r.getMessage() for r in caplog.records if r.name == "data_bridge.odm"]
    assert all("engine=" in line and "server=" not in line for line in lines)


def test_analytics_reads_go_to_their_logger(
    mongodb_uri: str, db_name: str, people: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="data_bridge")
    data_bridge.enable_query_logging(level="DEBUG")
    table = data_bridge.connect(mongodb_uri)[db_name][people].find({"age": {"$lt": 2}}).to_arrow()
    (op,) = _ops(caplog, "data_bridge.analytics")
    assert op["command"] == "find"
    assert op["query"] == {"age": {"$lt": "?"}}
    assert op["docs"] == table.num_rows == PEOPLE // 20
    _assert_read_split(op)
    assert op["python_ms"] is None  # the table leaves the library undecoded


async def test_async_analytics_aggregate_is_logged(
    mongodb_uri: str, db_name: str, people: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="data_bridge")
    data_bridge.enable_query_logging()
    pipeline = [{"$match": {"city": "c0"}}, {"$group": {"_id": "$age", "n": {"$sum": 1}}}]
    await data_bridge.connect_async(mongodb_uri)[db_name][people].aggregate(pipeline).to_arrow()
    (op,) = _ops(caplog, "data_bridge.analytics")
    assert op["pipeline"] == [
        {"$match": {"city": "?"}},
        {"$group": {"_id": "$age", "n": {"$sum": 1}}},
    ]


def test_disable_restores_the_fast_path() -> None:
    data_bridge.enable_query_logging()
    assert querylog.enabled
    data_bridge.disable_query_logging()
    assert not querylog.enabled


def test_bad_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown logging level 'LOUD'"):
        data_bridge.enable_query_logging("LOUD")
    assert not querylog.enabled


def test_environment_variable_turns_logging_on(mongodb_uri: str, db_name: str, people: str) -> None:
    script = (
        "import data_bridge\n"
        "from data_bridge.observability import querylog\n"
        "assert querylog.enabled and querylog.settings.slow_ms == 5.0\n"
        f"data_bridge.connect({mongodb_uri!r})[{db_name!r}][{people!r}]"
        ".find({'age': 3}).to_arrow()\n"
    )
    env = {**os.environ, "DATA_BRIDGE_QUERY_LOG": "1", "DATA_BRIDGE_SLOW_MS": "5"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "INFO data_bridge.analytics: find " in done.stderr
    assert '{"age": "?"}' in done.stderr


def test_environment_variable_off_values() -> None:
    for value in ("", "0", "false", "off"):
        assert querylog.enable_from_environment({"DATA_BRIDGE_QUERY_LOG": value}) is False
    assert not querylog.enabled


def test_disable_restores_the_logger_level() -> None:
    logger = logging.getLogger("data_bridge")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        data_bridge.enable_query_logging(level="DEBUG", handler=False)
        assert logger.level == logging.DEBUG
        data_bridge.disable_query_logging()
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before)


def test_handler_is_attached_only_when_asked() -> None:
    logger = logging.getLogger("data_bridge")
    handlers = list(logger.handlers)
    data_bridge.enable_query_logging(handler=True)
    assert len(logger.handlers) == len(handlers) + 1
    data_bridge.disable_query_logging()
    assert logger.handlers == handlers


def test_environment_slow_ms_must_be_a_number() -> None:
    with pytest.raises(ValueError, match="DATA_BRIDGE_SLOW_MS must be a number of milliseconds"):
        querylog.enable_from_environment(
            {"DATA_BRIDGE_QUERY_LOG": "1", "DATA_BRIDGE_SLOW_MS": "fast"}
        )
    assert not querylog.enabled
