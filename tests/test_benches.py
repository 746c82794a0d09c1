"""Smoke run of the benchmark harness (benches/): every task at toy sizes, against the test server.

It asserts only that the harness works — every task ran for every library, or says exactly why a
contender could not run — and that the numbers it produced are sane. Never how fast anything is:
performance is what `make bench` reports.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benches.catalogue import SMOKE, candidates
from benches.peers import DATA_BRIDGE, PEERS

REPO = Path(__file__).resolve().parent.parent

#: Peers that must run every task they take part in (they are installed by the `dev` extra).
ALWAYS_RUN = {"Beanie", "PyMongo sync", "PyMongo async", "Motor", "PyMongoArrow", "raw floor"}
REASON_PREFIXES = ("not available yet:", "not installed:")


@pytest.fixture(scope="module")
def smoke(mongodb_uri: str, db_name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benches",
            "--profile",
            "smoke",
            "--uri",
            mongodb_uri,
            "--db",
            db_name,
            "--out",
            str(out),
            "--readme",
            "no",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def results(smoke: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(smoke.read_text())
    return loaded


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


@pytest.mark.slow
def test_every_task_ran(results: dict[str, Any]) -> None:
    expected = [task.id for task in candidates(SMOKE)]
    assert [task["id"] for task in results["tasks"]] == expected


@pytest.mark.slow
def test_every_contender_ran_or_says_why_not(results: dict[str, Any]) -> None:
    for task in results["tasks"]:
        contenders = task["contenders"]
        assert set(contenders) <= set(PEERS), task["id"]
        assert any(peer in contenders for peer in DATA_BRIDGE), task["id"]
        for peer, entry in contenders.items():
            where = f"{task['id']} / {peer}"
            if peer in ALWAYS_RUN:
                assert entry["status"] == "ok", f"{where}: {entry.get('reason')}"
            elif entry["status"] != "ok":
                # data-bridge's side may lag its API, but must say which part is missing.
                assert entry["status"] == "unavailable", f"{where}: {entry.get('reason')}"
                assert entry["reason"].startswith(REASON_PREFIXES), where


@pytest.mark.slow
def test_numbers_are_sane(results: dict[str, Any]) -> None:
    iterations = results["settings"]["iterations"]
    for task in results["tasks"]:
        assert task["bson_bytes"] > task["count"] * 50, task["id"]  # >= 50 B per document
        for peer, entry in task["contenders"].items():
            if entry["status"] != "ok":
                continue
            where = f"{task['id']} / {peer}"
            assert len(entry["seconds"]) == iterations, where
            assert all(_positive(s) for s in entry["seconds"]), where
            assert entry["min_s"] <= entry["median_s"] <= entry["max_s"], where
            assert _positive(entry["mb_per_s"]), where
            # 0 % is a real reading (a task holding the GIL throughout), negative is not.
            gil_free = entry["gil"]["gil_free_pct"]
            assert math.isfinite(gil_free), where
            assert gil_free >= 0, where
            rss = entry.get("rss")
            if rss is not None:
                assert "error" not in rss, f"{where}: {rss}"
                assert _positive(rss["peak_mb"]), where
                assert rss["peak_mb"] >= rss["baseline_mb"] * 0.9, where


@pytest.mark.slow
def test_memory_was_measured(results: dict[str, Any]) -> None:
    measured = [
        task["id"]
        for task in results["tasks"]
        for entry in task["contenders"].values()
        if "rss" in entry
    ]
    # The smoke profile measures one table task's memory (the full run measures every one).
    assert any(task_id.startswith("find_table-arrow") for task_id in measured)


@pytest.mark.slow
def test_offline_decode_group_ran_or_says_why_not(results: dict[str, Any]) -> None:
    codec = results["codec"]
    if codec["status"] == "ok":
        assert codec["records"]
    else:
        assert codec["status"] == "unavailable", codec.get("reason")
        assert codec["reason"].startswith("not available yet:")


@pytest.mark.slow
def test_machine_facts_and_outputs(results: dict[str, Any], smoke: Path) -> None:
    assert results["machine"]["cores"] >= 1
    assert results["versions"]["pymongo"]
    assert results["server"]["reported_version"]
    report = smoke.with_suffix(".md").read_text()
    assert all(task["title"] in report for task in results["tasks"])
    assert smoke.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
