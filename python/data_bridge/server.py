"""What the connected server is, and which of our constructs it is known to answer wrongly.

Some MongoDB wire-protocol servers accept a construct and answer it with nothing instead of an
error: the Python SecantusDB server matches no document on a DBRef's ``$id`` path, and both
SecantusDB servers find nothing through aggregation paths that cross an array. An empty result
there would be a silent wrong answer, so the ODM asks :meth:`ServerTraits.require` before it
sends such a construct and raises :class:`~data_bridge.errors.NotSupportedByServer` naming the
construct and the server. A server we know nothing against (mongod, ...) has no gaps.

Example:
    >>> traits = ServerTraits.from_build_info({"version": "8.2.11", "secantusVersion": "0.7.0b3"})
    >>> traits.description
    'the Python SecantusDB server 0.7.0b3'
    >>> sorted(traits.gaps)
    ['dbref_id_path', 'lookup_through_array']

"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from data_bridge.errors import NotSupportedByServer

#: A filter or ``$lookup`` on ``field.$id`` (how links are stored) finds nothing.
DBREF_ID_PATH = "dbref_id_path"
#: A ``$lookup`` whose local or foreign path crosses an array (lists of links) finds nothing.
LOOKUP_THROUGH_ARRAY = "lookup_through_array"

_WHAT = {
    DBREF_ID_PATH: "matches no document on a DBRef's $id path",
    LOOKUP_THROUGH_ARRAY: "finds nothing through aggregation paths that cross an array",
}
_FIX = {
    DBREF_ID_PATH: "run against secantusd-rs or a mongod (set MONGODB_URI)",
    LOOKUP_THROUGH_ARRAY: "run against a mongod (set MONGODB_URI)",
}


@dataclass(frozen=True)
class ServerTraits:
    """The server's name for messages and the constructs it is known to answer wrongly."""

    description: str = "the server"
    gaps: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_build_info(cls, reply: Mapping[str, Any]) -> ServerTraits:
        """Read a ``buildInfo`` reply.

        Example:
            >>> ServerTraits.from_build_info({"version": "7.0.2"}).gaps
            frozenset()

        """
        secantus = reply.get("secantusVersion")
        if secantus is None:
            return cls(f"the server (MongoDB {reply.get('version', '?')})")
        if _is_rust_secantus(reply):
            return cls(f"secantusd-rs {secantus}", frozenset({LOOKUP_THROUGH_ARRAY}))
        return cls(
            f"the Python SecantusDB server {secantus}",
            frozenset({DBREF_ID_PATH, LOOKUP_THROUGH_ARRAY}),
        )

    def require(self, gap: str, construct: str) -> None:
        """Raise ``NotSupportedByServer`` when ``construct`` falls into one of the server's gaps.

        Example:
            >>> python = ServerTraits("the Python SecantusDB server", frozenset({DBREF_ID_PATH}))
            >>> python.require(DBREF_ID_PATH, "fetch_links filter through 'door.$id'")
            Traceback (most recent call last):
            ...
            data_bridge.errors.NotSupportedByServer: fetch_links filter through 'door.$id' ...

        """
        if gap in self.gaps:
            raise NotSupportedByServer(
                f"{construct} cannot run on {self.description}: it {_WHAT[gap]} instead of "
                f"answering, so the result would be silently empty; {_FIX[gap]}"
            )


#: Before ``init`` has asked the server, nothing is assumed missing.
UNKNOWN = ServerTraits()


def _is_rust_secantus(reply: Mapping[str, Any]) -> bool:
    # secantusd-rs reports a build environment compiled by rustc; the Python server reports none.
    environment = reply.get("buildEnvironment")
    return isinstance(environment, Mapping) and environment.get("cc") == "rustc"
