"""The ``$lookup`` stages of ``fetch_links`` (Beanie's ``beanie.odm.utils.find``).

Example:
    >>> construct_lookup_queries(House)[0]["$lookup"]["from"]  # doctest: +SKIP
    'Door'

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm import link_lookup, links


def construct_lookup_queries(
    cls: Any,
    nesting_depth: int | None = None,
    nesting_depths_per_field: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Return the stages that replace every link of ``cls`` by its document(s).

    ``nesting_depth`` defaults to ``Settings.max_nesting_depth``; ``nesting_depths_per_field``
    sets it per link field. These are the stages an aggregation with ``fetch_links=True`` runs.
    """
    depth = links.default_depth(cls, nesting_depth)
    plan = link_lookup.plan_for(cls, {}, [], depth, nesting_depths_per_field, replace_links=True)
    return [*plan.lookups, *plan.replace]
