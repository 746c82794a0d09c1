"""The embedded server really starts, answers over the wire, keeps data, and stops cleanly."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pymongo
import pytest
from data_bridge.embedded import (
    BINARY_ENV,
    EmbeddedServer,
    ServerNotInstalled,
    ServerStartFailed,
    find_server_binary,
    ping,
)
from data_bridge.errors import DataBridgeError

pytestmark = pytest.mark.slow


def _fake_server(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-secantusd"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_start_ping_insert_stop_removes_temp_dir() -> None:
    server = EmbeddedServer().start()
    try:
        assert server.is_running
        assert ping("127.0.0.1", server.port)
        client: pymongo.MongoClient = pymongo.MongoClient(server.uri)
        client.db.items.insert_one({"x": 1})
        assert client.db.items.count_documents({}) == 1
        client.close()
        data_dir = Path(server._owned_dir.name)  # type: ignore[union-attr]
        assert data_dir.exists()
    finally:
        server.stop()
    assert not server.is_running
    assert not data_dir.exists()
    assert not ping("127.0.0.1", server.port, timeout=0.2)


def test_data_dir_is_reopened_intact(tmp_path: Path) -> None:
    with EmbeddedServer(data_dir=tmp_path) as server:
        client: pymongo.MongoClient = pymongo.MongoClient(server.uri)
        client.db.kept.insert_many([{"i": i} for i in range(10)])
        client.close()
    with EmbeddedServer(data_dir=tmp_path) as server:
        client = pymongo.MongoClient(server.uri)
        assert client.db.kept.count_documents({}) == 10
        client.close()
    assert tmp_path.exists(), "a caller's data directory is never deleted"


def test_port_taken_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ServerStartFailed, match=f"port {port} .* already in use"):
            EmbeddedServer(port=port).start()


def test_not_installed_says_how_to_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "missing"))
    with pytest.raises(ServerNotInstalled, match="not an executable"):
        find_server_binary()
    monkeypatch.delenv(BINARY_ENV)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr("data_bridge.embedded.RUST_SERVER_CACHE", tmp_path / "none")
    with pytest.raises(ServerNotInstalled, match="pip install") as info:
        EmbeddedServer().start()
    assert isinstance(info.value, DataBridgeError)


def test_server_that_exits_early_reports_its_log(tmp_path: Path) -> None:
    fake = _fake_server(tmp_path, 'echo "cannot open storage" >&2; exit 3')
    with pytest.raises(ServerStartFailed, match="exited with code 3") as info:
        EmbeddedServer(binary=fake).start()
    assert "cannot open storage" in str(info.value)


def test_server_that_never_answers_times_out_and_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    fake = _fake_server(tmp_path, f'echo $$ > "{pid_file}"; exec sleep 60')
    with pytest.raises(ServerStartFailed, match="did not answer ping"):
        EmbeddedServer(binary=fake, startup_timeout=1.0).start()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_run_cli_provides_mongodb_uri() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    code = (
        "import os, pymongo; c = pymongo.MongoClient(os.environ['MONGODB_URI']); "
        "print(c.admin.command('ping')['ok'])"
    )
    out = subprocess.run(
        [sys.executable, "-m", "data_bridge.embedded", "run", "--", sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip().endswith("1.0")


def test_killed_parent_takes_server_down(tmp_path: Path) -> None:
    pid_file = tmp_path / "server-pid"
    code = (
        "import os, sys, time; from data_bridge.embedded import EmbeddedServer; "
        "s = EmbeddedServer().start(); "
        f"open({str(pid_file)!r}, 'w').write(str(s._process.pid)); "
        "sys.stdout.write('up\\n'); sys.stdout.flush(); time.sleep(120)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "up"
        server_pid = int(pid_file.read_text())
        os.kill(server_pid, 0)  # alive while its parent lives
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
    deadline = time.monotonic() + 10
    while _alive(server_pid):
        if time.monotonic() > deadline:
            pytest.fail(f"server {server_pid} outlived its killed parent")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    # A zombie waiting for init to reap it is dead for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
