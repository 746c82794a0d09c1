"""The notebooks in notebooks/ run top to bottom, headless, against the test server.

Each notebook is executed in a temporary copy with a kernel running this interpreter (the venv),
``MONGODB_URI`` pointing at the session's server and small data sizes; the notebooks' own
``assert`` cells check the results, so a wrong answer fails here just like an exception does.
The committed notebooks must carry no outputs: they are source, and outputs would go stale.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL_NAME = "data-bridge-test-venv"
# Small enough for a loaded 2-core machine; the notebooks default to human sizes.
ROWS_UNDER_TEST = "3000"
CELL_TIMEOUT_S = 120
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_the_notebooks_exist() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {"01-quickstart.ipynb", "02-analytics.ipynb", "03-from-beanie.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        index
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; strip them"


def _venv_kernelspec(root: Path) -> Path:
    """Write a kernelspec running this interpreter: the venv's kernel, not a global one."""
    spec_dir = root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "data-bridge (test venv)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(
    path: Path, mongodb_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "run"
    work.mkdir()
    copy = work / path.name
    shutil.copy(path, copy)
    monkeypatch.setenv("JUPYTER_PATH", str(_venv_kernelspec(tmp_path / "jupyter")))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    kernel_env = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "DATA_BRIDGE_NB_ROWS": ROWS_UNDER_TEST,
        "DATA_BRIDGE_PROGRESS": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }

    notebook = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(work)}},
    )
    try:
        client.execute(env=kernel_env)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{_ANSI.sub('', str(error))}", pytrace=False)

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells
    assert all(cell.execution_count is not None for cell in code_cells), "a cell did not run"
