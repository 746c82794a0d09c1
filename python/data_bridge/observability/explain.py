"""``query.explain()``: the server's plan for a find or an aggregation, and a short summary.

The command is built from the query's :class:`~data_bridge.analytics.source.ReadSpec` (the same
description every read runs from), sent with ``Database.command`` as
``{"explain": {...}, "verbosity": "executionStats"}``, and summarised in a :class:`PlanSummary`:
the stages of the winning plan (``IXSCAN``, ``COLLSCAN``, ``SORT``...), the index used, documents
and keys examined, documents returned and the server's execution time.

Example:
    >>> result = await User.find(User.age > 30).explain()  # doctest: +SKIP
    >>> result.summary.stage, result.summary.index_name  # doctest: +SKIP
    ('IXSCAN', 'age_1')

"""

from __future__ import annotations

import dataclasses
import html as _html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from data_bridge.observability import hints

if TYPE_CHECKING:
    from data_bridge.analytics.source import ReadSpec

VERBOSITIES = ("queryPlanner", "executionStats", "allPlansExecution")

# Engine option names -> find / aggregate command field names.
_FIND_FIELDS = {
    "projection": "projection",
    "sort": "sort",
    "skip": "skip",
    "limit": "limit",
    "hint": "hint",
    "collation": "collation",
    "max_time_ms": "maxTimeMS",
    "comment": "comment",
}
_AGGREGATE_FIELDS = {
    "allow_disk_use": "allowDiskUse",
    "hint": "hint",
    "collation": "collation",
    "max_time_ms": "maxTimeMS",
    "comment": "comment",
    "let": "let",
}


def _as_document(keys: Any) -> Any:
    """Turn ``[("a", 1)]`` into ``{"a": 1}`` (order kept); leave other values unchanged."""
    if isinstance(keys, (list, tuple)):
        return {str(field): direction for field, direction in keys}
    return keys


def explain_command(spec: ReadSpec, verbosity: str = "executionStats") -> dict[str, Any]:
    """Return the ``explain`` command for ``spec``'s find or aggregation.

    Example:
        >>> from data_bridge.analytics.source import ReadSpec
        >>> class Coll:
        ...     name = "users"
        >>> spec = ReadSpec(Coll(), filter={"a": 1}, options={"sort": [("b", -1)]})
        >>> command = explain_command(spec)
        >>> command["explain"]
        {'find': 'users', 'filter': {'a': 1}, 'sort': {'b': -1}}

    """
    if verbosity not in VERBOSITIES:
        raise ValueError(f"verbosity must be one of {VERBOSITIES}, not {verbosity!r}")
    name = spec.collection.name
    inner: dict[str, Any]
    if spec.pipeline is not None:
        inner = {"aggregate": name, "pipeline": [dict(s) for s in spec.pipeline], "cursor": {}}
        fields = _AGGREGATE_FIELDS
    else:
        inner = {"find": name, "filter": dict(spec.filter)}
        fields = _FIND_FIELDS
    for option, field in fields.items():
        value = spec.options.get(option)
        if value is not None:
            inner[field] = _as_document(value) if option in ("sort", "hint") else value
    return {"explain": inner, "verbosity": verbosity}


@dataclasses.dataclass(frozen=True)
class PlanSummary:
    """The facts of a plan worth reading first.

    Attributes:
        stage: The most telling stage: ``COLLSCAN`` or ``IXSCAN`` when either occurs (the
            access path), else the winning plan's root stage.
        stages: Every stage of the winning plan, root first (``["FETCH", "IXSCAN"]``).
        index_name: The index an ``IXSCAN`` used (its key pattern in ``index_keys``).
        docs_examined / keys_examined / returned: From ``executionStats`` (None with
            ``verbosity="queryPlanner"``).
        execution_ms: The server's ``executionTimeMillis``.

    Example:
        >>> PlanSummary(stage="COLLSCAN", stages=["COLLSCAN"], docs_examined=10).is_collscan
        True

    """

    stage: str | None
    stages: list[str] = dataclasses.field(default_factory=list)
    index_name: str | None = None
    index_keys: dict[str, Any] | None = None
    docs_examined: int | None = None
    keys_examined: int | None = None
    returned: int | None = None
    execution_ms: int | None = None

    @property
    def is_collscan(self) -> bool:
        """Whether the plan reads the whole collection."""
        return "COLLSCAN" in self.stages

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as a plain dict (JSON-serialisable)."""
        return dataclasses.asdict(self)

    def text(self) -> str:
        """One line: ``IXSCAN age_1: 90 keys, 90 docs examined, 90 returned, 4 ms``."""
        head = self.stage or "?"
        if self.index_name:
            head += f" {self.index_name}"
        parts = []
        if self.keys_examined is not None:
            parts.append(f"{self.keys_examined} keys")
        if self.docs_examined is not None:
            parts.append(f"{self.docs_examined} docs examined")
        if self.returned is not None:
            parts.append(f"{self.returned} returned")
        if self.execution_ms is not None:
            parts.append(f"{self.execution_ms} ms")
        return f"{head}: {', '.join(parts)}" if parts else head


def _walk(stage: Any, out: list[Mapping[str, Any]]) -> None:
    if not isinstance(stage, Mapping):
        return
    out.append(stage)
    if "inputStage" in stage:
        _walk(stage["inputStage"], out)
    for child in stage.get("inputStages", ()) or ():
        _walk(child, out)
    # Slot-based plans nest the classic-looking tree under queryPlan.
    if "queryPlan" in stage:
        _walk(stage["queryPlan"], out)


def _cursor_section(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the part of an explain reply holding ``queryPlanner`` ($cursor in pipelines)."""
    if "queryPlanner" in raw:
        return raw
    for stage in raw.get("stages", ()) or ():
        if isinstance(stage, Mapping) and isinstance(stage.get("$cursor"), Mapping):
            return stage["$cursor"]  # type: ignore[no-any-return]
    shards = raw.get("shards")
    if isinstance(shards, Mapping) and shards:
        first = next(iter(shards.values()))
        if isinstance(first, Mapping):
            return _cursor_section(first)
    return raw


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def summarize(raw: Mapping[str, Any]) -> PlanSummary:
    """Summarise an explain reply (find or aggregate, classic or slot-based engine).

    Example:
        >>> summarize({"queryPlanner": {"winningPlan": {"stage": "FETCH",
        ...     "inputStage": {"stage": "IXSCAN", "indexName": "a_1", "keyPattern": {"a": 1}}}},
        ...     "executionStats": {"nReturned": 2, "totalDocsExamined": 2,
        ...     "totalKeysExamined": 2, "executionTimeMillis": 0}}).text()
        'IXSCAN a_1: 2 keys, 2 docs examined, 2 returned, 0 ms'

    """
    section = _cursor_section(raw)
    planner = section.get("queryPlanner") or {}
    stages: list[Mapping[str, Any]] = []
    _walk(planner.get("winningPlan"), stages)
    names = [str(s.get("stage")) for s in stages if s.get("stage")]
    scan = next((s for s in stages if s.get("stage") in ("IXSCAN", "COLLSCAN")), None)
    if scan is None:
        scan = next((s for s in stages if s.get("stage") in ("EXPRESS_IXSCAN", "IDHACK")), None)
    index_stage = next((s for s in stages if s.get("indexName")), None)
    stats = section.get("executionStats") or {}
    return PlanSummary(
        stage=str(scan["stage"]) if scan is not None else (names[0] if names else None),
        stages=names,
        index_name=str(index_stage["indexName"]) if index_stage is not None else None,
        index_keys=dict(index_stage["keyPattern"])
        if index_stage is not None and isinstance(index_stage.get("keyPattern"), Mapping)
        else None,
        docs_examined=_int(stats.get("totalDocsExamined")),
        keys_examined=_int(stats.get("totalKeysExamined")),
        returned=_int(stats.get("nReturned")),
        execution_ms=_int(stats.get("executionTimeMillis")),
    )


@dataclasses.dataclass(frozen=True)
class ExplainResult:
    """The server's explain reply (``raw``), its :class:`PlanSummary` and an index hint.

    ``hint`` is a sentence naming the index (equality, sort, range fields: the ESR rule) that
    would serve the query when the plan scanned the collection or sorted in memory; None when
    the plan is already served by an index. Shown as text by ``repr`` and as a table in Jupyter.

    Example:
        >>> result = User.find(User.age > 30).explain()  # data_bridge.sync  # doctest: +SKIP
        >>> print(result)  # doctest: +SKIP
        find on app.users: IXSCAN age_1: 90 keys, 90 docs examined, 90 returned, 4 ms

    """

    namespace: str
    command: dict[str, Any]
    raw: dict[str, Any]
    summary: PlanSummary
    hint: str | None = None

    def __str__(self) -> str:
        kind = "aggregate" if "aggregate" in self.command.get("explain", {}) else "find"
        line = f"{kind} on {self.namespace}: {self.summary.text()}"
        return f"{line}\nhint: {self.hint}" if self.hint else line

    def __repr__(self) -> str:
        return f"ExplainResult({self!s})"

    def _repr_html_(self) -> str:
        from data_bridge.analytics.html import rows_html

        rows = [(k, v) for k, v in self.summary.as_dict().items() if v not in (None, [], {})]
        if self.hint:
            rows.append(("hint", self.hint))
        title = _html.escape(f"explain on {self.namespace}")
        return f'<div class="data-bridge"><strong>{title}</strong>{rows_html(["", ""], rows)}</div>'


def _spec_filter_sort(spec: ReadSpec) -> tuple[Mapping[str, Any], Any]:
    """Return the filter and sort an index would serve (a pipeline's leading stages)."""
    if spec.pipeline is None:
        return spec.filter, spec.options.get("sort")
    query: Mapping[str, Any] = {}
    sort: Any = None
    for stage in spec.pipeline:
        if "$match" in stage and not query and sort is None:
            query = stage["$match"]
        elif "$sort" in stage and sort is None:
            sort = stage["$sort"]
        else:
            break
    return query, sort


def _existing_keys(indexes: list[Mapping[str, Any]]) -> list[list[tuple[str, Any]]]:
    return [list(dict(ix.get("key") or {}).items()) for ix in indexes]


def _result(
    spec: ReadSpec, command: dict[str, Any], raw: dict[str, Any], indexes: Any
) -> ExplainResult:
    summary = summarize(raw)
    query, sort = _spec_filter_sort(spec)
    hint = hints.plan_hint(summary, query, sort, _existing_keys(indexes))
    return ExplainResult(spec.namespace, command, raw, summary, hint)


def explain_sync(spec: ReadSpec, verbosity: str = "executionStats") -> ExplainResult:
    """Run ``explain`` for ``spec`` and summarise it (blocking).

    Example:
        >>> explain_sync(User.find(User.age > 3)._read_spec()).summary.stage  # doctest: +SKIP
        'COLLSCAN'

    """
    command = explain_command(spec, verbosity)
    raw = spec.collection.database.command_sync(command, session=spec.session)
    indexes = spec.collection.list_indexes_sync()
    return _result(spec, command, raw, indexes)


async def explain_async(spec: ReadSpec, verbosity: str = "executionStats") -> ExplainResult:
    """Awaitable twin of :func:`explain_sync`."""
    command = explain_command(spec, verbosity)
    raw = await spec.collection.database.command(command, session=spec.session)
    indexes = await spec.collection.list_indexes()
    return _result(spec, command, raw, indexes)


class _ExplainBase:
    def _read_spec(self) -> ReadSpec:
        raise NotImplementedError

    def _explain_spec(self) -> ReadSpec:
        return self._read_spec()


class SyncExplain(_ExplainBase):
    """Mixed into blocking queries (``connect()`` queries, ``data_bridge.sync`` finds)."""

    def explain(self, verbosity: str = "executionStats") -> ExplainResult:
        """Return the server's plan for this query, summarised (no results are transferred).

        ``verbosity`` is ``"queryPlanner"`` (no execution), ``"executionStats"`` (the default:
        runs the plan to count documents examined) or ``"allPlansExecution"``.

        Example:
            >>> User.find(User.age > 30).explain().summary.stage  # doctest: +SKIP
            'IXSCAN'

        """
        return explain_sync(self._explain_spec(), verbosity)


class AsyncExplain(_ExplainBase):
    """Mixed into awaitable queries (``connect_async()`` queries, ``Document`` finds)."""

    async def explain(self, verbosity: str = "executionStats") -> ExplainResult:
        """Return the server's plan for this query, summarised (no results are transferred).

        Example:
            >>> (await User.find(User.age > 30).explain()).summary.stage  # doctest: +SKIP
            'IXSCAN'

        """
        return await explain_async(self._explain_spec(), verbosity)


class _FindOneSpec(_ExplainBase):
    def _explain_spec(self) -> ReadSpec:
        from data_bridge.analytics.source import ReadSpec

        query: Any = self
        options = dict(query._find_kwargs(1))
        options.pop("schema", None)
        session = options.pop("session", None)
        return ReadSpec(
            query._collection(), filter=query.get_filter_query(), options=options, session=session
        )


class FindOneExplain(_FindOneSpec, AsyncExplain):
    """``await User.find_one(...).explain()`` (mixed into the ODM's ``FindOne``)."""


class SyncFindOneExplain(_FindOneSpec, SyncExplain):
    """``User.find_one(...).explain()`` (mixed into ``data_bridge.sync``'s ``SyncFindOne``)."""
