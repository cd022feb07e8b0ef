"""How the PostgreSQL Store talks to asyncpg: the session its work functions see (answering the
calls they make on aiosqlite) and what PostgreSQL's errors mean to the Store."""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterable
from types import TracebackType
from typing import Any

import asyncpg

from bot.store.database import Params, Row
from bot.store.dialect import to_postgres
from bot.store.errors import StoreError, StoreUnavailableError

# Another transaction is in the way: waiting and trying again can succeed.
RETRIED = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock timeout
_UNAVAILABLE = {
    "25006": "database is read-only",
    "53100": "disk is full",
    "53200": "out of memory",
    "53300": "too many connections",
    "57P01": "the server is shutting down",
    "57P02": "the server is shutting down",
    "57P03": "the server is not accepting connections yet",
    "58030": "disk I/O error",
    "40001": "could not serialize access (retried too long)",
    "40P01": "deadlock (retried too long)",
    "55P03": "database is locked",
}
# The client side of a broken connection; InternalClientError is asyncpg's protocol state
# going wrong, seen when the server ends a connection under it: the connection is dropped too.
CONNECTION_ERRORS = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


def _text_safe(params: Params) -> Params:
    """`params` with NUL characters in strings as U+FFFD: PostgreSQL text cannot hold NUL
    (SQLite's can), and a message must not be lost for one stray control character."""
    if not any(isinstance(value, str) and "\x00" in value for value in params):
        return params
    return [
        value.replace("\x00", "\ufffd") if isinstance(value, str) else value for value in params
    ]


def _rowcount(status: str) -> int:
    """Rows a command changed, from its status tag ("INSERT 0 3", "UPDATE 2", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def connection_lost(exc: BaseException) -> bool:
    """The connection is gone (or never came): the next call must open a new one."""
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError):
        return True
    if isinstance(exc, asyncpg.PostgresError):
        return str(exc.sqlstate).startswith(("08", "57P"))
    return isinstance(exc, CONNECTION_ERRORS)


def pg_error(display: str, exc: BaseException, *, opening: bool = False) -> StoreError:
    """The one-line Store error for a PostgreSQL or connection failure on `display`."""
    # The primary message only: PostgreSQL's DETAIL may quote the failing row (message text,
    # author hashes), which has no place in a log line.
    detail = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
    state = str(getattr(exc, "sqlstate", "") or "")
    if state == "3D000":  # invalid_catalog_name
        return StoreError(f"{display}: no such database")
    if isinstance(exc, TimeoutError):  # asyncio's too, since Python 3.11
        setting = "" if opening else " (CLAMOR_DB_TIMEOUT); the connection was dropped"
        return StoreUnavailableError(f"{display}: the server did not answer in time{setting}")
    reason = _UNAVAILABLE.get(state)
    if reason is None and connection_lost(exc):
        reason = "cannot connect to the database" if opening else "connection lost"
    if reason is None:
        prefix = "cannot open the database: " if opening else ""
        return StoreError(f"{display}: {prefix}{detail}")
    return StoreUnavailableError(f"{display}: {reason} ({detail})")


class _Statement:
    """One statement on a session: awaiting it runs it, and `async with` runs it and gives its
    row count, the way `database.changes()` reads an aiosqlite cursor."""

    def __init__(self, connection: asyncpg.Connection, sql: str, params: Params) -> None:
        self._connection = connection
        self._sql = sql
        self._params = params
        self.rowcount = -1

    async def _go(self) -> _Statement:
        status = await self._connection.execute(to_postgres(self._sql), *_text_safe(self._params))
        self.rowcount = _rowcount(status)
        return self

    def __await__(self) -> Generator[Any, None, _Statement]:
        return self._go().__await__()

    async def __aenter__(self) -> _Statement:
        return await self._go()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


class PgSession:
    """What a Store work function sees on PostgreSQL: the calls it makes on aiosqlite."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Params = (), /) -> _Statement:
        return _Statement(self.connection, sql, parameters)

    async def executemany(self, sql: str, parameters: Iterable[Params], /) -> None:
        rows = list(parameters)
        if rows:
            await self.connection.executemany(to_postgres(sql), [_text_safe(row) for row in rows])

    async def changes_many(self, sql: str, rows: list[Params]) -> int:
        """Run `sql` (INSERT, UPDATE or DELETE) once per row, pipelined in one round trip; the
        rows changed in all. asyncpg's executemany reports no counts, so each execution returns
        one row per row it changed and the rows are counted."""
        counting = to_postgres(sql).rstrip().rstrip(";") + " RETURNING 1"
        return len(await self.connection.fetchmany(counting, [_text_safe(row) for row in rows]))

    async def execute_fetchall(self, sql: str, parameters: Params = (), /) -> list[Row]:
        return list(await self.connection.fetch(to_postgres(sql), *_text_safe(parameters)))
