"""``beanie`` that is data-bridge: the change-the-import promise, tested without changing a line.

Only for running Beanie's own test suite (``compat/beanie_suite.py`` puts this directory first on
``PYTHONPATH`` for the data-bridge run). ``import beanie`` gives the ``data_bridge`` module itself,
and ``import beanie.a.b`` gives ``data_bridge.a.b``: a meta-path finder answers for every
``beanie.*`` name with the already-imported ``data_bridge`` module, so no module is loaded twice
and a name missing under ``data_bridge`` fails exactly as it would for a user.

Example:
    >>> import beanie, data_bridge  # doctest: +SKIP
    >>> beanie is data_bridge  # doctest: +SKIP
    True

"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

import data_bridge

_ALIAS = "beanie"
_TARGET = "data_bridge"


class _ForwardingLoader(importlib.abc.Loader):
    """Hands the import system the ``data_bridge`` module that stands behind a ``beanie`` name."""

    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # The module keeps its own __name__/__spec__: the import system only fills in
        # attributes that are missing, so data_bridge's modules stay what they are.
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was executed when ``data_bridge`` imported it."""


class _ForwardingFinder(importlib.abc.MetaPathFinder):
    """Answers for ``beanie.*`` names with the module at the same path under ``data_bridge``."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_ALIAS + "."):
            return None
        forwarded = _TARGET + fullname[len(_ALIAS) :]
        if importlib.util.find_spec(forwarded) is None:
            return None  # ModuleNotFoundError names the missing ``beanie.*`` module
        return importlib.machinery.ModuleSpec(fullname, _ForwardingLoader(forwarded))


sys.meta_path.insert(0, _ForwardingFinder())
sys.modules[_ALIAS] = data_bridge
