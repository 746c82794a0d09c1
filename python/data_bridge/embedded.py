"""A local MongoDB-compatible server for demos, notebooks, tests and benchmarks.

`EmbeddedServer` starts SecantusDB (a single-node server speaking the MongoDB wire protocol) in a
subprocess on a free loopback port, waits until it answers ``ping`` and gives its URI. It prefers
the faster Rust server ``secantusd-rs`` and falls back to the Python one, ``secantusd-py``
(``pip install "data-bridge[embedded]"``). SecantusDB is GPL-2.0: it only ever runs as a separate
process, it is never imported.

Example:
    >>> from data_bridge.embedded import EmbeddedServer
    >>> with EmbeddedServer() as server:  # doctest: +SKIP
    ...     print(server.uri)
    mongodb://127.0.0.1:53211/

From a shell, ``python -m data_bridge.embedded run -- CMD ARGS`` runs a command with
``MONGODB_URI`` pointing at a fresh server (or at the one already in ``MONGODB_URI``).

"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Literal

import bson

from data_bridge.errors import DataBridgeError

__all__ = [
    "EmbeddedServer",
    "EmbeddedServerError",
    "ServerBinary",
    "ServerNotInstalled",
    "ServerStartFailed",
    "find_server_binary",
]

ServerKind = Literal["rust", "python"]

#: Where `make server` (and so `make test`, `make demo`, `make bench`) caches the Rust server it
#: builds (`cargo install --root` this directory).
RUST_SERVER_CACHE = Path.home() / ".cache" / "data-bridge" / "secantus" / "bin" / "secantusd-rs"
_log = logging.getLogger("data_bridge.embedded")

#: Environment variable naming a server binary to use instead of searching for one.
BINARY_ENV = "DATA_BRIDGE_SECANTUSD"


class EmbeddedServerError(DataBridgeError):
    """The embedded server could not be found, started or stopped.

    Example:
        >>> from data_bridge.embedded import EmbeddedServer, EmbeddedServerError
        >>> try:
        ...     EmbeddedServer().uri
        ... except EmbeddedServerError as error:
        ...     print(error)
        the embedded server is not running: call start() first

    """


class ServerNotInstalled(EmbeddedServerError):
    """Neither ``secantusd-rs`` nor ``secantusd-py`` could be found.

    Example:
        >>> from data_bridge.embedded import ServerNotInstalled, find_server_binary
        >>> try:
        ...     binary = find_server_binary()
        ... except ServerNotInstalled:
        ...     binary = None  # no local server: point MONGODB_URI at a running one instead

    """


class ServerStartFailed(EmbeddedServerError):
    """The server process exited early or did not answer ``ping`` within the timeout.

    Its message ends with the tail of the server's log.

    Example:
        >>> from data_bridge.embedded import EmbeddedServer, ServerStartFailed
        >>> try:
        ...     EmbeddedServer(binary="/bin/false").start()
        ... except ServerStartFailed as error:
        ...     print(str(error).split(";")[0])
        false exited with code 1 before answering ping

    """


@dataclass(frozen=True)
class ServerBinary:
    """A SecantusDB server executable and which implementation it is.

    Example:
        >>> from pathlib import Path
        >>> binary = ServerBinary(Path("/opt/secantus/bin/secantusd-rs"), "rust")
        >>> binary.kind, binary.path.name
        ('rust', 'secantusd-rs')
        >>> find_server_binary(prefer="python")  # doctest: +SKIP
        ServerBinary(path=PosixPath('/work/app/.venv/bin/secantusd-py'), kind='python')

    """

    path: Path
    kind: ServerKind


def _which(name: str) -> Path | None:
    # The venv's bin directory is not always on PATH (e.g. `.venv/bin/python script.py`).
    beside_python = Path(sys.executable).parent / name
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    found = shutil.which(name)
    return Path(found) if found else None


def find_server_binary(prefer: ServerKind | None = "rust") -> ServerBinary:
    """Locate a SecantusDB server executable.

    Order: ``$DATA_BRIDGE_SECANTUSD``; then ``secantusd-rs`` (on PATH or in the cache `make server`
    fills) unless ``prefer="python"``; then ``secantusd-py``.

    Example:
        >>> find_server_binary().kind  # doctest: +SKIP
        'rust'

    """
    explicit = os.environ.get(BINARY_ENV)
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ServerNotInstalled(f"{BINARY_ENV}={explicit!r} is not an executable file")
        kind: ServerKind = "rust" if path.name.startswith("secantusd-rs") else "python"
        return ServerBinary(path, kind)

    rust = _which("secantusd-rs")
    if rust is None and RUST_SERVER_CACHE.is_file():
        rust = RUST_SERVER_CACHE
    python = _which("secantusd-py")
    candidates: list[ServerBinary] = []
    if rust is not None:
        candidates.append(ServerBinary(rust, "rust"))
    if python is not None:
        candidates.append(ServerBinary(python, "python"))
    if prefer == "python":
        candidates.sort(key=lambda b: b.kind != "python")
    if not candidates:
        raise ServerNotInstalled(
            "no SecantusDB server found: install the Python one with "
            "`pip install 'data-bridge[embedded]'` (or `pip install SecantusDB`), build the Rust "
            "one with `make server`, or set MONGODB_URI to use an existing MongoDB server"
        )
    return candidates[0]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_OP_MSG = 2013


def ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """Send one OP_MSG ``ping`` and report whether the server answered ``ok: 1``.

    A bare socket keeps this free of driver threads and connection pools, which matters while the
    server is still starting.
    """
    body = bson.encode({"ping": 1, "$db": "admin"})
    payload = struct.pack("<I", 0) + b"\x00" + body  # flagBits, then one kind-0 section
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, _OP_MSG)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(header + payload)
            reply = _read_message(sock)
    except OSError:
        return False
    if reply is None or len(reply) < 21:
        return False
    try:
        doc = bson.decode(reply[21:])
    except Exception:
        return False
    return bool(doc.get("ok"))


def _read_message(sock: socket.socket) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < 4:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        chunks += chunk
    (length,) = struct.unpack_from("<i", chunks)
    while len(chunks) < length:
        chunk = sock.recv(max(4096, length - len(chunks)))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks[:length])


_live_servers: weakref.WeakSet[EmbeddedServer] = weakref.WeakSet()
_live_lock = threading.Lock()


@atexit.register
def _stop_all() -> None:
    with _live_lock:
        servers = list(_live_servers)
    for server in servers:
        server.stop()


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if the Python process is killed outright (SIGKILL,
    # OOM), the kernel still takes the server down with it, so no orphan outlives a crashed test.
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class EmbeddedServer:
    """A SecantusDB server in a subprocess on a free 127.0.0.1 port.

    Args:
        data_dir: where the server keeps its data; a temporary directory (removed on stop) when
            omitted. Reusing a directory reopens its data.
        port: a fixed port; a free one is picked when omitted.
        prefer: ``"rust"`` (default) or ``"python"``: which server to use when both are installed.
        binary: an explicit server executable (overrides the search).
        startup_timeout: seconds to wait for the first successful ``ping``.
        extra_args: more command-line arguments for the server, e.g. ``["--sync-on-commit"]``
            (``secantusd-rs``: make each acknowledged write durable, so it survives a SIGKILL).

    Example:
        >>> from data_bridge.embedded import EmbeddedServer
        >>> server = EmbeddedServer().start()  # doctest: +SKIP
        >>> server.uri  # doctest: +SKIP
        'mongodb://127.0.0.1:40125/'
        >>> server.stop()  # doctest: +SKIP

    """

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        port: int | None = None,
        prefer: ServerKind | None = "rust",
        binary: str | os.PathLike[str] | None = None,
        startup_timeout: float = 30.0,
        log_level: str = "WARNING",
        extra_args: Sequence[str] = (),
    ) -> None:
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._requested_port = port
        self._prefer = prefer
        self._binary = Path(binary) if binary is not None else None
        self._startup_timeout = startup_timeout
        self._log_level = log_level
        self._extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._owned_dir: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None
        self._port: int | None = None
        self._server: ServerBinary | None = None
        self._pid = os.getpid()

    @property
    def uri(self) -> str:
        """The ``mongodb://`` URI of the running server."""
        if self._port is None or not self.is_running:
            raise EmbeddedServerError("the embedded server is not running: call start() first")
        return f"mongodb://127.0.0.1:{self._port}/"

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._port is None:
            raise EmbeddedServerError("the embedded server is not running: call start() first")
        return self._port

    @property
    def kind(self) -> ServerKind:
        """Which SecantusDB implementation runs: ``"rust"`` or ``"python"``."""
        if self._server is None:
            raise EmbeddedServerError("the embedded server is not running: call start() first")
        return self._server.kind

    @property
    def binary(self) -> Path:
        """The server executable in use (to record its version beside benchmark results)."""
        if self._server is None:
            raise EmbeddedServerError("the embedded server is not running: call start() first")
        return self._server.path

    @property
    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> EmbeddedServer:
        """Start the server and wait until it answers ``ping``; returns ``self``."""
        if self.is_running:
            return self
        if self._binary is not None:
            kind: ServerKind = "rust" if self._binary.name.startswith("secantusd-rs") else "python"
            self._server = ServerBinary(self._binary, kind)
        else:
            self._server = find_server_binary(self._prefer)
            if self._prefer == "rust" and self._server.kind == "python":
                # Slower, and some queries are refused there (data_bridge.server lists them).
                _log.warning(
                    "secantusd-rs not found: using the Python SecantusDB server (`make server` "
                    "builds the Rust one into %s)",
                    RUST_SERVER_CACHE,
                )
        if self._data_dir is None:
            self._owned_dir = tempfile.TemporaryDirectory(prefix="data-bridge-db-")
            data_dir = Path(self._owned_dir.name)
        else:
            data_dir = self._data_dir
            data_dir.mkdir(parents=True, exist_ok=True)

        # A port picked as free can be taken before the server binds it: retry with a new one.
        attempts = 1 if self._requested_port is not None else 3
        last_error: ServerStartFailed | None = None
        for _ in range(attempts):
            port = self._requested_port or _free_port()
            try:
                self._launch(self._server, data_dir, port)
                return self
            except ServerStartFailed as error:
                last_error = error
        self._cleanup_dir()
        assert last_error is not None
        raise last_error

    def _launch(self, server: ServerBinary, data_dir: Path, port: int) -> None:
        if _port_in_use(port):
            raise ServerStartFailed(
                f"port {port} on 127.0.0.1 is already in use: pass another port, or none to "
                "let the server pick a free one"
            )
        # An explicit empty config stops the server from picking up a stray ./secantusd.toml.
        config = data_dir / "data-bridge-secantusd.toml"
        config.write_text("")
        self._log_path = data_dir / "data-bridge-server.log"
        command = [
            str(server.path),
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(data_dir / "db"),
            "--log-level",
            self._log_level,
            *self._extra_args,
        ]
        with self._log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        self._port = port
        with _live_lock:
            _live_servers.add(self)
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._forget()
                raise ServerStartFailed(
                    f"{server.path.name} exited with code {self._process.returncode} before "
                    f"answering ping; its log ({self._log_path}):\n{self._log_tail()}"
                )
            if ping("127.0.0.1", port, timeout=0.5):
                return
            time.sleep(0.05)
        self._terminate()
        raise ServerStartFailed(
            f"{server.path.name} did not answer ping on 127.0.0.1:{port} within "
            f"{self._startup_timeout:g}s (raise startup_timeout=); its log:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 20) -> str:
        if self._log_path is None or not self._log_path.exists():
            return "(no log)"
        text = self._log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(empty log)"

    def _terminate(self) -> None:
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        self._forget()

    def _forget(self) -> None:
        with _live_lock:
            _live_servers.discard(self)

    def _cleanup_dir(self) -> None:
        if self._owned_dir is not None:
            self._owned_dir.cleanup()
            self._owned_dir = None

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 15 s) and remove its temporary data."""
        # A forked child inherits this object but not the process: only its creator stops it.
        if os.getpid() != self._pid:
            return
        self._terminate()
        self._process = None
        self._cleanup_dir()

    def kill(self) -> None:
        """Kill the server with SIGKILL, as a crash would, and wait for it to exit.

        Its data directory is kept: ``EmbeddedServer(data_dir=..., port=server.port)`` restarts
        it on the same data (fault-injection tests do this).

        Example:
            >>> server = EmbeddedServer(data_dir="/tmp/crash").start()  # doctest: +SKIP
            >>> server.kill()  # doctest: +SKIP
            >>> EmbeddedServer(data_dir="/tmp/crash", port=server.port).start()  # doctest: +SKIP
            <EmbeddedServer (rust) running at mongodb://127.0.0.1:40125/>

        """
        process = self._process
        if process is None or os.getpid() != self._pid:
            return
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)
        self._forget()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.uri}" if self.is_running else "stopped"
        kind = f" ({self._server.kind})" if self._server else ""
        return f"<EmbeddedServer{kind} {state}>"


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m data_bridge.embedded",
        description="Run a local SecantusDB server for data-bridge.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run CMD with MONGODB_URI set (a fresh server when unset)")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    serve = sub.add_parser("serve", help="start a server and print its URI until Ctrl-C")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--data-dir", default=None)
    for p in (run, serve):
        p.add_argument("--prefer", choices=["rust", "python"], default="rust")
    args = parser.parse_args(argv)
    # SIGTERM (kill, systemd, docker stop) ends the process like Ctrl-C: the server is stopped
    # and its temporary data directory removed, instead of both being left behind.
    signal.signal(signal.SIGTERM, _interrupt)

    if args.command == "serve":
        with (
            contextlib.suppress(KeyboardInterrupt),
            EmbeddedServer(port=args.port, data_dir=args.data_dir, prefer=args.prefer) as server,
        ):
            print(f"{server.uri} ({server.kind} server); Ctrl-C stops it", flush=True)
            while server.is_running:
                time.sleep(0.5)
        return 0

    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("run needs a command: python -m data_bridge.embedded run -- CMD ARGS")
    if os.environ.get("MONGODB_URI"):
        return subprocess.call(cmd)
    with EmbeddedServer(prefer=args.prefer) as server:
        print(f"data-bridge: {server.kind} SecantusDB server at {server.uri}", flush=True)
        env = dict(os.environ, MONGODB_URI=server.uri)
        return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
