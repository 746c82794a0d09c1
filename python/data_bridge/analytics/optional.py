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
from types import ModuleType

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
