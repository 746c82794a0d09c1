"""pytest plugin loaded (``-p beanie_suite_plugin``) into both runs of Beanie's suite.

Two jobs, the same for data-bridge and for real Beanie:

* **Results**: every test's outcome, with the first line of its error, is appended as a JSON line
  to the file named by ``BEANIE_SUITE_RESULTS`` as soon as it is known (a run that dies half-way
  still leaves its results), and so is every collection error.
* **Text indexes**: ``secantusd-rs`` refuses text indexes (code 67, "text indexes ... not
  supported"), and three of the suite's models declare one. When, and only when, the server
  answers index creation with that refusal, creation is retried without the text indexes: in
  pymongo's ``AsyncCollection.create_indexes`` (real Beanie) and in data-bridge's index plan
  (``data_bridge.odm.indexes.create``). Any other error, and any server that builds text indexes,
  is left alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Sequence
from typing import Any

import pymongo
import pytest
from pymongo import IndexModel
from pymongo.asynchronous.collection import AsyncCollection

RESULTS_ENV = "BEANIE_SUITE_RESULTS"
ODM_ENV = "BEANIE_SUITE_ODM"
_CANNOT_CREATE_INDEX = 67


def is_text_index_refusal(error: BaseException) -> bool:
    """Whether ``error`` is the server refusing to build a text index (and nothing else)."""
    message = str(error).lower()
    return (
        getattr(error, "code", None) == _CANNOT_CREATE_INDEX
        and "text ind" in message
        and "not supported" in message
    )


def _is_text(model: IndexModel) -> bool:
    return pymongo.TEXT in model.document["key"].values()


def _without_text(models: Sequence[IndexModel]) -> list[IndexModel]:
    return [model for model in models if not _is_text(model)]


_pymongo_create_indexes = AsyncCollection.create_indexes


async def _create_indexes(
    self: AsyncCollection[Any], indexes: Sequence[IndexModel], *args: Any, **kwargs: Any
) -> list[str]:
    try:
        return await _pymongo_create_indexes(self, indexes, *args, **kwargs)
    except pymongo.errors.OperationFailure as error:
        kept = _without_text(indexes)
        if not is_text_index_refusal(error) or len(kept) == len(indexes):
            raise
        return await _pymongo_create_indexes(self, kept, *args, **kwargs) if kept else []


AsyncCollection.create_indexes = _create_indexes  # type: ignore[method-assign]


def _patch_data_bridge() -> None:
    import beanie

    if beanie.__name__ != "data_bridge":
        return  # real Beanie: its indexes go through pymongo, patched above
    from data_bridge.odm import indexes

    original = indexes.create

    def create(cls: Any, models: Sequence[IndexModel], session: Any) -> Generator[Any, Any, Any]:
        try:
            return (yield from original(cls, models, session))
        except Exception as error:
            kept = _without_text(models)
            if not is_text_index_refusal(error) or len(kept) == len(models):
                raise
            return (yield from original(cls, kept, session))

    indexes.create = create


_patch_data_bridge()


def pytest_report_header() -> str:
    """Name the ``beanie`` this run imports, and stop at once if it is not the ODM asked for."""
    import beanie

    expected = os.environ.get(ODM_ENV)
    actual = "data-bridge" if beanie.__name__ == "data_bridge" else "beanie"
    if expected and expected != actual:
        pytest.exit(f"asked to test {expected}, but `import beanie` gives {beanie.__file__}", 3)
    return f"beanie suite: `import beanie` is {beanie.__name__} from {beanie.__file__}"


def _first_error_line(report: pytest.BaseReport) -> str:
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        return str(crash.message).strip().splitlines()[0]
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        return str(longrepr[2])
    text = report.longreprtext
    for line in text.splitlines():
        if line.startswith("E   "):
            return line[4:].strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _write(record: dict[str, Any]) -> None:
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record each phase that decides the outcome: a failed phase, or a passed/skipped call."""
    outcome = report.outcome
    if report.when == "call" or outcome != "passed":
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if outcome == "skipped" else "xpassed"
        _write(
            {
                "nodeid": report.nodeid,
                "when": report.when,
                "outcome": outcome,
                "error": "" if report.passed else _first_error_line(report),
            }
        )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Record a module or directory that could not be collected, with its first error line."""
    if report.failed:
        _write(
            {
                "nodeid": report.nodeid,
                "when": "collect",
                "outcome": "error",
                "error": _first_error_line(report),
            }
        )
