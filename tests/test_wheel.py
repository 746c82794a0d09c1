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


def _wheel(tmp_path: Path) -> Path:
    """``dist/``'s newest wheel (``make wheel``), else one built now into the same target dir."""
    built = sorted((ROOT / "dist").glob("data_bridge-*.whl"), key=lambda p: p.stat().st_mtime)
    if built:
        return built[-1]
    maturin = Path(sys.executable).with_name("maturin")
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target" / "maturin"))
    subprocess.run(
        [str(maturin), "build", "--release", "--out", str(tmp_path / "dist")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return next((tmp_path / "dist").glob("data_bridge-*.whl"))


@pytest.mark.slow
def test_wheel_runs_the_readme_quickstart_in_a_clean_venv(tmp_path: Path, mongodb_uri: str) -> None:
    wheel = _wheel(tmp_path)
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
