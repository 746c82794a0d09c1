"""Time from a SIGKILL of the server to the typed error of an insert_many in flight.

Each argument is ``MS:how``: ``serverSelectionTimeoutMS`` (0: the default, 30 s) and how it is
given (``uri``: in the connection string; ``kwarg``: ``server_selection_timeout_ms=``). Prints
the error type and the seconds from the kill to the error. Needs a local SecantusDB server.

    .venv/bin/python examples/lost_connection_timing.py 0:uri 2000:uri 2000:kwarg
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pymongo
from bson import ObjectId
from data_bridge import _engine
from data_bridge.embedded import EmbeddedServer

DOCUMENTS = 400_000
KILL_AFTER = 20_000  # documents visible before the kill


def measure(timeout_ms: int, how: str) -> tuple[str, float]:
    """Kill the server under an insert_many; return (error type, seconds from kill to error)."""
    server = EmbeddedServer().start()
    try:
        if how == "kwarg":
            client = _engine.Client(server.uri, server_selection_timeout_ms=timeout_ms or None)
        else:
            query = f"?serverSelectionTimeoutMS={timeout_ms}" if timeout_ms else ""
            client = _engine.Client(server.uri + query)
        coll = client.database("t").collection("c")
        docs = [{"_id": ObjectId(), "i": i, "pad": "x" * 40} for i in range(DOCUMENTS)]
        outcome: dict[str, Any] = {}

        def insert() -> None:
            try:
                coll.insert_many_sync(docs)
                outcome["error"] = None
            except Exception as error:  # what we measure
                outcome["error"] = error
            outcome["at"] = time.monotonic()

        worker = threading.Thread(target=insert)
        worker.start()
        with pymongo.MongoClient(server.uri) as watch:
            while watch["t"]["c"].estimated_document_count() < KILL_AFTER:
                time.sleep(0.01)
        server.kill()
        killed = time.monotonic()
        worker.join(120)
        return type(outcome.get("error")).__name__, outcome["at"] - killed
    finally:
        server.stop()


if __name__ == "__main__":
    for spec in sys.argv[1:] or ["0:uri", "2000:uri"]:
        ms, how = spec.split(":")
        kind, seconds = measure(int(ms), how)
        label = ms if int(ms) else "default"
        print(f"serverSelectionTimeoutMS={label} ({how}): {kind} after {seconds:.2f} s", flush=True)
