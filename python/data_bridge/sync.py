"""Blocking API: the same documents and queries, without ``await``.

I/O operations return their results directly; lazy query objects (``find_one(...)``,
``find(...).update(...)``, ``...delete()``) run with ``.run()``, terminal methods (``to_list``,
``first_or_none``, ``count``, ``exists``, ``sum``, ...) run immediately — Bunnet's convention.

Example:
    >>> from data_bridge.sync import Document, init
    >>> class User(Document):
    ...     name: str
    ...     age: int = 0
    >>> init(connection_string="mongodb://localhost/app", document_models=[User])  # doctest: +SKIP
    >>> User(name="Ada", age=36).insert()  # doctest: +SKIP
    >>> User.find(User.age > 30).to_list()  # doctest: +SKIP
    >>> User.find_one(User.name == "Ada").run()  # doctest: +SKIP

"""

from data_bridge.odm import union_doc as _union
from data_bridge.odm.bulk import SyncBulkWriter as BulkWriter
from data_bridge.odm.init import init_sync as init
from data_bridge.odm.soft_delete import SyncDocumentWithSoftDelete as DocumentWithSoftDelete
from data_bridge.odm.sync_documents import Document, MergeStrategy
from data_bridge.odm.sync_queries import (
    SyncAggregationQuery,
    SyncDeleteMany,
    SyncDeleteOne,
    SyncFindMany,
    SyncFindOne,
    SyncUpdateMany,
    SyncUpdateOne,
)
from data_bridge.odm.views import SyncView as View


class UnionDoc(_union.UnionDoc):
    """A union collection whose finds are blocking (see ``data_bridge.UnionDoc``).

    Example:
        >>> class Pets(UnionDoc):
        ...     class Settings:
        ...         name = "pets"
        >>> Pets.find_all().to_list()  # doctest: +SKIP

    """

    _find_many_cls = SyncFindMany


init_beanie = init

__all__ = [
    "BulkWriter",
    "Document",
    "DocumentWithSoftDelete",
    "MergeStrategy",
    "SyncAggregationQuery",
    "SyncDeleteMany",
    "SyncDeleteOne",
    "SyncFindMany",
    "SyncFindOne",
    "SyncUpdateMany",
    "SyncUpdateOne",
    "UnionDoc",
    "View",
    "init",
    "init_beanie",
]
