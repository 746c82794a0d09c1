"""Field helpers beyond Beanie: ``User.name.startswith("A")``, ``User.tags.contains("x")``, ...

Each helper returns a find operator, so it composes with ``&``, ``|`` and ``~`` and goes wherever
a filter goes. String helpers apply to ``str`` fields, array helpers to list fields: on a field
of another type they raise ``TypeError`` while the query is built, before anything is sent.

Type checkers see ``User.name`` as the ``str`` pydantic declares; :func:`expr` gives them a typed
expression instead, whose helpers they know (string helpers on ``str`` fields only, array helpers
on list fields only).

Example:
    >>> from data_bridge import Document, expr
    >>> class User(Document):
    ...     name: str
    ...     tags: list[str] = []
    >>> User.name.startswith("Ad").query
    {'name': {'$regex': '^Ad'}}
    >>> (expr(User.tags).contains("python") & ~User.name.icontains("bot")).query
    {'$and': [{'tags': 'python'}, {'$nor': [{'name': {'$regex': 'bot', '$options': 'i'}}]}]}

"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol, TypeVar, Union, overload

from data_bridge.odm.codecs import _strip
from data_bridge.odm.links import BackLink, Link
from data_bridge.odm.operators.find.array import All, Size
from data_bridge.odm.operators.find.comparison import Eq, In, NotIn
from data_bridge.odm.operators.find.element import Exists
from data_bridge.odm.operators.find.logical import BaseFindOperator

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

_ARRAYS = (list, set, tuple, frozenset)

# Kinds of value a field holds, as far as its annotation tells.
Kind = Literal["text", "array", "other", "unknown"]


def kinds_of(annotation: Any) -> frozenset[Kind]:
    """Return the kinds of value a field annotated ``annotation`` holds (``unknown``: ``Any``).

    Example:
        >>> sorted(kinds_of(int | list[str] | None))
        ['array', 'other']

    """
    if annotation is None or annotation is Any:
        return frozenset({"unknown"})
    core, _, _ = _strip(annotation)
    origin = typing.get_origin(core)
    if origin is Union or origin is types.UnionType:
        out: set[Kind] = set()
        for member in typing.get_args(core):
            if member is not type(None):
                out |= kinds_of(member)
        return frozenset(out)
    return frozenset({_kind_of(core, origin)})


def _kind_of(core: Any, origin: Any) -> Kind:
    if core is Any or isinstance(core, TypeVar):
        return "unknown"
    if isinstance(core, type) and issubclass(core, str):
        return "text"
    if origin is Literal:
        return "text" if all(isinstance(a, str) for a in typing.get_args(core)) else "other"
    if origin in _ARRAYS or core in _ARRAYS:
        return "array"
    return "other"


def type_name(annotation: Any) -> str:
    """Return a short readable name of an annotation (``int``, ``list[str]``, ``Optional[str]``)."""
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "")


def _values(helper: str, values: Iterable[Any]) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{helper}() takes a list of values, got {type(values).__name__}")
    return list(values)


def _text(helper: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{helper}() takes a str, got {type(value).__name__}: {value!r}")
    return value


class TextMatch(BaseFindOperator):
    """``{field: {"$regex": pattern[, "$options": options]}}``, built by the string helpers.

    It is a query, not a truth value: ``bool()`` raises, so code that meant ``str.startswith``
    on a field path (``User.name.startswith("-")``) fails loudly instead of being always true.

    Example:
        >>> TextMatch("name", "^Ber").query
        {'name': {'$regex': '^Ber'}}

    """

    def __init__(self, field: Any, pattern: str, options: str = "") -> None:
        self.field = field
        self.pattern = pattern
        self.options = options

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        condition: dict[str, Any] = {"$regex": self.pattern}
        if self.options:
            condition["$options"] = self.options
        return {str(self.field): condition}

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self!r} is a query, not a bool: call str(field).startswith(...) to test the "
            "field's path as text"
        )


class Between(BaseFindOperator):
    """``{field: {"$gte": low, "$lte": high}}``: both bounds included, one index range.

    Example:
        >>> Between("age", 18, 65).query
        {'age': {'$gte': 18, '$lte': 65}}

    """

    def __init__(self, field: Any, low: Any, high: Any) -> None:
        self.field = field
        self.low = low
        self.high = high

    @property
    def query(self) -> dict[str, Any]:
        """The compiled query document."""
        return {str(self.field): {"$gte": self.low, "$lte": self.high}}


# ------------------------------------------------------------------ the helpers


class FieldHelpers:
    """The query helpers of ``ExpressionField`` (``User.name.startswith("A")``, ...).

    A mixin of the field expression (a ``str`` holding the storage path): each helper returns a
    find operator; one used on a field of the wrong type raises ``TypeError`` naming the field
    and its type. A field of an embedded model named like a helper (``size``, ``exists``...)
    wins over the helper: ``User.shirt.size`` is the path ``"shirt.size"``.
    """

    __slots__ = ()

    def __getattribute__(self, item: str) -> Any:
        if item in _HELPERS:
            resolution = object.__getattribute__(self, "_field_resolution")
            if item in _sub_fields(resolution):
                return type(self).__getattr__(self, item)  # type: ignore[attr-defined]
        return object.__getattribute__(self, item)

    @property
    def _annotation(self) -> Any:
        resolution = getattr(self, "_field_resolution", None)
        return getattr(resolution, "annotation", None)

    def _require(self, helper: str, kind: Kind) -> None:
        kinds = kinds_of(self._annotation)
        if kind not in kinds and "unknown" not in kinds:
            wanted = "str" if kind == "text" else "list"
            raise TypeError(
                f"{helper}() applies to {wanted} fields: {str(self)!r} is "
                f"{type_name(self._annotation)}"
            )

    def _text_match(self, helper: str, pattern: str, options: str = "") -> TextMatch:
        self._require(helper, "text")
        return TextMatch(self, pattern, options)

    def startswith(self, prefix: str) -> BaseFindOperator:
        """Text starting with ``prefix``: an anchored regex on escaped text, served by an index.

        Example:
            >>> User.address.city.startswith("Ber").query  # doctest: +SKIP
            {'address.city': {'$regex': '^Ber'}}

        """
        return self._text_match("startswith", "^" + re.escape(_text("startswith", prefix)))

    def istartswith(self, prefix: str) -> BaseFindOperator:
        """Case-insensitive :meth:`startswith` (an index cannot bound it: it scans).

        Example:
            >>> User.name.istartswith("ada").query  # doctest: +SKIP
            {'name': {'$regex': '^ada', '$options': 'i'}}

        """
        return self._text_match("istartswith", "^" + re.escape(_text("istartswith", prefix)), "i")

    def endswith(self, suffix: str) -> BaseFindOperator:
        r"""Text ending with ``suffix`` (literal text; ``\z`` is the very end of the value).

        Example:
            >>> User.email.endswith(".org").query  # doctest: +SKIP
            {'email': {'$regex': '\\.org\\z'}}

        """
        return self._text_match("endswith", re.escape(_text("endswith", suffix)) + r"\z")

    def iendswith(self, suffix: str) -> BaseFindOperator:
        """Case-insensitive :meth:`endswith`.

        Example:
            >>> User.email.iendswith(".ORG").query["email"]["$options"]  # doctest: +SKIP
            'i'

        """
        return self._text_match("iendswith", re.escape(_text("iendswith", suffix)) + r"\z", "i")

    def contains(self, value: Any) -> BaseFindOperator:
        r"""Substring (literal text) of a ``str`` field; one element of a list field.

        Example:
            >>> User.name.contains("a.b").query  # doctest: +SKIP
            {'name': {'$regex': 'a\\.b'}}
            >>> User.tags.contains("python").query  # doctest: +SKIP
            {'tags': 'python'}

        """
        kinds = kinds_of(self._annotation)
        if kinds == {"unknown"}:
            raise TypeError(
                f"contains() cannot tell whether {str(self)!r} holds text or a list (its type is "
                f"{type_name(self._annotation)}): use matches(re.escape(text)) or "
                "contains_any([value])"
            )
        if "array" in kinds:
            if isinstance(value, (list, tuple, set, frozenset)):
                raise TypeError(
                    f"contains() takes one element of {str(self)!r}: use contains_all() or "
                    "contains_any() for several"
                )
            return Eq(self, value)
        if "text" in kinds:
            return TextMatch(self, re.escape(_text("contains", value)))
        raise TypeError(
            f"contains() applies to str and list fields: {str(self)!r} is "
            f"{type_name(self._annotation)}"
        )

    def icontains(self, text: str) -> BaseFindOperator:
        """Case-insensitive substring (literal text) of a ``str`` field.

        Example:
            >>> User.name.icontains("ADA").query  # doctest: +SKIP
            {'name': {'$regex': 'ADA', '$options': 'i'}}

        """
        return self._text_match("icontains", re.escape(_text("icontains", text)), "i")

    def matches(self, pattern: str, options: str = "") -> BaseFindOperator:
        """Match a regular expression, as given (not escaped), with MongoDB ``$options``.

        Example:
            >>> User.name.matches(r"^A.*a$", "i").query  # doctest: +SKIP
            {'name': {'$regex': '^A.*a$', '$options': 'i'}}

        """
        return self._text_match("matches", _text("matches", pattern), options)

    def contains_all(self, values: Iterable[Any]) -> BaseFindOperator:
        """Match a list field holding every one of ``values`` (``$all``).

        Example:
            >>> User.tags.contains_all(["a", "b"]).query  # doctest: +SKIP
            {'tags': {'$all': ['a', 'b']}}

        """
        self._require("contains_all", "array")
        return All(self, _values("contains_all", values))

    def contains_any(self, values: Iterable[Any]) -> BaseFindOperator:
        """Match a list field holding at least one of ``values`` (``$in``).

        Example:
            >>> User.tags.contains_any(["a", "b"]).query  # doctest: +SKIP
            {'tags': {'$in': ['a', 'b']}}

        """
        self._require("contains_any", "array")
        return In(self, _values("contains_any", values))

    def size(self, length: int) -> BaseFindOperator:
        """Match a list field with exactly ``length`` elements (``$size``).

        Example:
            >>> User.tags.size(2).query  # doctest: +SKIP
            {'tags': {'$size': 2}}

        """
        self._require("size", "array")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise TypeError(f"size() takes a non-negative int, got {length!r}")
        return Size(self, length)

    def is_in(self, values: Iterable[Any]) -> BaseFindOperator:
        """Match a value that is one of ``values`` (``$in``).

        Example:
            >>> User.age.is_in([1, 2]).query  # doctest: +SKIP
            {'age': {'$in': [1, 2]}}

        """
        return In(self, _values("is_in", values))

    def not_in(self, values: Iterable[Any]) -> BaseFindOperator:
        """Match a value that is none of ``values`` (``$nin``; a missing field matches too).

        Example:
            >>> User.age.not_in([1, 2]).query  # doctest: +SKIP
            {'age': {'$nin': [1, 2]}}

        """
        return NotIn(self, _values("not_in", values))

    def between(self, low: Any, high: Any) -> BaseFindOperator:
        """``low <= value <= high``, both bounds included (one index range).

        Example:
            >>> User.age.between(18, 65).query  # doctest: +SKIP
            {'age': {'$gte': 18, '$lte': 65}}

        """
        return Between(self, low, high)

    def exists(self, present: bool = True) -> BaseFindOperator:
        """Match a present field (``present=False``: an absent one), whatever its value.

        Example:
            >>> User.email.exists().query  # doctest: +SKIP
            {'email': {'$exists': True}}

        """
        return Exists(self, present)

    def is_null(self) -> BaseFindOperator:
        """Match a null or absent field (``{field: null}``), without writing ``== None``.

        Example:
            >>> User.email.is_null().query  # doctest: +SKIP
            {'email': None}

        """
        return Eq(self, None)


def _sub_fields(resolution: Any) -> Mapping[str, Any]:
    """Return the fields one step below a path: its embedded model's or linked document's."""
    fields = getattr(resolution.model_class, "__pydantic_fields__", None) or {}
    if resolution.is_link:
        # A link's path names the stored reference (LinkRef) and the linked document's fields
        # (``House.wheels.size`` filters on the linked wheels' ``size``).
        linked = getattr(_linked_model(resolution.annotation), "__pydantic_fields__", None)
        if linked:
            return {**linked, **fields}
    return fields


def _linked_model(annotation: Any) -> Any:
    core, _, _ = _strip(annotation)
    if typing.get_origin(core) in _ARRAYS:
        args = typing.get_args(core)
        core = _strip(args[0])[0] if args else None
    origin = typing.get_origin(core)
    if isinstance(origin, type) and issubclass(origin, (Link, BackLink)):
        args = typing.get_args(core)
        return args[0] if args else None
    return None


# Names a same-named field of an embedded model takes precedence over.
_HELPERS = frozenset(
    name for name, value in vars(FieldHelpers).items() if callable(value) and name[0] != "_"
)


# ------------------------------------------------------------------ static types for `expr`


class FieldExpression(Protocol):
    """What a type checker knows about any field expression (see :func:`expr`)."""

    def is_in(self, values: Iterable[Any]) -> BaseFindOperator:
        """See :meth:`ExpressionField.is_in`."""
        ...

    def not_in(self, values: Iterable[Any]) -> BaseFindOperator:
        """See :meth:`ExpressionField.not_in`."""
        ...

    def between(self, low: Any, high: Any) -> BaseFindOperator:
        """See :meth:`ExpressionField.between`."""
        ...

    def exists(self, present: bool = True) -> BaseFindOperator:
        """See :meth:`ExpressionField.exists`."""
        ...

    def is_null(self) -> BaseFindOperator:
        """See :meth:`ExpressionField.is_null`."""
        ...


class TextExpression(FieldExpression, Protocol):
    """A ``str`` field's expression: the string helpers (see :func:`expr`)."""

    def startswith(self, prefix: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.startswith`."""
        ...

    def istartswith(self, prefix: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.istartswith`."""
        ...

    def endswith(self, suffix: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.endswith`."""
        ...

    def iendswith(self, suffix: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.iendswith`."""
        ...

    def contains(self, text: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.contains`."""
        ...

    def icontains(self, text: str) -> BaseFindOperator:
        """See :meth:`ExpressionField.icontains`."""
        ...

    def matches(self, pattern: str, options: str = "") -> BaseFindOperator:
        """See :meth:`ExpressionField.matches`."""
        ...


class ArrayExpression(FieldExpression, Protocol[T_contra]):
    """A list field's expression: the array helpers, typed by the element (see :func:`expr`)."""

    def contains(self, value: T_contra) -> BaseFindOperator:
        """See :meth:`ExpressionField.contains`."""
        ...

    def contains_all(self, values: Iterable[T_contra]) -> BaseFindOperator:
        """See :meth:`ExpressionField.contains_all`."""
        ...

    def contains_any(self, values: Iterable[T_contra]) -> BaseFindOperator:
        """See :meth:`ExpressionField.contains_any`."""
        ...

    def size(self, length: int) -> BaseFindOperator:
        """See :meth:`ExpressionField.size`."""
        ...


# A None-able field matches the first two (None): the first wins, which only matters for a
# field annotated None alone.
@overload
def expr(field: str | None) -> TextExpression: ...  # type: ignore[overload-overlap]
@overload
def expr(field: list[T] | set[T] | frozenset[T] | tuple[T, ...] | None) -> ArrayExpression[T]: ...
@overload
def expr(field: object) -> FieldExpression: ...
def expr(field: object) -> Any:
    """Return a model field's query expression, typed for type checkers by the field's type.

    At run time it is the field expression itself (``User.name``); statically a ``str`` field
    gets the string helpers, a ``list[T]`` field the array helpers taking ``T``, any other field
    ``is_in`` / ``not_in`` / ``between`` / ``exists`` / ``is_null``. Without it, type checkers
    see ``User.name`` as a ``str``, which has ``startswith`` but no ``contains``.

    Example:
        >>> from data_bridge import Document, expr
        >>> class Post(Document):
        ...     title: str
        ...     tags: list[str] = []
        >>> expr(Post.tags).contains_all(["rust", "python"]).query
        {'tags': {'$all': ['rust', 'python']}}
        >>> expr(Post.title).istartswith("how").query
        {'title': {'$regex': '^how', '$options': 'i'}}

    """
    from data_bridge.odm.fields import ExpressionField

    if not isinstance(field, ExpressionField):
        raise TypeError(
            f"expr() takes a model field such as User.name, got {type(field).__name__}: {field!r}"
        )
    return field
