"""ESR index suggestions and query shapes (pure functions: no server needed)."""

from __future__ import annotations

import pytest
from data_bridge.observability.explain import PlanSummary
from data_bridge.observability.hints import plan_hint, suggest_index
from data_bridge.observability.shape import filter_fields, redact, redact_pipeline


@pytest.mark.parametrize(
    ("query", "sort", "keys"),
    [
        ({"age": 3}, None, [("age", 1)]),
        ({"age": {"$eq": 3}}, None, [("age", 1)]),
        ({"age": {"$gt": 3}}, None, [("age", 1)]),
        # Equality, then sort, then range, whatever order they were written in.
        (
            {"total": {"$gt": 5}, "status": "paid"},
            [("created", -1)],
            [("status", 1), ("created", -1), ("total", 1)],
        ),
        ({"$and": [{"a": {"$lt": 1}}, {"b": 2}]}, {"c": 1}, [("b", 1), ("c", 1), ("a", 1)]),
        # A one-value $in is an equality; a longer one a range.
        ({"a": {"$in": [1]}, "b": {"$in": [1, 2]}}, None, [("a", 1), ("b", 1)]),
        # A sort on an equality field adds nothing.
        ({"a": 1}, [("a", -1), ("b", 1)], [("a", 1), ("b", 1)]),
        ({}, [("name", -1)], [("name", -1)]),
    ],
)
def test_esr_order(query: dict, sort: object, keys: list) -> None:
    suggestion = suggest_index(query, sort)
    assert suggestion is not None
    assert suggestion.keys == keys


def test_esr_parts_are_named() -> None:
    suggestion = suggest_index({"t": {"$gt": 1}, "s": "x"}, [("c", -1)])
    assert suggestion is not None
    assert (suggestion.equality, suggestion.sort, suggestion.range) == (["s"], ["c"], ["t"])
    assert suggestion.name == "s_1_c_-1_t_1"
    assert suggestion.index_model_line() == (
        'IndexModel([("s", ASCENDING), ("c", DESCENDING), ("t", ASCENDING)])'
    )
    assert suggestion.settings_line() == '[("s", 1), ("c", -1), ("t", 1)]'


@pytest.mark.parametrize("query", [{}, {"_id": 3}, {"$or": [{"a": 1}, {"b": 2}]}])
def test_no_suggestion(query: dict) -> None:
    assert suggest_index(query, None) is None


def test_existing_index_prefix_serves() -> None:
    suggestion = suggest_index({"a": 1, "b": {"$gt": 2}}, None)
    assert suggestion is not None
    assert suggestion.served_by([("a", 1), ("b", 1), ("c", 1)])
    assert not suggestion.served_by([("b", 1), ("a", 1)])
    assert not suggestion.served_by([("a", 1)])


def test_plan_hints() -> None:
    scan = PlanSummary(stage="COLLSCAN", stages=["SORT", "COLLSCAN"], docs_examined=100_000)
    assert plan_hint(scan, {"age": {"$gt": 1}}, None) == (
        "COLLSCAN over 100000 documents filtering on `age`: an index on `age` would serve it"
    )
    assert plan_hint(scan, {"age": 1}, None, existing=[[("age", 1)]]) is None
    in_memory_sort = PlanSummary(stage="IXSCAN", stages=["SORT", "FETCH", "IXSCAN"])
    assert plan_hint(in_memory_sort, {"a": 1}, {"b": 1}) == (
        "in-memory SORT on `b`: an index on `a`, `b` would return the documents already sorted"
    )
    fine = PlanSummary(stage="IXSCAN", stages=["FETCH", "IXSCAN"], index_name="a_1")
    assert plan_hint(fine, {"a": 1}, None) is None


def test_redaction_keeps_structure_only() -> None:
    query = {
        "email": "ada@example.com",
        "age": {"$gte": 18, "$lt": 65},
        "$or": [{"city": "Paris"}, {"tags": {"$elemMatch": {"k": "v"}}}],
        "address": {"city": "x"},
    }
    assert redact(query) == {
        "email": "?",
        "age": {"$gte": "?", "$lt": "?"},
        "$or": [{"city": "?"}, {"tags": {"$elemMatch": {"k": "?"}}}],
        "address": "?",
    }
    pipeline = [
        {"$match": {"a": 1}},
        {"$addFields": {"secret": "s3cret"}},
        {"$group": {"_id": "$a", "n": {"$sum": 1}}},
    ]
    assert redact_pipeline(pipeline) == [
        {"$match": {"a": "?"}},
        {"$addFields": "?"},
        {"$group": {"_id": "$a", "n": {"$sum": 1}}},
    ]
    assert filter_fields({"$and": [{"a": 1}, {"b": 2}], "a": {"$gt": 0}}) == ["a", "b"]
