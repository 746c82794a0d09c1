"""``data_bridge.transaction()``: a multi-document transaction as a block.

Every ODM operation inside the block that is given no ``session=`` runs in the block's session
(async and sync alike); leaving the block commits, an exception aborts and propagates.

Example:
    >>> import data_bridge
    >>> async with data_bridge.transaction():  # doctest: +SKIP
    ...     await Account.find_one(Account.name == "a").inc({Account.balance: -10})
    ...     await Account.find_one(Account.name == "b").inc({Account.balance: 10})
    >>> with data_bridge.transaction(SyncAccount):  # blocking flavour  # doctest: +SKIP
    ...     SyncAccount(name="c").insert()

"""

from __future__ import annotations

import contextvars
from types import TracebackType
from typing import Any

from data_bridge import _engine
from data_bridge.odm.executor import CURRENT_SESSION


def _client_of(target: Any) -> Any:
    if target is None:
        from data_bridge.odm.init import _CLIENTS

        clients = [c for c in _CLIENTS.values() if not c.is_closed]
        if len(clients) != 1:
            raise ValueError(
                f"transaction() found {len(clients)} open clients from init(): pass the client, "
                "a database or a document class to choose one"
            )
        return clients[0]
    if isinstance(target, _engine.Client):
        return target
    if isinstance(target, _engine.Database):
        return target.client
    binding = getattr(target, "_db_binding", None)
    if binding is not None:
        return binding().database.client
    raise TypeError(
        "transaction() takes a data_bridge Client, Database or document class, got "
        f"{type(target).__qualname__}"
    )


class transaction:
    """Run the block in a transaction; commit on success, abort on an exception.

    ``target`` picks the client: a ``Client``, a ``Database``, or a document class (default:
    the one client ``init`` connected). The block's value is the engine ``Session``.

    Example:
        >>> async with transaction(User) as session:  # doctest: +SKIP
        ...     await User(name="x").insert()  # joins the transaction
        ...     await Log(text="x").insert(session=session)  # explicit, same thing

    """

    def __init__(self, target: Any = None, *, causal_consistency: bool | None = None) -> None:
        self._target = target
        self._causal_consistency = causal_consistency
        self._session: Any = None
        self._token: contextvars.Token[Any] | None = None

    def _open(self) -> Any:
        if CURRENT_SESSION.get() is not None:
            raise RuntimeError("transaction() blocks do not nest: one is already open")
        client = _client_of(self._target)
        self._session = client.start_session(causal_consistency=self._causal_consistency)
        return self._session

    def _close(self) -> None:
        if self._token is not None:
            CURRENT_SESSION.reset(self._token)
            self._token = None

    async def __aenter__(self) -> Any:
        session = self._open()
        await session.start_transaction()
        self._token = CURRENT_SESSION.set(session)
        return session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()
        session = self._session
        try:
            if exc_type is None:
                await session.commit_transaction()
            elif session.in_transaction:
                await session.abort_transaction()
        finally:
            await session.end()

    def __enter__(self) -> Any:
        session = self._open()
        session.start_transaction_sync()
        self._token = CURRENT_SESSION.set(session)
        return session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()
        session = self._session
        try:
            if exc_type is None:
                session.commit_transaction_sync()
            elif session.in_transaction:
                session.abort_transaction_sync()
        finally:
            session.end_sync()


def current_session() -> Any:
    """Return the session of the enclosing ``transaction()`` block, or None.

    Example:
        >>> current_session() is None
        True

    """
    return CURRENT_SESSION.get()
