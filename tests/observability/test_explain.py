"""``explain()`` on ODM finds/aggregations and analytics queries, against the real server."""

from __future__ import annotations

from types import SimpleNamespace

import data_bridge
import pytest
from data_bridge.observability import ExplainResult, PlanSummary

from .conftest import PEOPLE, run


async def test_indexed_filter_uses_the_index(family: SimpleNamespace) -> None:
    person = family.Person
    result = await run(family.flavour, person.find(person.age == 7).explain())
    assert isinstance(result, ExplainResult)
    summary = result.summary
    assert summary.stage == "IXSCAN"
    assert summary.index_name == "age_1"
    assert summary.index_keys == {"age": 1}
    assert summary.returned == PEOPLE // 40
    assert summary.keys_examined is not None
    assert summary.keys_examined >= summary.returned
    assert not summary.is_collscan
    assert result.hint is None


async def test_unindexed_filter_scans_and_gets_a_hint(family: SimpleNamespace) -> None:
    person = family.Person
    result = await run(family.flavour, person.find(person.city == "c1").explain())
    summary = result.summary
    assert summary.is_collscan
    assert summary.stage == "COLLSCAN"
    assert summary.docs_examined == PEOPLE
    assert summary.returned == PEOPLE // 5
    assert summary.index_name is None
    assert result.hint is not None
    assert "COLLSCAN over 200 documents filtering on `city`" in result.hint
    assert "an index on `city` would serve it" in result.hint


async def test_sort_keys_reach_the_server(family: SimpleNamespace) -> None:
    person = family.Person
    query = person.find(person.city == "c2").sort(-person.name).limit(3)
    result = await run(family.flavour, query.explain())
    assert result.command["explain"]["sort"] == {"name": -1}
    assert result.command["explain"]["limit"] == 3
    # Equality first, then the sort key (ESR).
    assert result.hint is not None
    assert "`city`, `name`" in result.hint


async def test_find_one_explain(family: SimpleNamespace) -> None:
    person = family.Person
    result = await run(family.flavour, person.find_one(person.name == "n005").explain())
    assert result.command["explain"]["filter"] == {"name": "n005"}
    assert result.command["explain"]["limit"] == 1
    assert result.summary.is_collscan
    assert result.summary.returned == 1
    assert result.hint is not None
    assert "an index on `name` would serve it" in result.hint


async def test_aggregation_explain(family: SimpleNamespace) -> None:
    person = family.Person
    pipeline = [{"$group": {"_id": "$city", "n": {"$sum": 1}}}]
    query = person.find(person.age == 3).aggregate(pipeline)
    result = await run(family.flavour, query.explain())
    assert "aggregate" in result.command["explain"]
    assert result.summary.stage == "IXSCAN"
    assert result.summary.index_name == "age_1"


async def test_query_planner_verbosity_does_not_execute(family: SimpleNamespace) -> None:
    person = family.Person
    result = await run(family.flavour, person.find(person.age == 1).explain("queryPlanner"))
    assert result.summary.stage == "IXSCAN"
    assert result.summary.docs_examined is None
    assert result.summary.execution_ms is None


def test_unknown_verbosity_is_rejected(mongodb_uri: str, db_name: str, people: str) -> None:
    query = data_bridge.connect(mongodb_uri)[db_name][people].find({"age": 1})
    with pytest.raises(ValueError, match="verbosity must be one of"):
        query.explain("everything")


def test_analytics_query_explain_and_reprs(mongodb_uri: str, db_name: str, people: str) -> None:
    query = data_bridge.connect(mongodb_uri)[db_name][people].find({"name": "n001"})
    result = query.explain()
    assert result.summary.stage == "COLLSCAN"
    assert result.summary.returned == 1
    text = str(result)
    assert text.startswith(f"find on {db_name}.people: COLLSCAN")
    assert "hint: COLLSCAN over 200 documents filtering on `name`" in text
    assert repr(result).startswith("ExplainResult(find on")
    html = result._repr_html_()
    assert "<table>" in html
    assert "COLLSCAN" in html
    assert "docs_examined" in html


async def test_async_analytics_query_explain(mongodb_uri: str, db_name: str, people: str) -> None:
    query = data_bridge.connect_async(mongodb_uri)[db_name][people].aggregate(
        [{"$match": {"age": {"$gte": 38}}}, {"$sort": {"name": 1}}]
    )
    result = await query.explain()
    assert result.summary.index_name == "age_1"
    assert result.summary.returned == 10


def test_summary_of_a_nested_mongod_plan() -> None:
    # mongod's slot-based engine nests the classic tree under queryPlan.
    raw = {
        "queryPlanner": {
            "winningPlan": {
                "queryPlan": {
                    "stage": "SORT",
                    "inputStage": {"stage": "COLLSCAN"},
                },
                "slotBasedPlan": {},
            }
        },
        "executionStats": {"nReturned": 5, "totalDocsExamined": 50, "totalKeysExamined": 0},
    }
    from data_bridge.observability.explain import summarize

    summary = summarize(raw)
    assert summary == PlanSummary(
        stage="COLLSCAN",
        stages=["SORT", "COLLSCAN"],
        docs_examined=50,
        keys_examined=0,
        returned=5,
    )
