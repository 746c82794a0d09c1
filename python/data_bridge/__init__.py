"""data-bridge: a Beanie-compatible MongoDB ODM whose engine is Rust.

Query results arrive as raw BSON and are decoded in Rust, in parallel and without the GIL, into
Apache Arrow; they surface as lazy pydantic ``Document`` objects or, zero-copy, as pyarrow /
pandas / polars / numpy data.

Example:
    >>> import data_bridge
    >>> data_bridge.__version__  # doctest: +SKIP
    '0.1.0'
"""

from __future__ import annotations

from data_bridge import _engine
from data_bridge._engine import __version__

if getattr(_engine, "DEBUG_BUILD", False):
    import warnings

    # A debug build is 10-50x slower: nobody should benchmark one by accident.
    warnings.warn(
        "data_bridge was built in debug mode; build with `make build` (release) before measuring",
        RuntimeWarning,
        stacklevel=2,
    )

__all__ = ["__version__"]

# --- codec exports ---
# --- end codec exports ---

# --- ODM exports ---
# --- end ODM exports ---
