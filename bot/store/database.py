"""The one aiosqlite connection, the lock that keeps coroutines from interleaving inside it, and
what happens when SQLite says no.

Every query mixin of the Store builds on `Database`. The connection runs in autocommit mode
(isolation_level=None): a single statement commits on its own, and `_run(work, transaction=True)`
wraps work that must land together in BEGIN IMMEDIATE ... COMMIT.

Faults: a busy or locked database (another process writing) is retried here with exponential
backoff for about ten seconds in all, so callers never see a transient lock. What remains
becomes `StoreUnavailableError` when the database cannot be used for now (read-only, disk full,
I/O error, lock held too long) and `StoreError` for anything else. A failed transaction is
always rolled back before the error leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from time import monotonic
from typing import Any, ClassVar, Literal, Protocol, TypeVar

import aiosqlite

from bot.redaction import redact_tokens
from bot.store.errors import StoreError, StoreUnavailableError

Params = Sequence[Any]


def storable(text: str) -> str:
    """`text` with lone surrogates (JSON can carry them: "\\ud83d") as U+FFFD; SQLite stores
    UTF-8, which has no way to write half a character, and sqlite3 raises on them."""
    if not isinstance(text, str):  # a caller's bug (None, say): SQLite's constraint names it
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Through UTF-16 with surrogatepass: a valid pair becomes its character, a lone half U+FFFD.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def message_text(text: str) -> str:
    """A message's text as stored: `storable`, and anything shaped like a Discord token (a
    member who pastes one, ours or theirs) as "[redacted]", so no export, digest or answer
    can ever show it."""
    text = storable(text)
    if not isinstance(text, str):
        return text
    return redact_tokens(text)


Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    """A result row: sqlite3.Row and asyncpg's Record both index by position and by name."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What a `_run` work function may call: aiosqlite's connection, or the PostgreSQL Store's
    session, which answers the same calls (bot/store/postgres.py)."""

    def execute(self, sql: str, parameters: Params = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> Any: ...

    def execute_fetchall(self, sql: str, parameters: Params = ..., /) -> Any: ...


T = TypeVar("T")
Work = Callable[[Connection], Awaitable[T]]

# SQLite's own wait for a lock, per attempt; the Store's backoff repeats attempts until the
# budget is spent, so the total stays near BUSY_BUDGET_SECONDS + one BUSY_TIMEOUT_MS.
BUSY_TIMEOUT_MS = 1000
BUSY_BUDGET_SECONDS = 9.0
FIRST_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 1.0

# Primary result codes (the low byte of an extended code), from sqlite3.h.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14

_RETRIED = frozenset({SQLITE_BUSY, SQLITE_LOCKED})
_UNAVAILABLE = {
    SQLITE_BUSY: "database is locked",
    SQLITE_LOCKED: "database is locked",
    SQLITE_READONLY: "database is read-only",
    SQLITE_IOERR: "disk I/O error",
    SQLITE_FULL: "disk is full",
    SQLITE_CANTOPEN: "cannot open the database file",
}


def primary_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of an error, or None when sqlite3 raised it by itself."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_unavailable(exc: sqlite3.Error) -> bool:
    """Whether the error says the database cannot be used for now (rather than a bad query)."""
    return primary_code(exc) in _UNAVAILABLE


def store_error(path: str, exc: sqlite3.Error) -> StoreError:
    """The one-line error the Store raises for a sqlite3 error on the database at `path`."""
    reason = _UNAVAILABLE.get(primary_code(exc) or 0)
    detail = " ".join(str(exc).split())
    if reason is None:
        return StoreError(f"{path}: {detail}")
    if detail and detail != reason:
        return StoreUnavailableError(f"{path}: {reason} ({detail})")
    return StoreUnavailableError(f"{path}: {reason}")


def busy_timeout_ms(busy_budget: float) -> int:
    """SQLite's per-attempt wait for a budget: a quarter of it, at most BUSY_TIMEOUT_MS."""
    return max(10, min(BUSY_TIMEOUT_MS, int(busy_budget * 1000 / 4)))


class Database:
    # Which SQL the mixins pick where the two databases truly differ (see `dialect.py`).
    dialect: ClassVar[Dialect] = "sqlite"

    def __init__(
        self, db: aiosqlite.Connection, path: str, *, busy_budget: float = BUSY_BUDGET_SECONDS
    ) -> None:
        self._db = db
        self._path = path
        self._busy_budget = busy_budget
        # One connection is shared by every coroutine; without the lock a statement from one
        # coroutine could land inside another's open transaction and share its fate.
        self._lock = asyncio.Lock()
        self._closed = False
        self._busy_retries = 0

    @property
    def busy_retries(self) -> int:
        """How many times an operation found the database locked by someone else and tried
        again (for a status line, and for tests to see the waiting happen)."""
        return self._busy_retries

    @property
    def path(self) -> str:
        """The database file, or ":memory:"."""
        return self._path

    async def set_read_only(self, on: bool) -> None:
        """Refuse (or allow again) every write on this connection, for maintenance; tests use it
        to play a read-only database. Writes then raise StoreUnavailableError."""

        async def work(db: Connection) -> None:
            await db.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")

        await self._run(work)

    async def _run(self, work: Work[T], *, transaction: bool = False) -> T:
        """Run `work` with exclusive use of the connection, retrying while the database is busy.

        The lock is held through the backoff on purpose: callers' operations then reach the
        database in the order they were made (an edit never overtakes its message's insert).
        `work` may run more than once, so it must not consume its inputs (no generators).
        """
        async with self._lock:
            started = monotonic()
            delay = FIRST_BACKOFF_SECONDS
            while True:
                if self._closed:
                    raise StoreError(f"{self._path}: the store is closed")
                try:
                    return await self._attempt(work, transaction)
                except sqlite3.Error as exc:
                    waited = monotonic() - started
                    if primary_code(exc) not in _RETRIED or waited >= self._busy_budget:
                        raise store_error(self._path, exc) from exc
                self._busy_retries += 1
                await asyncio.sleep(min(delay, self._busy_budget - waited))
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _attempt(self, work: Work[T], transaction: bool) -> T:
        if not transaction:
            return await work(self._db)
        try:
            await self._db.execute("BEGIN IMMEDIATE")
            result = await work(self._db)
            await self._db.execute("COMMIT")
        except BaseException:
            await self._roll_back()
            raise
        return result

    async def _roll_back(self) -> None:
        # Unconditional: a cancelled BEGIN may still run after this point in aiosqlite's queue,
        # and `in_transaction` cannot see it yet; the ROLLBACK queues behind it. It fails when
        # SQLite already rolled back on its own (disk full, I/O error) or never began.
        with contextlib.suppress(sqlite3.Error):
            await self._db.execute("ROLLBACK")

    async def _scrub_erased(self) -> None:
        """Leave no copy of just-erased rows in the database's files. `secure_delete` zeroes
        them in the main file, but the write-ahead log keeps every earlier version of a page
        until the file is cut: PASSIVE, FULL and RESTART checkpoints copy frames out without
        removing them, and later writes overwrite only as many frames as they need. TRUNCATE
        copies everything into the main file and cuts the log to zero bytes. It must wait for
        other connections' readers (another shard's process, a CLI digest); that wait is
        bounded like a busy lock, after which the next erasure or a clean close cuts it."""

        async def checkpoint(db: Connection) -> bool:
            async with db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
            return row is None or not row[0]  # (busy, frames in the log, frames copied)

        started = monotonic()
        delay = FIRST_BACKOFF_SECONDS
        while not await self._run(checkpoint):
            waited = monotonic() - started
            if waited >= self._busy_budget:
                return
            self._busy_retries += 1
            await asyncio.sleep(min(delay, self._busy_budget - waited))
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async def work(db: Connection) -> list[Row]:
            rows: list[Row] = list(await db.execute_fetchall(sql, params))
            return rows

        return await self._run(work)

    async def _fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async def work(db: Connection) -> Row | None:
            async with db.execute(sql, params) as cursor:
                row: Row | None = await cursor.fetchone()
                return row

        return await self._run(work)

    async def _write(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

        async def work(db: Connection) -> int:
            async with db.execute(sql, params) as cursor:
                return max(int(cursor.rowcount), 0)

        return await self._run(work)

    async def _write_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row in a single transaction; the number of rows changed."""
        batch = list(rows)
        if not batch:
            return 0

        async def work(db: Connection) -> int:
            async with db.executemany(sql, batch) as cursor:
                return max(int(cursor.rowcount), 0)

        return await self._run(work, transaction=True)


async def changes(db: Connection, sql: str, params: Params = ()) -> int:
    """Run one statement inside a `_run` work function; the number of rows it changed."""
    async with db.execute(sql, params) as cursor:
        return max(int(cursor.rowcount), 0)
