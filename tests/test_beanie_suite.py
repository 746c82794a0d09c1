"""The ratchet: Beanie 2.1.0's own tests that pass on data-bridge must keep passing.

Runs the data-bridge half of ``make compat`` (``compat/beanie_suite.py``: Beanie's suite, from
the PyPI sdist, through the ``beanie`` → ``data_bridge`` import-forwarding package) on this
session's server, and fails naming every test in ``compat/passing.txt`` that no longer passes,
with its first error line. Tests that pass and are not listed yet are printed, not failed: add
them with ``make compat-update``.
"""

from __future__ import annotations

import uuid

import pytest

from compat import beanie_suite

pytestmark = pytest.mark.slow


def test_listed_beanie_suite_tests_still_pass(
    mongodb_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = beanie_suite.load_passing()
    assert listed, f"{beanie_suite.PASSING_FILE} is empty: run `make compat-update`"

    run = beanie_suite.run_suite(
        "data-bridge", mongodb_uri, db_name=f"ratchet_{uuid.uuid4().hex[:8]}", quiet=True
    )

    passing = run.passing()
    lost = [node for node in listed if node not in passing]
    gained = sorted(passing - set(listed))
    with capsys.disabled():
        print(
            f"\n[beanie suite] {len(passing)} of {len(run.tests)} pass on data-bridge "
            f"({len(listed)} listed) in {run.seconds:.0f} s; log {run.log}"
        )
        if gained:
            print(
                f"[beanie suite] {len(gained)} newly passing; add them with `make compat-update`:"
            )
            print("".join(f"  {node}\n" for node in gained), end="")
    assert not lost, f"{len(lost)} listed Beanie suite tests no longer pass:\n" + "\n".join(
        f"  {node}\n      {run.result(node).outcome}: {run.result(node).error}" for node in lost
    )
