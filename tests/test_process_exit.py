"""A process that used the async engine exits cleanly: no abort while Python finalises.

Before the runtime was shut down from `atexit`, a Tokio worker finishing an asyncio callback
during interpreter finalisation aborted the process in roughly one run in five.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import asyncio, sys
from data_bridge import _engine

async def main():
    client = _engine.Client(sys.argv[1])
    coll = client.database(sys.argv[2]).collection("exit")
    await coll.insert_one({"x": 1})
    await coll.find_raw({})
    session = client.start_session()
    await session.start_transaction()
    await coll.find({}, session=session)
    await session.commit_transaction()
    await session.end()
    await client.close()

asyncio.run(main())
"""


@pytest.mark.slow
def test_async_client_process_exits_cleanly(mongodb_uri: str, db_name: str) -> None:
    for attempt in range(12):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mongodb_uri, db_name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"run {attempt}: exit {done.returncode}\n{done.stderr[-2000:]}"
