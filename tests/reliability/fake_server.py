"""A tiny wire-protocol server that answers queries with deliberately malformed BSON.

Used only by the bad-input tests (the one place a fake server is acceptable: no real server
sends broken bytes on purpose). It speaks just enough of the protocol for the Rust driver to
select it as a standalone server: ``hello`` / ``isMaster`` over OP_QUERY or OP_MSG, ``ping``,
``buildInfo``; every other command answers ``ok: 1``. ``find`` / ``aggregate`` / ``getMore`` on
collection ``X`` answer with the payload registered under ``X`` in ``PAYLOADS``.

Example:
    >>> with FakeServer() as server:  # doctest: +SKIP
    ...     data_bridge.connect(server.uri)["db"]["bad_utf8_value"].find().to_arrow()

"""

from __future__ import annotations

import datetime
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import bson

OP_REPLY = 1
OP_QUERY = 2004
OP_MSG = 2013

INT32 = struct.Struct("<i")
INT64 = struct.Struct("<q")
HEADER = struct.Struct("<iiii")


# --------------------------------------------------------------------------- hand-made BSON


def element(kind: int, key: bytes, value: bytes) -> bytes:
    """One element: type byte, key cstring, value bytes (nothing is checked)."""
    return bytes([kind]) + key + b"\x00" + value


def document(*elements: bytes) -> bytes:
    """A document frame around ``elements`` with a correct length prefix."""
    body = b"".join(elements)
    return INT32.pack(len(body) + 5) + body + b"\x00"


def string(raw: bytes) -> bytes:
    """A BSON string value holding ``raw`` (not checked for UTF-8)."""
    return INT32.pack(len(raw) + 1) + raw + b"\x00"


def array(*documents: bytes) -> bytes:
    """An array of embedded documents (already encoded)."""
    return document(*(element(0x03, str(i).encode(), d) for i, d in enumerate(documents)))


def nested(depth: int) -> bytes:
    """``{"n": {"n": ... {"leaf": 1}}}`` nested ``depth`` levels (valid BSON)."""
    inner = document(element(0x10, b"leaf", INT32.pack(1)))
    for _ in range(depth - 1):
        inner = document(element(0x03, b"n", inner))
    return inner


def ok_document(i: int) -> bytes:
    """A well-formed result document."""
    return bson.encode({"_id": bson.ObjectId(f"{i:024x}"), "name": f"doc{i}"})


@dataclass(frozen=True)
class Payload:
    """What a query on one collection answers.

    ``first_batch`` / ``next_batch`` are the raw value bytes of the cursor's batch fields, with
    ``batch_type`` as their element type (0x04 array when well framed); ``cursor_id`` non-zero
    makes the driver ask for ``next_batch`` with getMore. ``reply`` replaces the whole reply
    document (framing errors).
    """

    first_batch: bytes = b""
    next_batch: bytes = b""
    batch_type: int = 0x04
    cursor_id: int = 0
    reply: bytes | None = None


def _cursor_reply(namespace: str, batch: bytes, field: bytes, kind: int, cursor_id: int) -> bytes:
    cursor = document(
        element(kind, field, batch),
        element(0x12, b"id", INT64.pack(cursor_id)),
        element(0x02, b"ns", string(namespace.encode())),
    )
    return document(element(0x03, b"cursor", cursor), element(0x01, b"ok", struct.pack("<d", 1.0)))


#: The malformed answers, by collection name. Each names the defect the client must report.
PAYLOADS: dict[str, Payload] = {
    # A document whose length prefix claims 1000 bytes inside a 16-byte slot.
    "bad_length": Payload(
        first_batch=array(ok_document(0), INT32.pack(1000) + b"\x10a\x00" + INT32.pack(1) + b"\x00")
    ),
    # The int32 value of "a" runs past the end of its document (2 bytes where 4 are needed).
    "truncated": Payload(
        first_batch=array(ok_document(0), INT32.pack(10) + b"\x10a\x00\x01\x00" + b"\x00")
    ),
    # A string value that is not UTF-8.
    "bad_utf8_value": Payload(
        first_batch=array(ok_document(0), document(element(0x02, b"name", string(b"ab\xff\xfe"))))
    ),
    # A key that is not UTF-8 (inside field "n").
    "bad_utf8_key": Payload(
        first_batch=array(
            ok_document(0),
            document(element(0x03, b"n", document(element(0x10, b"k\xff", INT32.pack(1))))),
        )
    ),
    # Element type 0x42 does not exist.
    "bad_type": Payload(
        first_batch=array(ok_document(0), document(element(0x42, b"weird", INT32.pack(1))))
    ),
    # A string whose length prefix is negative.
    "negative_string": Payload(
        first_batch=array(
            ok_document(0), document(element(0x02, b"name", INT32.pack(-5) + b"abc\x00"))
        )
    ),
    # Valid BSON nested 200 levels: past the 100-level limit the codec and MongoDB apply.
    "deep_200": Payload(
        first_batch=array(ok_document(0), document(element(0x03, b"n", nested(200))))
    ),
    # A good first batch, then a getMore whose nextBatch is a string instead of an array.
    "garbage_next_batch": Payload(
        first_batch=array(ok_document(0), ok_document(1)),
        next_batch=string(b"not a batch"),
        batch_type=0x02,
        cursor_id=42,
    ),
    # A good first batch, then a getMore whose nextBatch array holds an int32, not a document.
    "int_in_batch": Payload(
        first_batch=array(ok_document(0)),
        next_batch=document(element(0x10, b"0", INT32.pack(7))),
        cursor_id=43,
    ),
    # The reply document itself claims more bytes than the message carries.
    "garbage_reply": Payload(reply=INT32.pack(4096) + b"\x10ok\x00" + INT32.pack(1) + b"\x00"),
}


# --------------------------------------------------------------------------------- protocol


def _hello() -> dict[str, Any]:
    return {
        "helloOk": True,
        "ismaster": True,
        "isWritablePrimary": True,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "maxMessageSizeBytes": 48_000_000,
        "maxWriteBatchSize": 100_000,
        "localTime": datetime.datetime.now(tz=datetime.timezone.utc),
        "connectionId": 1,
        "minWireVersion": 0,
        "maxWireVersion": 21,
        "readOnly": False,
        "ok": 1.0,
    }


def _answer(command: dict[str, Any]) -> bytes:
    """The reply body (one BSON document, possibly malformed) to ``command``."""
    name = next(iter(command), "")
    lowered = name.lower()
    if lowered in ("hello", "ismaster"):
        return bson.encode(_hello())
    if lowered == "buildinfo":
        return bson.encode({"version": "7.0.0", "versionArray": [7, 0, 0, 0], "ok": 1.0})
    database = command.get("$db", "test")
    if name in ("find", "aggregate", "getMore"):
        collection = command["collection"] if name == "getMore" else command[name]
        payload = PAYLOADS.get(str(collection))
        namespace = f"{database}.{collection}"
        if payload is None:
            return _cursor_reply(namespace, array(), b"firstBatch", 0x04, 0)
        if payload.reply is not None:
            return payload.reply
        if name == "getMore":
            return _cursor_reply(namespace, payload.next_batch, b"nextBatch", payload.batch_type, 0)
        return _cursor_reply(namespace, payload.first_batch, b"firstBatch", 0x04, payload.cursor_id)
    if name in ("listCollections", "listIndexes"):
        return _cursor_reply(f"{database}.$cmd", array(), b"firstBatch", 0x04, 0)
    return bson.encode({"ok": 1.0})


def _cstring(data: bytes, at: int) -> tuple[bytes, int]:
    end = data.index(b"\x00", at)
    return data[at:end], end + 1


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        while True:
            header = _read(sock, HEADER.size)
            if header is None:
                return
            length, request_id, _, op_code = HEADER.unpack(header)
            body = _read(sock, length - HEADER.size)
            if body is None:
                return
            if op_code == OP_MSG:
                # flagBits, then section kind 0 (the command); kind-1 sections are ignored.
                command = bson.decode(body[5 : 5 + INT32.unpack_from(body, 5)[0]])
                reply = _answer(command)
                out = struct.pack("<I", 0) + b"\x00" + reply
                sock.sendall(HEADER.pack(HEADER.size + len(out), 0, request_id, OP_MSG) + out)
            elif op_code == OP_QUERY:
                _, at = _cstring(body, 4)
                at += 8  # numberToSkip, numberToReturn
                command = bson.decode(body[at : at + INT32.unpack_from(body, at)[0]])
                reply = _answer(command)
                out = struct.pack("<iqii", 0, 0, 0, 1) + reply
                sock.sendall(HEADER.pack(HEADER.size + len(out), 0, request_id, OP_REPLY) + out)
            else:
                return


def _read(sock: socket.socket, n: int) -> bytes | None:
    chunks = b""
    while len(chunks) < n:
        try:
            chunk = sock.recv(n - len(chunks))
        except OSError:
            return None
        if not chunk:
            return None
        chunks += chunk
    return chunks


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeServer:
    """A malformed-reply server on a free local port, for the life of a ``with`` block.

    ``uri`` connects directly to it with short timeouts, so a client that cannot use it fails
    fast instead of waiting for the default 30 s server selection.
    """

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        host, port = self._server.server_address[:2]
        self.uri = (
            f"mongodb://{host}:{port}/?directConnection=true"
            "&serverSelectionTimeoutMS=5000&connectTimeoutMS=5000"
        )

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
