"""What the Store needs from a database engine: the `Backend` interface, which the SQLite
backend (bot/store/sqlite.py) and the PostgreSQL one (bot/store/postgres.py) implement.

The Store composes one backend: every query is a work function that receives the backend and
calls the methods below, and the Store's `Database._run` (one lock, one retry loop) decides,
through `classify`, which failures to try again. SQL is written once, for SQLite; a backend
rewrites what its engine spells differently (bot/store/dialect.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

from bot.store.dialect import Dialect
from bot.store.errors import StoreError
from bot.store.records import Row

Params = Sequence[Any]
# What a failure means: another writer was in the way and trying again can succeed (retry),
# the database cannot be used for now (unavailable), or the statement itself is wrong (fail).
ErrorKind = Literal["retry", "unavailable", "fail"]


class Backend(Protocol):
    """One connection to one database. Not safe for concurrent use: the Store serialises it."""

    @property
    def dialect(self) -> Dialect:
        """Which SQL the query modules pick where the two engines truly differ."""
        ...

    @property
    def name(self) -> str:
        """The database as messages name it: a file path, or a URL without its password."""
        ...

    async def execute(self, sql: str, params: Params = (), /) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Params], /) -> int:
        """Run one statement per row; the number of rows changed in all."""
        ...

    async def fetch_one(self, sql: str, params: Params = (), /) -> Row | None: ...

    async def fetch_all(self, sql: str, params: Params = (), /) -> list[Row]: ...

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Everything run inside lands together or not at all; a failure rolls it back."""
        ...

    async def hold_lock(self, key: int, /) -> None:
        """Inside a transaction: wait until no other connection's transaction holds the lock
        named `key` (a signed 64-bit integer), then hold it until this transaction ends: work
        that counts before it writes takes turns with other processes' instead of counting
        the same rows at once."""
        ...

    def classify(self, exc: BaseException) -> ErrorKind | None:
        """What a failure of this engine means; None for an exception that is not its own."""
        ...

    def error(self, exc: BaseException) -> StoreError:
        """The one-line error the Store raises for a failure it will not retry. A backend may
        let go of a connection the failure broke here (the next call opens a new one)."""
        ...

    async def scrub_erased(self) -> bool:
        """Leave no copy of just-erased rows in the database's files; False when readers held
        it back and it should be tried again shortly."""
        ...

    @property
    def scrubs_aside(self) -> bool:
        """Whether `scrub_erased` works on a connection of its own, so that the Store runs it
        without holding its lock (and every other query) meanwhile."""
        ...

    async def set_read_only(self, on: bool) -> None: ...

    async def schema_version(self) -> int: ...

    async def diagnostics(self) -> dict[str, int | str]: ...

    async def close(self) -> None: ...
