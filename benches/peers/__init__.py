"""One module per library under test; each exposes ``build(task, ctx) -> Contender | None``.

``None`` means the library has no way to do that task (Beanie does not produce DataFrames); a
library that could but cannot here raises :class:`benches.model.Unavailable` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from benches.model import Contender, Context, Task
from benches.peers import (
    beanie_peer,
    data_bridge_engine_peer,
    data_bridge_peer,
    floor_peer,
    motor_peer,
    pymongo_async_peer,
    pymongo_sync_peer,
    pymongoarrow_peer,
)

Builder = Callable[[Task, Context], "Contender | None"]

#: Peer name -> builder, in report order: data-bridge first, then peers, then the floor.
PEERS: dict[str, Builder] = {
    data_bridge_peer.NAME: data_bridge_peer.build,
    data_bridge_engine_peer.NAME: data_bridge_engine_peer.build,
    beanie_peer.NAME: beanie_peer.build,
    pymongo_sync_peer.NAME: pymongo_sync_peer.build,
    pymongo_async_peer.NAME: pymongo_async_peer.build,
    motor_peer.NAME: motor_peer.build,
    pymongoarrow_peer.NAME: pymongoarrow_peer.build,
    floor_peer.NAME: floor_peer.build,
}

#: The data-bridge contenders; ratios are taken against the first one that ran in a task.
DATA_BRIDGE = (data_bridge_peer.NAME, data_bridge_engine_peer.NAME)
