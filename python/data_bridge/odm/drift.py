"""Documents whose stored types drifted from the model: strict by default, lossless on request.

A model's fields are its decode schema. When a stored value has another type (an ``int``
field now holding ``"thirty"`` in some documents), the default ``on_mismatch="error"`` raises
``DecodeError`` naming the row, the field path, and the expected and found types. Nothing is
ever turned into a null silently.

``on_mismatch="raw"`` is the lossless fallback: the read is repeated with every top-level
field that held such a value decoded as raw BSON, and those fields of the returned documents
hold the values exactly as stored, unvalidated (``doc.age == "thirty"``); the other fields are
decoded and validated as usual. Arrow exports of such a query get a raw-BSON column
(``data_bridge.bson``: each value the BSON document ``{"v": value}``) for each such field.
Each drifted field costs one more read.

Example:
    >>> people = await Person.find_all().to_list()  # doctest: +SKIP
    Traceback (most recent call last):
    DecodeError: type mismatch at row 4321 in field 'age': expected long, found string
    >>> people = await Person.find_all(on_mismatch="raw").to_list()  # doctest: +SKIP
    >>> people[4321].age  # doctest: +SKIP
    'thirty'

"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from data_bridge import _engine
from data_bridge.analytics.schemas import top_level_key, widen_schema
from data_bridge.odm import lazy, links
from data_bridge.odm.executor import Call, Plan

T = TypeVar("T")

OnMismatch = Literal["error", "raw"]
MODES: tuple[str, ...] = ("error", "raw")


#: ``(model, plan) -> read spec``: the plan's spec with each field's presence rule.
_READ_SPECS: dict[type, tuple[Any, dict[str, Any]]] = {}


def read_spec(model: type, plan: Any) -> dict[str, Any]:
    """Return the decode spec of a document model: ``plan.spec`` plus pydantic's presence rules.

    A field that validation would refuse as None is read as ``(type, rule)``, so the codec
    raises ``DecodeError`` (``found`` is ``"null"`` or ``"missing"``) instead of yielding a
    silent None: ``"required"`` (required, not Optional: neither null nor missing),
    ``"not_null"`` (a default, not Optional: a missing key takes the default, a null is an
    error), ``"present"`` (required Optional: null is fine, a missing key is not; left out when
    the model's ``keep_nulls`` is off, since then None values are not stored). Fields read as
    raw BSON (``"any"``: arbitrary types, links) and ``_id`` get no rule.

    Example:
        >>> from data_bridge import Document
        >>> class P(Document):
        ...     name: str
        ...     age: int = 0
        ...     nick: str | None = None
        >>> spec = read_spec(P, P._db_model_plan())
        >>> spec["name"], spec["age"], spec["nick"]
        (('string', 'required'), ('long', 'not_null'), 'string')

    """
    cached = _READ_SPECS.get(model)
    if cached is not None and cached[0] is plan:
        return cached[1]
    settings = getattr(model, "get_settings", None)
    keep_nulls = True
    if settings is not None:
        try:
            keep_nulls = bool(getattr(settings(), "keep_nulls", True))
        except Exception:  # an uninitialised model: the default
            keep_nulls = True
    spec = dict(plan.spec)
    infos = getattr(model, "__pydantic_fields__", {})
    never_stored = set(links.back_link_keys(model))  # back links: filled in, never read
    for name, field in plan.fields.items():
        info = infos.get(name)
        stored = spec.get(field.key)
        if info is None or field.key == "_id" or stored is None or info.exclude:
            continue
        if field.key in never_stored:
            continue
        if stored == "any" or (isinstance(stored, dict) and "rest" in stored.values()):
            continue
        rule = _presence(info.is_required(), field.nullable, keep_nulls)
        if rule is not None:
            spec[field.key] = (stored, rule)
    _READ_SPECS[model] = (plan, spec)
    return spec


def _presence(required: bool, nullable: bool, keep_nulls: bool) -> str | None:
    if required:
        if not nullable:
            return "required"
        return "present" if keep_nulls else None
    return None if nullable else "not_null"


def check_mode(on_mismatch: str) -> str:
    """Return ``on_mismatch`` if model queries support it.

    ``"null"`` (the analytics reader's counted nulls) is refused here: a model field would
    hold None where the database holds a value.

    Example:
        >>> check_mode("raw")
        'raw'

    """
    if on_mismatch not in MODES:
        raise _engine.InvalidInput(
            f'on_mismatch for model queries must be "error" or "raw", not {on_mismatch!r}'
        )
    return on_mismatch


def lossless(query: Any, plan: Plan[T]) -> Plan[T]:
    """Run ``plan``; with ``query.on_mismatch == "raw"``, widen and repeat a failing read.

    A ``DecodeError`` from a read step (a ``Call`` with ``schema=``) makes that step run again
    with the field of the error read as raw BSON, until the read succeeds or nothing is left
    to widen (then the error goes to ``plan`` as usual). The result's documents then hold the
    stored values of the widened fields.
    """
    if getattr(query, "on_mismatch", "error") != "raw":
        return (yield from plan)
    widened: set[str] = set()
    try:
        step = next(plan)
        while True:
            try:
                result = yield step
            except _engine.DecodeError as exc:
                retry = _widened_step(step, exc, widened)
                if retry is not None:
                    step = retry
                    continue
                step = plan.throw(exc)
                continue
            except Exception as exc:
                step = plan.throw(exc)
                continue
            step = plan.send(result)
    except StopIteration as stop:
        value = stop.value
    _keep_stored(value, widened)
    return value  # type: ignore[no-any-return]


def _widened_step(step: Any, error: Any, widened: set[str]) -> Call | None:
    """``step`` reading the field of ``error`` as raw BSON, or None when it cannot be."""
    if type(step) is not Call or step.kwargs.get("schema") is None:
        return None
    path = str(getattr(error, "path", ""))
    schema = widen_schema(step.kwargs["schema"], path)
    if schema is None:
        return None
    widened.add(top_level_key(path))
    return Call(step.target, step.method, *step.args, **{**step.kwargs, "schema": schema})


def _keep_stored(result: Any, keys: set[str]) -> None:
    """Give the widened fields of every document in ``result`` their stored values."""
    if not keys:
        return
    docs = result if isinstance(result, list) else [result]
    for doc in docs:
        source = lazy.slot(lazy.SOURCE_SLOT, doc)
        if source is None:
            continue
        row = lazy.ROW_SLOT.__get__(doc)
        values = lazy.real_dict(doc)
        by_key = type(doc)._db_model_plan().by_key
        for key in keys:
            plan = by_key.get(key)
            if plan is not None:
                values[plan.name] = source.raw(key, row)
