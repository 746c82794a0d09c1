"""A document class's ``Settings``, parsed into one object (Beanie's ``DocumentSettings``).

Example:
    >>> from data_bridge import Document
    >>> class User(Document):
    ...     name: str
    ...     class Settings:
    ...         name = "users"
    ...         use_revision = True
    >>> User.get_settings().name, User.get_settings().use_revision
    ('users', True)

"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from data_bridge.odm.utils.update_merge import ActionConflictResolution


class DocumentSettings(BaseModel):
    """Every Beanie setting is accepted; the ones this release acts on are noted."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="allow")

    name: str | None = None
    """Collection name (default: the class name)."""
    indexes: list[Any] = Field(default_factory=list)
    """Index specs: "field", [("field", direction), ...], or pymongo.IndexModel."""
    merge_indexes: bool = False
    use_state_management: bool = False
    """Accepted for compatibility: state tracking is always on here, and cheap."""
    state_management_replace_objects: bool = False
    """Send whole changed embedded objects instead of their changed dotted paths."""
    state_management_save_previous: bool = False
    validate_on_save: bool = False
    """Validate the model (pydantic) before insert / save / replace / save_changes."""
    use_revision: bool = False
    """Optimistic concurrency through a ``revision_id`` field (RevisionIdWasChanged)."""
    keep_nulls: bool = True
    """When False, None-valued fields are left out on insert and $unset on save."""
    bson_encoders: dict[Any, Any] = Field(default_factory=dict)
    """Type → function used to encode values of that type when writing."""
    projection: dict[str, Any] | None = None
    class_id: str = "_class_id"
    class_id_value: str | None = None
    """This class's own class id in a hierarchy (default: the parent's id and the class name)."""
    """Storage key of the class id in inheritance hierarchies and unions."""
    is_root: bool = False
    """This class roots a hierarchy: subclasses share its collection (see inheritance.py)."""
    timeseries: Any = None
    """A ``TimeSeriesConfig``: ``init`` creates the collection as a time-series collection."""
    max_nesting_depth: int = 3
    """How many levels ``fetch_links=True`` follows when ``nesting_depth`` is not given."""
    action_conflict_resolution: ActionConflictResolution = ActionConflictResolution.UPDATE_WINS
    """What wins when a ``before_event(Update)`` hook and ``update()`` change the same field."""
    # Accepted for compatibility; their features are not part of this release.
    use_cache: bool = False
    cache_capacity: int = 32
    cache_expiration_time: timedelta = timedelta(minutes=10)
    lazy_parsing: bool = False
    max_nesting_depths_per_field: dict[str, Any] = Field(default_factory=dict)
    single_root_inheritance: bool = False


def parse_settings(cls: type) -> DocumentSettings:
    """Merge the ``Settings`` inner classes of ``cls`` and its bases (nearest wins)."""
    values: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        inner = klass.__dict__.get("Settings")
        if inner is None:
            continue
        for key, value in vars(inner).items():
            if not key.startswith("__"):
                values[key] = value
    if "name" not in (vars(cls.__dict__["Settings"]) if "Settings" in cls.__dict__ else {}):
        values.pop("name", None)
    return DocumentSettings(**values)
