"""Progress bars (tqdm) for loads and writes; silent unless enabled (see ``options``).

A bar appears only after ``options.progress_delay`` seconds, so quick calls print nothing.

Example:
    >>> with ProgressBar(total=3, desc="demo", enabled=False) as bar:
    ...     bar.update(3)
    >>> bar.count
    3

"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from data_bridge.analytics.optional import require
from data_bridge.analytics.options import options, progress_enabled


class ProgressBar:
    """A tqdm bar counting rows, or a silent counter when progress is off.

    Args:
        total: Rows expected, when known.
        desc: Label shown before the bar (``"find db.orders"``).
        enabled: ``True``/``False`` to force, ``None`` to follow ``data_bridge.options``.
        unit: What is counted.

    Example:
        >>> bar = ProgressBar(total=10, desc="rows", enabled=False)
        >>> bar.update(4)
        >>> bar.count, bar.shown
        (4, False)

    """

    def __init__(
        self,
        total: int | None = None,
        desc: str | None = None,
        *,
        enabled: bool | None = None,
        unit: str = "rows",
    ) -> None:
        self.count = 0
        self._bar: Any = None
        if progress_enabled(enabled):
            tqdm = require("tqdm", purpose="progress bars")
            auto = __import__("tqdm.auto", fromlist=["tqdm"])
            cls = auto.tqdm if hasattr(auto, "tqdm") else tqdm.tqdm
            self._bar = cls(
                total=total,
                desc=desc,
                unit=unit,
                unit_scale=True,
                delay=options.progress_delay,
                leave=False,
            )

    @property
    def shown(self) -> bool:
        """Whether a real bar is attached (progress is on)."""
        return self._bar is not None

    @property
    def bar(self) -> Any:
        """The underlying tqdm object (``None`` when progress is off)."""
        return self._bar

    def update(self, n: int) -> None:
        """Count ``n`` more rows."""
        self.count += n
        if self._bar is not None:
            self._bar.update(n)

    def refresh(self) -> None:
        """Redraw (shows elapsed time while waiting on a call without intermediate counts)."""
        if self._bar is not None:
            self._bar.refresh()

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
