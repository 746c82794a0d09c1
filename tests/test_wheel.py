"""The release wheel, installed into a clean venv, runs the README quickstart (against the real
test server). Slow: it installs the wheel's dependencies (from pip's cache when warm)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _quickstart() -> str:
    """The README's first python block (the quickstart)."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^```python\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    assert match is not None, "no python block in README.md"
    return match.group(1)


def _wheel() -> Path:
    """The wheel `make wheel` just built (it runs this test with ``DATA_BRIDGE_WHEEL`` set).

    `make test` skips it: building the wheel is a second release link of the extension (minutes
    on 2 cores), and a wheel left in ``dist/`` by an earlier build may be stale.
    """
    wheel = os.environ.get("DATA_BRIDGE_WHEEL")
    if not wheel:
        pytest.skip("checks a freshly built wheel: `make wheel` builds one and runs this test")
    return Path(wheel)


@pytest.mark.slow
def test_wheel_runs_the_readme_quickstart_in_a_clean_venv(tmp_path: Path, mongodb_uri: str) -> None:
    wheel = _wheel()
    assert "abi3" in wheel.name  # one wheel for every CPython >= 3.10
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # This venv's pip installs into the clean one: nothing of the checkout is on its path.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", f"{wheel}[pandas]"],
        check=True,
        capture_output=True,
        timeout=900,
    )
    (tmp_path / "quickstart.py").write_text(_quickstart())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MONGODB_URI"] = mongodb_uri
    done = subprocess.run(
        [str(python), "-c", "import data_bridge; print(data_bridge.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith(str(venv)), done.stdout  # the installed copy, not the checkout
    done = subprocess.run(
        [str(python), "quickstart.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["['Ada', 'Alan']", "2"], done.stdout
    assert "Ada" in done.stdout  # the frame, after save_changes
    assert "37" in done.stdout
