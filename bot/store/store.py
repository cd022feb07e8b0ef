"""`Store`: the single owner of Clamor's database and of every SQL statement in it. This module
opens SQLite files; a postgresql:// URL is handed to `bot.store.postgres.PgStore`, a subclass."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Self

import aiosqlite

from bot.config import DEFAULT_DB_TIMEOUT
from bot.store.activity import ActivityQueries
from bot.store.alerts import AlertQueries
from bot.store.claims import ClaimQueries
from bot.store.database import BUSY_BUDGET_SECONDS, Connection, busy_timeout_ms, is_unavailable
from bot.store.dialect import is_postgres_url
from bot.store.errors import StoreError, StoreUnavailableError
from bot.store.export_rows import ExportQueries
from bot.store.guilds import GuildQueries
from bot.store.labels import LabelQueries
from bot.store.leases import LeaseQueries
from bot.store.migrations import NewerSchemaError, migrate, schema_version
from bot.store.privacy import PrivacyQueries
from bot.store.request_log import RequestQueries
from bot.store.threads import ThreadQueries
from bot.store.trends import TrendQueries

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


class Store(
    GuildQueries,
    RequestQueries,
    ActivityQueries,
    LabelQueries,
    PrivacyQueries,
    TrendQueries,
    AlertQueries,
    ExportQueries,
    ClaimQueries,
    ThreadQueries,
    LeaseQueries,
):
    """One aiosqlite connection, migrated on open. Use `async with await Store.open(path)`
    (or `Store.open("postgresql://…")` for the same class on PostgreSQL)."""

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        busy_budget: float = BUSY_BUDGET_SECONDS,
        command_timeout: float = DEFAULT_DB_TIMEOUT,
    ) -> Store:
        """Open and migrate the database at `path` (or ":memory:"), creating it unless told not to.

        A `postgresql://user:password@host:port/name` URL opens a PostgreSQL database instead
        (bot.store.postgres.PgStore; the database itself must exist, `create` does not apply).

        `create=False` suits read-only commands, where a mistyped path should be an error rather
        than a new empty database. `busy_budget` is how long, in seconds, an operation keeps
        retrying while another process holds the database's lock (tests shorten it).
        `command_timeout` is how long, in seconds, a PostgreSQL server may leave one statement
        unanswered before the connection counts as lost (StoreUnavailableError). Raises
        StoreError, with one line naming the path, for anything that makes the database unusable.
        """
        if is_postgres_url(path):
            # asyncpg is imported only by those who ask for PostgreSQL.
            from bot.store.postgres import PgStore

            return await PgStore.connect_url(
                str(path), busy_budget=busy_budget, command_timeout=command_timeout
            )
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
        return cls(db, location, busy_budget=busy_budget)

    async def close(self) -> None:
        """Finish queued work and close the connection; closing twice is harmless."""
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self) -> int:
        return await self._run(schema_version)

    async def diagnostics(self) -> dict[str, int | str]:
        """The connection's settings and size, for a status command and for tests."""
        names = (
            "journal_mode",
            "foreign_keys",
            "busy_timeout",
            "synchronous",
            "secure_delete",
            "user_version",
            "page_count",
            "page_size",
        )

        async def work(db: Connection) -> dict[str, int | str]:
            report: dict[str, int | str] = {}
            for name in names:
                # Names come from the fixed tuple above, never from input.
                async with db.execute(f"PRAGMA {name}") as cursor:
                    row = await cursor.fetchone()
                report[name] = row[0] if row is not None else ""
            return report

        return await self._run(work)


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
