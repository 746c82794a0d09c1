"""Every public class and function carries a docstring with a short example.

Public means: ``data_bridge.__all__`` and the public names of ``data_bridge.operators``,
``data_bridge.sync`` and ``data_bridge.embedded``. An example is a doctest line (``>>>``) or an
``Example:`` / ``Examples:`` section. The docstring must be the object's own, not one inherited
from a base class or pydantic.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator

import pytest

PUBLIC_MODULES = (
    "data_bridge",
    "data_bridge.operators",
    "data_bridge.sync",
    "data_bridge.embedded",
)
_EXAMPLE = re.compile(r"^\s*(>>>|Examples?:\s*$)", re.MULTILINE)

# Names that lack an example today. Each entry is a known gap, not an exemption: the lead chases
# the owners, and test_allowlist_is_not_stale fails once a name gains its example so the entry
# gets removed. Do not add names here to silence a new failure; write the docstring instead.
# Empty: every public name has its example.
MISSING_EXAMPLE_ALLOWLIST: frozenset[str] = frozenset()


def _public_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module_name
        ]
    return sorted(names)


def _public_objects() -> Iterator[tuple[str, object]]:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in _public_names(module_name):
            value = getattr(module, name)
            # Values (``__version__``, the ``options`` instance) document themselves elsewhere.
            if inspect.isclass(value) or inspect.isroutine(value):
                yield f"{module_name}.{name}", value


def _has_example(value: object) -> bool:
    own = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
    return isinstance(own, str) and bool(_EXAMPLE.search(inspect.cleandoc(own)))


PUBLIC = dict(_public_objects())


def test_the_walk_finds_the_public_api() -> None:
    # Guards against an empty walk passing vacuously.
    for expected in ("data_bridge.Document", "data_bridge.connect", "data_bridge.operators.In"):
        assert expected in PUBLIC


def test_every_public_name_has_a_docstring_with_an_example() -> None:
    missing = sorted(
        name
        for name, value in PUBLIC.items()
        if name not in MISSING_EXAMPLE_ALLOWLIST and not _has_example(value)
    )
    assert not missing, f"public names without a docstring example: {missing}"


def test_allowlist_is_not_stale() -> None:
    unknown = sorted(MISSING_EXAMPLE_ALLOWLIST - PUBLIC.keys())
    assert not unknown, f"allowlisted names that are not public (renamed?): {unknown}"
    fixed = sorted(name for name in MISSING_EXAMPLE_ALLOWLIST if _has_example(PUBLIC[name]))
    assert not fixed, f"these now have examples: remove them from the allowlist: {fixed}"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("Do it.\n\nExample:\n    >>> f()\n", True),
        ("Do it.\n\n>>> f()\n", True),
        ("Do it.\n\nExamples:\n    f()\n", True),
        ("Do it (for example, like this).", False),
        ("", False),
    ],
)
def test_example_detection(doc: str, expected: bool) -> None:
    def f() -> None: ...

    f.__doc__ = doc
    assert _has_example(f) is expected
