"""A document as the dict Beanie's ``get_dict`` gives (``beanie.odm.utils.dump``).

Example:
    >>> get_dict(user)  # doctest: +SKIP
    {'_id': ObjectId('...'), 'name': 'Ada', 'age': 36}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.core import DocumentCore
from data_bridge.odm.utils.encoder import Encoder


def get_dict(
    document: DocumentCore,
    to_db: bool = False,
    exclude: set[str] | None = None,
    keep_nulls: bool = True,
) -> dict[str, Any]:
    """Return ``document`` encoded as it is stored, by storage key.

    ``_id`` is left out while the document has no id; ``revision_id`` is included when the
    class uses revisions (unless ``exclude`` names it). ``keep_nulls=False`` drops None values.
    """
    excluded = set(exclude or ())
    if document.id is None:
        excluded.add("_id")
    included = set()
    if type(document).get_settings().use_revision:
        included.add("revision_id")
    encoder = Encoder(
        exclude=excluded, include=included - excluded, to_db=to_db, keep_nulls=keep_nulls
    )
    encoded: dict[str, Any] = encoder.encode(document)
    return encoded
