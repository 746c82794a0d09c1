"""Optional dependencies (pyarrow, pandas, polars, numpy, tqdm), imported on first use.

None of them is needed to import data-bridge; each conversion asks for the one it needs and, when
it is missing, raises an ``ImportError`` naming the extra that installs it.

Example:
    >>> pa = require("pyarrow")  # doctest: +SKIP
    >>> pa.__name__  # doctest: +SKIP
    'pyarrow'

"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

# module name -> the extra of data-bridge that installs it
_EXTRAS: dict[str, str] = {
    "pyarrow": "pyarrow",
    "pandas": "pandas",
    "polars": "polars",
    "numpy": "pyarrow",
    "tqdm": "progress",
}


def require(module: str, *, purpose: str | None = None) -> ModuleType:
    """Import ``module`` or raise an ImportError telling which extra installs it.

    Args:
        module: ``"pyarrow"``, ``"pandas"``, ``"polars"``, ``"numpy"`` or ``"tqdm"``.
        purpose: What the caller wanted to do, for the message (``"to_pandas()"``).

    Example:
        >>> require("json").__name__
        'json'

    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra = _EXTRAS.get(top, top)
        doing = f" for {purpose}" if purpose else ""
        raise ImportError(
            f'{module} is needed{doing} but is not installed: pip install "data-bridge[{extra}]"'
        ) from exc


def available(module: str) -> bool:
    """Whether ``module`` can be imported (without raising).

    Example:
        >>> available("json"), available("surely_not_a_module_name")
        (True, False)

    """
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a callback right after a module's first import (then leaves ``sys.meta_path``)."""

    def __init__(self, module: str, callback: Callable[[], None]) -> None:
        self.module = module
        self.callback = callback

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != self.module:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module
        callback = self.callback

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            callback()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def on_import(module: str, callback: Callable[[], None]) -> None:
    """Call ``callback`` once ``module`` is imported: now if it already is, else right after.

    Nothing is imported here: an optional dependency costs nothing until the user imports it.

    Example:
        >>> on_import("json", lambda: print("json is here"))
        json is here

    """
    if module in sys.modules:
        callback()
    else:
        sys.meta_path.insert(0, _AfterImport(module, callback))
