"""``data_bridge.describe``: a random sample over the whole collection, nested drift, aliases."""

from __future__ import annotations

from typing import Any

import data_bridge
import pymongo
import pytest

N = 4000
DRIFTED = 200  # the newest 5% store address.zip as an int


@pytest.fixture(scope="module")
def customers(raw_db: pymongo.database.Database) -> str:
    docs = [
        {"name": f"c{i}", "tags": ["a"], "address": {"city": "Oslo", "zip": str(1000 + i)}}
        for i in range(N - DRIFTED)
    ]
    docs += [
        {"name": f"c{i}", "tags": ["a"], "address": {"city": "Oslo", "zip": i}}
        for i in range(DRIFTED)
    ]
    raw_db.customers.drop()
    raw_db.customers.insert_many(docs)
    return "customers"


def test_sample_spans_the_collection_and_finds_nested_drift(
    sync_client: Any, db_name: str, customers: str
) -> None:
    # The first 1,000 in natural order are all clean: only a sample over the whole collection
    # can see the drift at the end.
    report = data_bridge.describe(sync_client[db_name][customers], sample_size=1000)
    assert (report.sampled, report.total, report.method) == (1000, N, "$sample")
    assert report.header.startswith(f"{db_name}.customers: 1000 of {N} documents read (random")
    assert [c["path"] for c in report.conflicts] == ["address.zip"]
    types = report.conflicts[0]["types"]
    assert set(types) == {"string", "int"}
    assert sum(types.values()) == 1000
    assert types["int"] > 10  # 5% of 1,000 drawn at random: about 50


def test_aliases_and_nested_paths(sync_client: Any, db_name: str, customers: str) -> None:
    report = data_bridge.describe(sync_client[db_name][customers])  # 10,000 > N: reads all
    assert (report.sampled, report.method) == (N, "all")
    kinds = {f.name: f.type for f in report.fields}
    assert kinds == {
        "_id": "objectId",
        "name": "string",
        "tags": "[string]",
        "address": "object",
        "address.city": "string",
        "address.zip": "mixed",
    }
    assert report.conflicts == [
        {"path": "address.zip", "types": {"string": N - DRIFTED, "int": DRIFTED}}
    ]
    text = str(report)
    assert text.splitlines()[0] == f"{db_name}.customers: {N} of {N} documents read (all of them)"
    assert "FixedSizeBinary" not in text
    assert "Utf8" not in text
    assert "address.zip" in text
    assert "conflict at address.zip: string: 3800, int: 200 (kept as raw BSON)" in text
    assert "<td>address.zip</td>" in report._repr_html_()
