"""What a document model declares, and how the stored documents differ from it.

``describe_model`` lists fields (storage key, annotation, decode type), settings that change
storage (hierarchy, union, time series, links) and declared indexes. ``diff_model`` samples the
stored documents and reports keys the model lacks, required fields the documents lack, values
whose BSON type the model would not decode, and indexes declared but not built (or built but
not declared). The ``data-bridge schema show|diff`` commands print them.

Example:
    >>> report = diff_model(User, documents=[{"_id": 1, "name": 3}], indexes=[])  # doctest: +SKIP
    >>> report.wrong_types  # doctest: +SKIP
    {'name': {'int': 1}}

"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bson import Binary, Decimal128, ObjectId

from data_bridge.odm import inheritance, links
from data_bridge.odm.indexes import declared


@dataclass
class FieldInfo:
    """One model field as stored."""

    name: str
    key: str
    annotation: str
    spec: Any
    required: bool
    nullable: bool


@dataclass
class ModelDescription:
    """The storage-relevant view of a document model."""

    model: str
    collection: str
    fields: list[FieldInfo]
    settings: dict[str, Any]
    indexes: list[dict[str, Any]]

    def to_text(self) -> str:
        """Return the description as an aligned table (what ``schema show`` prints)."""
        lines = [f"{self.model} -> collection {self.collection!r}"]
        width = max([len(f.name) for f in self.fields] + [5])
        key_width = max([len(f.key) for f in self.fields] + [3])
        lines.append(f"  {'field':<{width}}  {'key':<{key_width}}  {'decoded as':<16}annotation")
        for f in self.fields:
            flags = "" if f.required else " (optional)"
            lines.append(
                f"  {f.name:<{width}}  {f.key:<{key_width}}  {_spec_text(f.spec):<16}"
                f"{f.annotation}{flags}"
            )
        for key, value in self.settings.items():
            lines.append(f"  {key}: {value}")
        for index in self.indexes:
            lines.append(f"  index {index['name']}: {index['key']}")
        return "\n".join(lines)


def _spec_text(spec: Any) -> str:
    if isinstance(spec, list):
        return f"[{_spec_text(spec[0]) if spec else 'any'}]"
    if isinstance(spec, dict):
        return "document"
    return str(spec)


def describe_model(model: Any) -> ModelDescription:
    """Return what ``model`` stores and how.

    Example:
        >>> describe_model(User).fields[0].key  # doctest: +SKIP
        '_id'

    """
    plan = model._db_model_plan()
    fields = []
    for name, field_plan in plan.fields.items():
        info = model.__pydantic_fields__[name]
        annotation = getattr(info.annotation, "__name__", None) or repr(info.annotation)
        fields.append(
            FieldInfo(
                name,
                field_plan.key,
                str(annotation).replace("typing.", ""),
                field_plan.spec,
                info.is_required(),
                field_plan.nullable,
            )
        )
    settings: dict[str, Any] = {}
    class_id = inheritance.class_id_of(model)
    if class_id is not None:
        settings["class id"] = f"{model.get_settings().class_id} = {class_id!r}"
    timeseries = model.get_settings().timeseries
    if timeseries is not None:
        settings["time series"] = getattr(timeseries, "create_options", lambda: timeseries)()
    for link in links.link_fields(model).values():
        kind = "BackLink" if link.back else "Link"
        target = getattr(link.target(), "__name__", link.model)
        settings[f"link {link.name}"] = f"{'list of ' if link.many else ''}{kind} to {target}"
    indexes = []
    for index in declared(model):
        document = dict(index.document)
        indexes.append({"name": document.get("name"), "key": dict(document["key"])})
    return ModelDescription(model.__name__, model.get_collection_name(), fields, settings, indexes)


_FITS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "long": (int,),
    "double": (float, int),
    "bool": (bool,),
    "date": (datetime.datetime,),
    "objectId": (ObjectId,),
    "binData": (bytes, Binary),
}


def _fits(spec: Any, value: Any) -> bool:
    if isinstance(spec, list):
        return isinstance(value, list)
    if isinstance(spec, dict):
        return isinstance(value, dict)
    kinds = _FITS.get(spec)
    if kinds is None:
        return True
    if spec in ("long", "double") and isinstance(value, bool):
        return False
    if spec == "double" and isinstance(value, Decimal128):
        return False
    return isinstance(value, kinds)


def _wrong_types(spec: Any, value: Any, path: str, found: dict[str, dict[str, int]]) -> None:
    """Record, under its dotted path, every value in ``value`` the field ``spec`` would not decode.

    Embedded documents and list items are checked too (``address.zip``, ``lines[].sku``).
    """
    if value is None:
        return  # nulls are reported (or allowed) by the caller, per top-level field
    if not _fits(spec, value):
        kinds = found.setdefault(path, {})
        kind = _bson_type(value)
        kinds[kind] = kinds.get(kind, 0) + 1
    elif isinstance(spec, dict):
        for key, inner in spec.items():
            if key in value:
                _wrong_types(inner, value[key], f"{path}.{key}", found)
    elif isinstance(spec, list) and spec:
        for item in value:
            _wrong_types(spec[0], item, f"{path}[]", found)


def _bson_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    names = {
        str: "string",
        int: "int",
        float: "double",
        dict: "object",
        list: "array",
        datetime.datetime: "date",
        ObjectId: "objectId",
    }
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


@dataclass
class SchemaDiff:
    """How stored documents (a sample) and indexes differ from a model."""

    model: str
    sampled: int
    extra_keys: dict[str, int] = field(default_factory=dict)
    missing_required: dict[str, int] = field(default_factory=dict)
    unexpected_nulls: dict[str, int] = field(default_factory=dict)
    wrong_types: dict[str, dict[str, int]] = field(default_factory=dict)
    indexes_not_built: list[str] = field(default_factory=list)
    indexes_not_declared: list[str] = field(default_factory=list)
    method: str = ""
    """How the documents were chosen: ``"all"``, ``"$sample"`` (random), or ``""`` (given)."""

    @property
    def clean(self) -> bool:
        """Whether nothing differs."""
        return not (
            self.extra_keys
            or self.missing_required
            or self.unexpected_nulls
            or self.wrong_types
            or self.indexes_not_built
            or self.indexes_not_declared
        )

    def to_text(self) -> str:
        """Return the report as lines (what ``schema diff`` prints)."""
        how = {"all": " (all of them)", "$sample": " (random sample, $sample)"}
        lines = [f"{self.model}: {self.sampled} stored documents read{how.get(self.method, '')}"]
        for key, count in sorted(self.extra_keys.items()):
            lines.append(f"  + {key}: stored in {count} documents, not in the model")
        for key, count in sorted(self.missing_required.items()):
            lines.append(f"  - {key}: required by the model, missing in {count} documents")
        for key, count in sorted(self.unexpected_nulls.items()):
            lines.append(f"  ! {key}: null in {count} documents, the model does not allow None")
        for key, found in sorted(self.wrong_types.items()):
            kinds = ", ".join(f"{kind} x{count}" for kind, count in sorted(found.items()))
            lines.append(f"  ! {key}: stored types the model does not decode: {kinds}")
        for name in self.indexes_not_built:
            lines.append(f"  - index {name}: declared, not built")
        for name in self.indexes_not_declared:
            lines.append(f"  + index {name}: built, not declared")
        if self.clean:
            lines.append("  no differences")
        return "\n".join(lines)


_IGNORED_KEYS = frozenset({"_id", "revision_id"})


def diff_model(
    model: Any,
    documents: Iterable[Mapping[str, Any]],
    indexes: Iterable[Mapping[str, Any]],
    method: str = "",
) -> SchemaDiff:
    """Compare stored ``documents`` and built ``indexes`` (``list_indexes`` output) with ``model``.

    Example:
        >>> diff_model(User, documents=raw_docs, indexes=raw_indexes).clean  # doctest: +SKIP
        True

    """
    description = describe_model(model)
    report = SchemaDiff(description.model, 0, method=method)
    by_key = {f.key: f for f in description.fields}
    ignored = set(_IGNORED_KEYS)
    if inheritance.class_id_of(model) is not None:
        ignored.add(model.get_settings().class_id)
    back = set(links.back_link_keys(model))
    for document in documents:
        report.sampled += 1
        for key, value in document.items():
            info = by_key.get(key)
            if info is None:
                if key not in ignored:
                    report.extra_keys[key] = report.extra_keys.get(key, 0) + 1
                continue
            if value is None:
                if not info.nullable and key not in ignored:
                    report.unexpected_nulls[key] = report.unexpected_nulls.get(key, 0) + 1
            else:
                _wrong_types(info.spec, value, key, report.wrong_types)
        for key, info in by_key.items():
            if info.required and key not in document and key not in ignored and key not in back:
                report.missing_required[key] = report.missing_required.get(key, 0) + 1
    built = {str(ix.get("name")): dict(ix.get("key") or {}) for ix in indexes}
    wanted = {str(ix["name"]): ix["key"] for ix in description.indexes}
    built_keys = [list(keys.items()) for keys in built.values()]
    wanted_keys = [list(keys.items()) for keys in wanted.values()]
    report.indexes_not_built = sorted(
        name for name, keys in wanted.items() if list(keys.items()) not in built_keys
    )
    report.indexes_not_declared = sorted(
        name
        for name, keys in built.items()
        if name != "_id_" and list(keys.items()) not in wanted_keys
    )
    return report
