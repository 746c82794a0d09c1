"""Filters and sorts on fields of linked documents (``fetch_links=True``): ``$lookup``, ``$match``.

Beanie answers ``House.find(House.door.height == 2, fetch_links=True)`` with an aggregation:
``$lookup`` stages first, then ``$match`` on the fetched fields, then sort / skip / limit. So do
we, in a way that keeps the rest of a find unchanged:

- only the link fields the filter or sort reaches get a ``$lookup``, into a temporary
  ``_link_<path>`` field beside the stored link (a single link is unwound, so SecantusDB and
  mongod both match it without array paths); the temporary fields are projected away at the end,
  so results decode, and fetch their links, exactly as a plain find's do;
- the parts of the filter that do not reach into a linked document (``House.door.id == x``,
  which is ``door.$id``, or ``$text``, which must come first) run in a ``$match`` before any
  ``$lookup``, where an index serves them and fewer documents are looked up;
- ``Model.find(..., fetch_links=True).aggregate(pipeline)`` replaces each link field by its
  document before ``pipeline`` runs, as Beanie does (lists: the documents found, in lookup
  order; a dangling single link stays a DBRef).

Paths go through links (``door.lock.code``), back links and embedded models, as deep as
``nesting_depth`` allows; a path deeper than that is left as written (it then matches nothing,
as in Beanie). Expressions inside ``$expr`` / ``$where`` are not rewritten.

Example:
    >>> plan = plan_for(House, {"door.height": 2}, [], depth=3)  # doctest: +SKIP
    >>> plan.stages(skip=None, limit=None)  # doctest: +SKIP
    [{'$lookup': {'from': 'doors', 'localField': 'door.$id', 'foreignField': '_id',
      'as': '_link_door'}}, {'$unwind': ...}, {'$match': {'_link_door.height': 2}},
     {'$project': {'_link_door': 0}}]

"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from data_bridge.odm import links
from data_bridge.odm.codecs import embedded_model
from data_bridge.server import DBREF_ID_PATH, LOOKUP_THROUGH_ARRAY, UNKNOWN, ServerTraits

LOOKUP_PREFIX = "_link_"

# The parts of a stored DBRef: a path ending in one of them reads the link itself.
_REF_PARTS = frozenset({"$id", "$ref", "$db"})
_LOGICAL = frozenset({"$and", "$or", "$nor"})


def _links_by_key(model: Any) -> dict[str, links.LinkField]:
    return {f.key: f for f in links.link_fields(model).values()}


def _embedded_by_key(model: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, info in getattr(model, "__pydantic_fields__", {}).items():
        nested = embedded_model(info.annotation)
        if nested is not None:
            found[info.alias or name] = nested
    return found


@dataclass
class _Resolver:
    """Maps stored paths to paths over looked-up documents, collecting the ``$lookup`` stages."""

    model: Any
    depth: int
    per_field: dict[str, int]
    server: ServerTraits = UNKNOWN
    stages: list[dict[str, Any]] = field(default_factory=list)
    aliases: dict[str, tuple[Any, bool]] = field(default_factory=dict)

    def lookup(self, link: links.LinkField, parent: str, alias: str, many_above: bool) -> None:
        """Add the stages that fetch ``link`` (of the document at ``parent``) into ``alias``."""
        target = link.target()
        if alias in self.aliases:
            return
        if link.back:
            original = link.original_field
            if original is None:
                raise ValueError(
                    f"{getattr(self.model, '__name__', self.model)}.{link.name}: a BackLink needs "
                    'Field(json_schema_extra={"original_field": "<link field of the other class>"})'
                )
            key = links.link_fields(target).get(original)
            foreign = f"{key.key if key is not None else original}.$id"
            lookup = {"localField": f"{parent}_id", "foreignField": foreign}
            through_array = many_above or (key is not None and key.many)
        else:
            lookup = {"localField": f"{parent}{link.key}.$id", "foreignField": "_id"}
            through_array = many_above or link.many
        construct = (
            f"a fetch_links filter or sort through {getattr(self.model, '__name__', self.model)}"
            f".{link.name} ($lookup {lookup['localField']!r} -> {lookup['foreignField']!r})"
        )
        self.server.require(DBREF_ID_PATH, construct)
        if through_array:
            self.server.require(LOOKUP_THROUGH_ARRAY, construct)
        self.stages.append(
            {"$lookup": {"from": target.get_collection_name(), **lookup, "as": alias}}
        )
        many = many_above or link.many
        if not many:
            # One document (or none): unwound, so paths into it never cross an array.
            self.stages.append(
                {"$unwind": {"path": f"${alias}", "preserveNullAndEmptyArrays": True}}
            )
        self.aliases[alias] = (target, many)

    def path(self, key: str) -> str:
        """Return ``key`` as a path over the looked-up documents (``key`` itself if none)."""
        parts = key.split(".")
        model = self.model
        prefix = ""  # where the current (sub)document sits in the pipeline's documents
        name = ""  # the temporary field's name so far
        level = 0
        many = False
        changed = False
        index = 0
        while index < len(parts) - 1:
            part = parts[index]
            link = _links_by_key(model).get(part)
            if link is not None:
                if not link.back and parts[index + 1] in _REF_PARTS:
                    break
                limit = self.per_field.get(link.name, self.depth) if level == 0 else self.depth
                if level >= limit:
                    break
                alias = f"{LOOKUP_PREFIX}{name}{part}"
                self.lookup(link, prefix, alias, many)
                many = self.aliases[alias][1]
                model = link.target()
                prefix, name = f"{alias}.", f"{name}{part}_"
                level += 1
                changed = True
                index += 1
                continue
            nested = _embedded_by_key(model).get(part)
            if nested is None:
                break
            model = nested
            prefix, name = f"{prefix}{part}.", f"{name}{part}_"
            index += 1
        if not changed:
            return key
        return prefix + ".".join(parts[index:])

    def rewrite(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``query`` with its field paths mapped by :meth:`path`."""
        out: dict[str, Any] = {}
        for key, value in query.items():
            key = str(key)
            if key in _LOGICAL and isinstance(value, list):
                out[key] = [self.rewrite(v) if isinstance(v, Mapping) else v for v in value]
            elif key.startswith("$"):
                out[key] = value
            else:
                out[self.path(key)] = value
        return out

    def replacements(self) -> list[dict[str, Any]]:
        """Stages that replace every first-level link field by its document(s) (Beanie's way)."""
        stages: list[dict[str, Any]] = []
        if self.depth <= 0:
            return stages
        for link in links.link_fields(self.model).values():
            if self.per_field.get(link.name, self.depth) <= 0:
                continue
            alias = f"{LOOKUP_PREFIX}{link.key}"
            self.lookup(link, "", alias, False)
            if link.many or link.back:
                value: Any = f"${alias}"
            else:
                value = {"$ifNull": [f"${alias}", f"${link.key}"]}
            stages.append({"$addFields": {link.key: value}})
        return stages


def _conjuncts(query: Mapping[str, Any]) -> list[dict[str, Any]]:
    if set(query) == {"$and"} and isinstance(query["$and"], list):
        return [dict(part) for part in query["$and"]]
    return [{key: value} for key, value in query.items()]


def _combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    if not parts:
        return {}
    return parts[0] if len(parts) == 1 else {"$and": parts}


@dataclass
class LinkedQuery:
    """A find's filter and sort split around the ``$lookup`` stages they need."""

    before: dict[str, Any]
    lookups: list[dict[str, Any]]
    after: dict[str, Any]
    sort: list[tuple[str, int]]
    temporary: list[str]
    replace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def needs_lookup(self) -> bool:
        """Whether the filter or sort reaches into a linked document."""
        return bool(self.lookups)

    def stages(
        self, skip: int | None, limit: int | None, *, sort: bool = True
    ) -> list[dict[str, Any]]:
        """Return the pipeline: match, lookups, match, sort, skip, limit, replace, project."""
        stages: list[dict[str, Any]] = []
        if self.before:
            stages.append({"$match": self.before})
        stages.extend(self.lookups)
        if self.after:
            stages.append({"$match": self.after})
        if sort and self.sort:
            stages.append({"$sort": dict(self.sort)})
        if skip:
            stages.append({"$skip": skip})
        if limit:
            stages.append({"$limit": limit})
        stages.extend(self.replace)
        if self.temporary:
            stages.append({"$project": dict.fromkeys(self.temporary, 0)})
        return stages


def plan_for(
    model: Any,
    query: Mapping[str, Any],
    sort: list[tuple[str, int]],
    depth: int,
    per_field: dict[str, int] | None = None,
    replace_links: bool = False,
    server: ServerTraits = UNKNOWN,
) -> LinkedQuery:
    """Split ``query`` / ``sort`` of a ``fetch_links`` find on ``model`` around its lookups.

    With ``replace_links`` (an aggregation over the find), every link field is also replaced by
    its document(s) after sort / skip / limit. A lookup ``server`` is known to answer with
    nothing raises ``NotSupportedByServer`` instead.
    """
    resolver = _Resolver(model, depth, dict(per_field or {}), server)
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for part in _conjuncts(query):
        count = len(resolver.stages)
        rewritten = resolver.rewrite(part)
        (after if len(resolver.stages) > count or rewritten != part else before).append(rewritten)
    new_sort = [(resolver.path(key), direction) for key, direction in sort]
    lookups = list(resolver.stages)
    replace: list[dict[str, Any]] = []
    if replace_links:
        count = len(resolver.stages)
        # Replacing links feeds the user's pipeline, which may never read them: not refused.
        resolver.server = UNKNOWN
        additions = resolver.replacements()
        replace = [*resolver.stages[count:], *additions]
    return LinkedQuery(
        _combine(before), lookups, _combine(after), new_sort, list(resolver.aliases), replace
    )
