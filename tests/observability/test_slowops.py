"""Slow operations: threshold, ring, plans and hints, text/HTML/JSON forms."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import data_bridge
import pytest
from data_bridge.observability import SlowOperationReport, slowops

from .conftest import PEOPLE, run


async def test_nothing_recorded_under_the_threshold(family: SimpleNamespace) -> None:
    data_bridge.enable_query_logging(slow_ms=60_000)
    person = family.Person
    await run(family.flavour, person.find(person.city == "c1").to_list())
    assert len(data_bridge.slow_operations()) == 0


async def test_nothing_recorded_without_a_threshold(family: SimpleNamespace) -> None:
    data_bridge.enable_query_logging()
    person = family.Person
    await run(family.flavour, person.find(person.city == "c1").to_list())
    assert len(data_bridge.slow_operations()) == 0


async def test_operations_over_the_threshold_are_explained(family: SimpleNamespace) -> None:
    # slow_ms=0: every operation counts as slow, so the test does not depend on timing.
    data_bridge.enable_query_logging(slow_ms=0)
    person = family.Person
    await run(family.flavour, person.find(person.city == "c1", person.age > 3).to_list())
    await run(family.flavour, person.find(person.age == 4).to_list())
    scan, indexed = data_bridge.slow_operations()
    assert scan.command == "find"
    assert scan.namespace.endswith(".people")
    assert scan.plan is not None
    assert scan.plan.stage in ("COLLSCAN", "IXSCAN")
    assert scan.suggested_keys == [("city", 1), ("age", 1)]
    if scan.plan.stage == "COLLSCAN":
        assert scan.hint is not None
        assert "an index on `city`, `age`" in scan.hint
    assert indexed.plan is not None
    assert indexed.plan.index_name == "age_1"
    assert indexed.hint is None
    assert indexed.docs == PEOPLE // 40


async def test_unexplained_commands_get_a_shape_hint(family: SimpleNamespace) -> None:
    data_bridge.enable_query_logging(slow_ms=0)
    person = family.Person
    await run(family.flavour, person.find(person.city == "c2").count())
    (op,) = data_bridge.slow_operations()
    assert op.command == "count_documents"
    assert op.plan is None
    assert op.hint == "count_documents not explained: an index on `city` may serve it"


async def test_explain_can_be_turned_off(family: SimpleNamespace) -> None:
    data_bridge.enable_query_logging(slow_ms=0, explain_slow=False)
    person = family.Person
    await run(family.flavour, person.find(person.city == "c1").to_list())
    (op,) = data_bridge.slow_operations()
    assert op.plan is None
    assert op.suggested_keys == [("city", 1)]


def test_ring_is_bounded(mongodb_uri: str, db_name: str, people: str) -> None:
    slowops.set_ring_size(3)
    try:
        data_bridge.enable_query_logging(slow_ms=0, explain_slow=False)
        collection = data_bridge.connect(mongodb_uri)[db_name][people]
        for age in range(5):
            collection.find({"age": age}).to_arrow()
        report = data_bridge.slow_operations(clear=True)
        assert len(report) == 3
        # The oldest two went; the newest three remain, oldest first.
        assert [op.docs for op in report] == [PEOPLE // 40] * 3
        assert len(data_bridge.slow_operations()) == 0
    finally:
        slowops.set_ring_size(slowops.RING_SIZE)
    with pytest.raises(ValueError, match="ring size must be at least 1"):
        slowops.set_ring_size(0)


def test_report_text_html_and_json(
    mongodb_uri: str, db_name: str, people: str, tmp_path: Path
) -> None:
    data_bridge.enable_query_logging(slow_ms=0)
    collection = data_bridge.connect(mongodb_uri)[db_name][people]
    collection.find({"name": {"$gte": "n1"}, "city": "c4"}).to_arrow()
    report = data_bridge.slow_operations()
    text = str(report)
    assert text.splitlines()[0].split() == [
        "at",
        "ms",
        "command",
        "namespace",
        "query",
        "plan",
        "hint",
    ]
    assert "hints:" in text
    assert "COLLSCAN over 200 documents filtering on `city`, `name`" in text
    html = report._repr_html_()
    assert html.startswith('<div class="data-bridge"><strong>1 slow operations</strong>')
    path = report.save(tmp_path / "slow.json")
    saved = json.loads(path.read_text())
    assert saved["version"] == 1
    (entry,) = saved["operations"]
    assert entry["query"] == {"name": {"$gte": "?"}, "city": "?"}  # values never saved
    loaded = SlowOperationReport.load(path)
    assert list(loaded) == list(report)


def test_loading_a_wrong_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a slow-operation file"):
        SlowOperationReport.load(path)
