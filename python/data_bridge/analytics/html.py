"""HTML for Jupyter: queries, streams, tables, documents, descriptions, write results.

Every function returns a small self-contained ``<div>`` (escaped text, no scripts). Rendering a
query or a stream never runs I/O: it shows what would be read and what has been read.

Example:
    >>> "<table" in rows_html(["a"], [[1]])
    True

"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from data_bridge.analytics.source import ReadSpec
    from data_bridge.analytics.stream import BatchStream

_MAX_CELL = 80
_PREVIEW_ROWS = 10


def _text(value: Any) -> str:
    shown = repr(value) if not isinstance(value, str) else value
    if len(shown) > _MAX_CELL:
        shown = shown[: _MAX_CELL - 1] + "…"
    return _html.escape(shown)


def rows_html(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Render an HTML table of ``rows`` under ``header`` (cells escaped and shortened).

    Example:
        >>> rows_html(["x"], [["<b>"]])
        '<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'

    """
    head = "".join(f"<th>{_html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_text(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _box(title: str, *parts: str) -> str:
    return f'<div class="data-bridge"><strong>{_html.escape(title)}</strong>{"".join(parts)}</div>'


def schema_rows(schema: Any) -> list[tuple[str, str]]:
    """``(name, type)`` of each top-level field of a dict spec or an Arrow schema."""
    if schema is None:
        return []
    if isinstance(schema, Mapping):
        return [(str(k), str(v)) for k, v in schema.items()]
    names = getattr(schema, "names", None)
    field_type = getattr(schema, "field_type", None)
    if names is not None and field_type is not None:
        return [(n, field_type(n)) for n in names]
    return [(f.name, str(f.type)) for f in schema]


def query_html(spec: ReadSpec) -> str:
    """Render what a query reads: namespace, filter or pipeline, options and schema (no I/O)."""
    summary = spec.describe()
    namespace = summary.pop("namespace")
    schema = summary.pop("schema", None)
    kind = "aggregate" if spec.is_aggregate else "find"
    options = rows_html(["option", "value"], [(k, v) for k, v in summary.items()])
    schema_part = (
        "<p>schema</p>" + rows_html(["field", "type"], schema_rows(schema))
        if schema is not None
        else "<p>schema: inferred from every document read</p>"
    )
    return _box(f"{kind} on {namespace}", options, schema_part)


def stream_html(stream: BatchStream) -> str:
    """Render a stream's query and how far it has been read."""
    progress = f"<p>{stream.batches_read} batches, {stream.rows_read} rows read so far</p>"
    return _box("BatchStream", progress, query_html(stream.spec))


def table_html(table: Any, max_rows: int = _PREVIEW_ROWS) -> str:
    """Render the first ``max_rows`` rows of a pyarrow or engine table, with its size."""
    names = list(table.column_names)
    if hasattr(table, "slice") and hasattr(table, "to_pylist"):
        head = table.slice(0, max_rows).to_pylist()
    else:
        head = [table.row(i) for i in range(min(max_rows, table.num_rows))]
    rows = [[row.get(n) for n in names] for row in head]
    title = f"{table.num_rows} rows, {len(names)} columns"
    return _box(title, rows_html(names, rows))


def document_html(document: Any) -> str:
    """Render a document's fields as a two-column table (the ODM attaches it as ``_repr_html_``).

    Example:
        >>> from pydantic import BaseModel
        >>> class Point(BaseModel):
        ...     x: int
        >>> "<td>x</td>" in document_html(Point(x=1))
        True

    """
    fields = getattr(type(document), "model_fields", {})
    rows = [(name, getattr(document, name, None)) for name in fields]
    return _box(type(document).__name__, rows_html(["field", "value"], rows))


def mapping_html(title: str, values: Mapping[str, Any]) -> str:
    """Render a titled key/value table."""
    return _box(title, rows_html(["", ""], list(values.items())))
