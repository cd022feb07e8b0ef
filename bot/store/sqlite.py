"""The SQLite backend: one aiosqlite connection in autocommit mode (isolation_level=None), so a
single statement commits on its own and a transaction is an explicit BEGIN IMMEDIATE ... COMMIT,
and what SQLite's errors mean to the Store."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Self

import aiosqlite

from bot.store.backend import ErrorKind, Params
from bot.store.database import busy_timeout_ms
from bot.store.dialect import Dialect
from bot.store.errors import StoreError, StoreUnavailableError
from bot.store.migrations import NewerSchemaError, migrate
from bot.store.records import Row

MEMORY = ":memory:"

# Applied to every new connection (busy_timeout is added per Store). WAL lets readers (a digest,
# the CLI) run beside the bot's writes; NORMAL is safe under WAL (only the last commits can be
# lost on power failure).
_CONNECTION_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    # Erased text (forget-me, retention, dropped content) is overwritten with zeros in the file
    # rather than left in free pages until they happen to be reused.
    "PRAGMA secure_delete = ON",
)

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

# What `diagnostics` reports: fixed names, never input.
_DIAGNOSTIC_PRAGMAS = (
    "journal_mode",
    "foreign_keys",
    "busy_timeout",
    "synchronous",
    "secure_delete",
    "user_version",
    "page_count",
    "page_size",
)


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


class SqliteBackend:
    """One aiosqlite connection to a file (or ":memory:"). Open it with `SqliteBackend.open`."""

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self._path = path

    @classmethod
    async def open(cls, path: str | Path, *, create: bool, busy_budget: float) -> Self:
        """Open and migrate the database at `path` (see `Store.open`)."""
        location = str(path)
        if location != MEMORY:
            # Blocking file work, once at startup; a thread keeps the event loop responsive.
            await asyncio.to_thread(_prepare_file, Path(path), create)
        try:
            db = await aiosqlite.connect(location, isolation_level=None)
        except sqlite3.Error as exc:
            raise _open_error(location, exc) from None
        try:
            db.row_factory = sqlite3.Row
            for pragma in _CONNECTION_PRAGMAS:
                await db.execute(pragma)
            # Migrating runs before the Store's retries exist, so SQLite itself waits the whole
            # budget for a lock here; afterwards each attempt waits only a slice of it. Both are
            # ints we computed, never input.
            await db.execute(f"PRAGMA busy_timeout = {int(busy_budget * 1000):d}")
            await migrate(db)
            await db.execute(f"PRAGMA busy_timeout = {busy_timeout_ms(busy_budget):d}")
        except BaseException as exc:
            await db.close()
            raise _open_error(location, exc) from None
        return cls(db, location)

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    @property
    def name(self) -> str:
        return self._path

    async def execute(self, sql: str, params: Params = (), /) -> int:
        async with self._db.execute(sql, params) as cursor:
            return max(int(cursor.rowcount), 0)

    async def executemany(self, sql: str, rows: Sequence[Params], /) -> int:
        if not rows:
            return 0
        async with self._db.executemany(sql, rows) as cursor:
            return max(int(cursor.rowcount), 0)

    async def fetch_one(self, sql: str, params: Params = (), /) -> Row | None:
        async with self._db.execute(sql, params) as cursor:
            row: Row | None = await cursor.fetchone()
            return row

    async def fetch_all(self, sql: str, params: Params = (), /) -> list[Row]:
        return list(await self._db.execute_fetchall(sql, params))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        try:
            await self._db.execute("BEGIN IMMEDIATE")
            yield
            await self._db.execute("COMMIT")
        except BaseException:
            await self._roll_back()
            raise

    async def hold_lock(self, key: int, /) -> None:
        # A transaction here begins IMMEDIATE, with the file's one write lock: writers already
        # take turns, whatever the key.
        return None

    async def _roll_back(self) -> None:
        # Unconditional: a cancelled BEGIN may still run after this point in aiosqlite's queue,
        # and `in_transaction` cannot see it yet; the ROLLBACK queues behind it. It fails when
        # SQLite already rolled back on its own (disk full, I/O error) or never began.
        with contextlib.suppress(sqlite3.Error):
            await self._db.execute("ROLLBACK")

    def classify(self, exc: BaseException) -> ErrorKind | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        code = primary_code(exc)
        if code in _RETRIED:
            return "retry"
        return "unavailable" if code in _UNAVAILABLE else "fail"

    def error(self, exc: BaseException) -> StoreError:
        assert isinstance(exc, sqlite3.Error)  # classify() said it is SQLite's
        return store_error(self._path, exc)

    @property
    def scrubs_aside(self) -> bool:
        return False  # a checkpoint of the Store's own log, in milliseconds

    async def scrub_erased(self) -> bool:
        """`secure_delete` zeroes erased rows in the main file, but the write-ahead log keeps
        every earlier version of a page until the file is cut: PASSIVE, FULL and RESTART
        checkpoints copy frames out without removing them, and later writes overwrite only as
        many frames as they need. TRUNCATE copies everything into the main file and cuts the
        log to zero bytes; it must wait for other connections' readers (another shard's
        process, a CLI digest)."""
        row = await self.fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")
        return row is None or not row[0]  # (busy, frames in the log, frames copied)

    async def set_read_only(self, on: bool) -> None:
        await self.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row is not None else 0

    async def diagnostics(self) -> dict[str, int | str]:
        report: dict[str, int | str] = {}
        for name in _DIAGNOSTIC_PRAGMAS:
            row = await self.fetch_one(f"PRAGMA {name}")
            report[name] = row[0] if row is not None else ""
        return report

    async def close(self) -> None:
        await self._db.close()


def _prepare_file(path: Path, create: bool) -> None:
    """Create the database file private to its owner, then prove SQLite can read it.

    Probing with plain sqlite3 first turns every can't-open / not-a-database case into a
    StoreError before aiosqlite starts its worker thread (a failed aiosqlite connect leaves that
    thread to finish after the caller has moved on).
    """
    if not create and not path.exists():
        raise StoreError(f"{path}: no such database")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # SQLite would create the file with the umask's mode (often world-readable); create it
        # first. An existing file keeps the mode its owner gave it.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database ({exc.strerror or exc})") from None
    try:
        probe = sqlite3.connect(path)
        try:
            probe.execute("PRAGMA schema_version").fetchone()  # reads the header
        finally:
            probe.close()
    except sqlite3.Error as exc:
        raise _open_error(str(path), exc) from None


def _open_error(location: str, exc: BaseException) -> BaseException:
    if isinstance(exc, NewerSchemaError):
        return StoreError(
            f"{location}: created by a newer Clamor ({exc}); upgrade Clamor to open it"
        )
    if isinstance(exc, sqlite3.DatabaseError) and exc.sqlite_errorname == "SQLITE_NOTADB":
        return StoreError(f"{location}: not a SQLite database")
    if isinstance(exc, sqlite3.Error):
        # Locked, read-only, full or failing: the same file may open later.
        kind = StoreUnavailableError if is_unavailable(exc) else StoreError
        detail = " ".join(str(exc).split())
        return kind(f"{location}: cannot open the database ({detail})")
    return exc
