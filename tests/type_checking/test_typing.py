"""mypy (strict) and pyright on a Beanie-style app: no errors, and no more than Beanie gives.

``beanie_style_app.py`` is Beanie code with ``data_bridge`` imports; the same text with
``beanie`` imports is checked against the installed Beanie for comparison.
``data_bridge_app.py`` covers what Beanie lacks (the blocking API, Arrow exports, typed field
expressions); ``misuse.py`` holds lines each checker must reject (marked ``# E: fragment``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BEANIE_STYLE = HERE / "beanie_style_app.py"
OURS = [BEANIE_STYLE, HERE / "data_bridge_app.py"]
MISUSE = HERE / "misuse.py"
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
# Kept between runs (git ignores it): a warm mypy run takes seconds instead of half a minute.
MYPY_CACHE = HERE.parent.parent / ".mypy_cache" / "type_checking"

pytestmark = pytest.mark.slow


def run_mypy(files: list[Path], workdir: Path) -> list[tuple[str, int, str]]:
    """(file name, line, message) of each error ``mypy --strict`` reports on ``files``."""
    config = workdir / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\npython_version = {PYTHON_VERSION}\n")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(MYPY_CACHE),
            "--no-error-summary",
            "--show-error-codes",
            *map(str, files),
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr + completed.stdout
    errors = []
    for line in completed.stdout.splitlines():
        found = re.match(r"(.+?):(\d+): error: (.*)", line)
        if found:
            errors.append((Path(found[1]).name, int(found[2]), found[3]))
    return errors


def run_pyright(files: list[Path], workdir: Path) -> list[tuple[str, int, str]]:
    """(file name, line, message) of each error pyright reports on ``files``."""
    config = workdir / "pyrightconfig.json"
    config.write_text(json.dumps({"pythonVersion": PYTHON_VERSION}))
    pyright = Path(sys.executable).with_name("pyright")
    env = dict(os.environ, PYRIGHT_PYTHON_IGNORE_WARNINGS="1")
    completed = subprocess.run(
        [
            str(pyright),
            "--outputjson",
            "--project",
            str(config),
            "--pythonpath",
            sys.executable,
            *map(str, files),
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert completed.returncode in (0, 1), completed.stderr + completed.stdout
    report = json.loads(completed.stdout)
    return [
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["message"])
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


CHECKERS = {"mypy": run_mypy, "pyright": run_pyright}


@pytest.fixture(scope="module")
def beanie_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``beanie_style_app.py`` with its imports pointed at Beanie."""
    pytest.importorskip("beanie")
    copy = tmp_path_factory.mktemp("beanie") / "beanie_app.py"
    copy.write_text(BEANIE_STYLE.read_text().replace("data_bridge", "beanie"))
    return copy


@pytest.fixture(scope="module", params=sorted(CHECKERS))
def checked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, beanie_copy: Path
) -> tuple[str, dict[str, list[tuple[int, str]]]]:
    """One checker's run over every file at once: (checker, {file name: [(line, message)]})."""
    checker = request.param
    if checker == "pyright" and not Path(sys.executable).with_name("pyright").exists():
        pytest.fail("pyright is not installed: it is in the dev extra (pip install -e '.[dev]')")
    files = [*OURS, MISUSE, beanie_copy]
    by_file: dict[str, list[tuple[int, str]]] = {path.name: [] for path in files}
    for name, line, message in CHECKERS[checker](files, tmp_path_factory.mktemp(checker)):
        by_file.setdefault(name, []).append((line, message))
    return checker, by_file


def test_the_app_type_checks_and_beanie_does_no_better(
    checked: tuple[str, dict[str, list[tuple[int, str]]]], beanie_copy: Path
) -> None:
    checker, by_file = checked
    ours = [error for path in OURS for error in by_file[path.name]]
    beanie = by_file[beanie_copy.name]
    print(f"{checker}: data-bridge {len(ours)} errors, Beanie {len(beanie)} errors")
    assert ours == [], f"{checker} on data-bridge: {ours}"
    assert len(ours) <= len(beanie)


def test_misuse_is_rejected(checked: tuple[str, dict[str, list[tuple[int, str]]]]) -> None:
    checker, by_file = checked
    marked = {
        number: found[1]
        for number, line in enumerate(MISUSE.read_text().splitlines(), start=1)
        if (found := re.search(r"  # E: (\w+)$", line))
    }
    assert len(marked) == 6
    errors = by_file[MISUSE.name]
    assert {line for line, _ in errors} == set(marked), f"{checker}: {errors}"
    for line, message in errors:
        assert marked[line] in message, f"{checker} line {line}: {message}"
