"""Global defaults of the analytics surface: ``data_bridge.options``.

Example:
    >>> import data_bridge
    >>> data_bridge.options.progress = False  # never show progress bars
    >>> data_bridge.options.progress = None  # default: only in interactive sessions

The environment variable ``DATA_BRIDGE_PROGRESS`` (``1``/``true``, ``0``/``false``, ``auto``)
sets the starting value of ``progress``.

"""

from __future__ import annotations

import os
import sys

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _progress_from_env() -> bool | None:
    value = os.environ.get("DATA_BRIDGE_PROGRESS", "auto").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


class Options:
    """Process-wide defaults; each call's own argument wins over them.

    Attributes:
        progress: ``True`` always shows a progress bar on loads and writes, ``False`` never,
            ``None`` (default) only in interactive sessions (a terminal or a Jupyter kernel).
        progress_delay: Seconds an operation must run before its bar appears, so quick calls
            print nothing.

    Example:
        >>> opts = Options()
        >>> opts.progress_delay
        1.0

    """

    def __init__(self) -> None:
        self.progress: bool | None = _progress_from_env()
        self.progress_delay: float = 1.0

    def __repr__(self) -> str:
        return f"Options(progress={self.progress!r}, progress_delay={self.progress_delay!r})"


options = Options()


def interactive() -> bool:
    """Whether this process talks to a person: a Jupyter/IPython kernel or a terminal.

    Example:
        >>> isinstance(interactive(), bool)
        True

    """
    if "ipykernel" in sys.modules:
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def progress_enabled(requested: bool | None) -> bool:
    """Resolve a call's ``progress=`` against ``options.progress`` and the session kind.

    Example:
        >>> progress_enabled(True), progress_enabled(False)
        (True, False)

    """
    if requested is not None:
        return requested
    if options.progress is not None:
        return options.progress
    return interactive()
