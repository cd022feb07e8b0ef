"""`PgStore`: the Store on PostgreSQL (asyncpg), selected by `Store.open("postgresql://…")`.

It is the same class with the same mixins and the same SQL (placeholders rewritten by
`dialect.to_postgres`); only the connection underneath differs. Like the SQLite Store it holds
ONE connection behind the Store's lock, not a pool: operations reach the database in the order
callers made them (an edit never overtakes its message's insert, a cursor never lands before
the volume it vouches for), which a pool would give up. A bot process spends its database time
on short writes that a single connection keeps up with (bench/store_throughput.py); more
processes (shards) each bring their own connection.

Faults follow the SQLite Store: serialization failures, deadlocks and lock timeouts (another
process in the way) are retried with the same backoff and budget as SQLite's busy database; a
lost connection, a read-only or full database become StoreUnavailableError (the connection is
re-opened by the next call); anything else is a StoreError. Messages name the database by its
URL without the password.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator, Iterable
from time import monotonic
from types import TracebackType
from typing import Any

import asyncpg

from bot.store.database import (
    BUSY_BUDGET_SECONDS,
    FIRST_BACKOFF_SECONDS,
    MAX_BACKOFF_SECONDS,
    Connection,
    Params,
    Row,
    T,
    Work,
    busy_timeout_ms,
)
from bot.store.dialect import redact_url, to_postgres
from bot.store.errors import StoreError, StoreUnavailableError
from bot.store.migrations import NewerSchemaError
from bot.store.pg_migrations import PG_MIGRATIONS, SCHEMA_TABLE
from bot.store.store import Store

# pg_advisory_lock key for migrating: "clamor" in ASCII. Held for the whole migration, so two
# processes starting together apply each migration once, one after the other.
MIGRATION_LOCK = int.from_bytes(b"clamor", "big")

# Another transaction is in the way: waiting and trying again can succeed.
_RETRIED = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock timeout
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
_CONNECTION_ERRORS = (
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


def _lost(exc: BaseException) -> bool:
    """The connection is gone (or never came): the next call must open a new one."""
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError):
        return True
    if isinstance(exc, asyncpg.PostgresError):
        return str(exc.sqlstate).startswith(("08", "57P"))
    return isinstance(exc, _CONNECTION_ERRORS)


def pg_error(display: str, exc: BaseException, *, opening: bool = False) -> StoreError:
    """The one-line Store error for a PostgreSQL or connection failure on `display`."""
    # The primary message only: PostgreSQL's DETAIL may quote the failing row (message text,
    # author hashes), which has no place in a log line.
    detail = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
    state = str(getattr(exc, "sqlstate", "") or "")
    if state == "3D000":  # invalid_catalog_name
        return StoreError(f"{display}: no such database")
    reason = _UNAVAILABLE.get(state)
    if reason is None and _lost(exc):
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


async def _connect(url: str, budget: float) -> asyncpg.Connection:
    # lock_timeout plays SQLite's busy_timeout: a statement waits a slice of the budget for
    # another transaction's lock, then `_run` backs off and tries again (PostgreSQL would
    # otherwise wait forever). Trend queries differ by their number of days, so keep more
    # prepared statements than asyncpg's default.
    return await asyncpg.connect(
        url,
        timeout=max(budget, 1.0),
        statement_cache_size=1024,
        server_settings={"lock_timeout": str(busy_timeout_ms(budget))},
    )


async def pg_schema_version(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM clamor_schema"))


async def migrate_pg(
    connection: asyncpg.Connection,
    migrations: tuple[tuple[str, ...], ...] = PG_MIGRATIONS,
    *,
    busy_budget: float = BUSY_BUDGET_SECONDS,
) -> int:
    """Apply every missing migration, each in its own transaction with its version row, while
    holding the migration lock; the final version."""
    # lock_timeout bounds the wait for a process that is migrating right now.
    await connection.execute(f"SET lock_timeout = {int(busy_budget * 1000):d}")
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await connection.execute(SCHEMA_TABLE)
        version = await pg_schema_version(connection)
        if version > len(migrations):
            raise NewerSchemaError(version, len(migrations))
        for number in range(version + 1, len(migrations) + 1):
            async with connection.transaction():
                for statement in migrations[number - 1]:
                    await connection.execute(statement)
                await connection.execute(
                    "INSERT INTO clamor_schema (version, applied_at) "
                    "VALUES ($1, extract(epoch FROM now()))",
                    number,
                )
        return await pg_schema_version(connection)
    finally:
        if not connection.is_closed():
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
            await connection.execute("RESET lock_timeout")


class PgStore(Store):
    """The Store on one asyncpg connection. Open it with `Store.open("postgresql://…")`."""

    dialect = "postgresql"

    def __init__(  # the SQLite Database.__init__ is not run: there is no aiosqlite connection
        self, url: str, connection: asyncpg.Connection, *, busy_budget: float
    ) -> None:
        self._url = url
        self._path = redact_url(url)
        self._connection: asyncpg.Connection | None = connection
        self._busy_budget = busy_budget
        self._lock = asyncio.Lock()
        self._closed = False
        self._busy_retries = 0
        self._read_only = False

    @classmethod
    async def connect_url(cls, url: str, *, busy_budget: float = BUSY_BUDGET_SECONDS) -> PgStore:
        display = redact_url(url)
        try:
            connection = await _connect(url, busy_budget)
        except (asyncpg.PostgresError, *_CONNECTION_ERRORS) as exc:
            raise pg_error(display, exc, opening=True) from None
        try:
            await migrate_pg(connection, busy_budget=busy_budget)
        except BaseException as exc:
            await connection.close()
            if isinstance(exc, NewerSchemaError):
                raise StoreError(
                    f"{display}: created by a newer Clamor ({exc}); upgrade Clamor to open it"
                ) from None
            if isinstance(exc, asyncpg.PostgresError | _CONNECTION_ERRORS):
                raise pg_error(display, exc, opening=True) from None
            raise
        return cls(url, connection, busy_budget=busy_budget)

    async def close(self) -> None:
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._connection is not None:
                with contextlib.suppress(*_CONNECTION_ERRORS, asyncpg.PostgresError):
                    await self._connection.close(timeout=5)
                self._connection = None

    async def _open_connection(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._connection = await _connect(self._url, self._busy_budget)
            if self._read_only:
                await self._connection.execute("SET default_transaction_read_only = on")
        elif self._connection.is_in_transaction():
            # Left open by a cancelled call whose rollback never reached the server.
            await self._connection.execute("ROLLBACK")
        return self._connection

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None

    async def _run(self, work: Work[T], *, transaction: bool = False) -> T:
        """As the SQLite Store's `_run`: exclusive use of the connection, retried while
        another transaction is in the way."""
        async with self._lock:
            started = monotonic()
            delay = FIRST_BACKOFF_SECONDS
            while True:
                if self._closed:
                    raise StoreError(f"{self._path}: the store is closed")
                try:
                    connection = await self._open_connection()
                    session: Connection = PgSession(connection)
                    if not transaction:
                        return await work(session)
                    async with connection.transaction():
                        return await work(session)
                except (asyncpg.PostgresError, *_CONNECTION_ERRORS) as exc:
                    waited = monotonic() - started
                    state = getattr(exc, "sqlstate", None)
                    if state not in _RETRIED or waited >= self._busy_budget:
                        if _lost(exc):
                            self._drop_connection()
                        raise pg_error(self._path, exc) from exc
                self._busy_retries += 1
                await asyncio.sleep(min(delay, self._busy_budget - waited))
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async def work(db: Connection) -> Row | None:
            rows: list[Row] = await db.execute_fetchall(sql, params)
            return rows[0] if rows else None

        return await self._run(work)

    async def _write_many(self, sql: str, rows: Iterable[Params]) -> int:
        batch = list(rows)
        if not batch:
            return 0

        async def work(db: Connection) -> int:
            assert isinstance(db, PgSession)
            return await db.changes_many(sql, batch)

        return await self._run(work, transaction=True)

    async def set_read_only(self, on: bool) -> None:
        async def work(db: Connection) -> None:
            await db.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")

        await self._run(work)
        self._read_only = on

    async def schema_version(self) -> int:
        async def work(db: Connection) -> int:
            rows = await db.execute_fetchall("SELECT coalesce(max(version), 0) FROM clamor_schema")
            return int(rows[0][0])

        return await self._run(work)

    async def diagnostics(self) -> dict[str, int | str]:
        """The server and database, for a status command and for tests."""

        async def work(db: Connection) -> dict[str, int | str]:
            rows = await db.execute_fetchall(
                "SELECT current_setting('server_version'), current_database(), "
                "pg_database_size(current_database()), "
                "current_setting('default_transaction_read_only'), "
                "(SELECT coalesce(max(version), 0) FROM clamor_schema)"
            )
            version, name, size, read_only, schema = rows[0]
            return {
                "server_version": str(version),
                "database": str(name),
                "database_bytes": int(size),
                "read_only": str(read_only),
                "schema_version": int(schema),
            }

        return await self._run(work)
