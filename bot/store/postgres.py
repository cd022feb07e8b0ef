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
import socket
from collections.abc import Iterable
from time import monotonic

import asyncpg

from bot.config import DEFAULT_DB_TIMEOUT, check_postgres_url
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
from bot.store.dialect import redact_url
from bot.store.errors import StoreError
from bot.store.migrations import NewerSchemaError
from bot.store.pg_migrations import migrate_pg
from bot.store.pg_session import (
    CONNECTION_ERRORS,
    RETRIED,
    PgSession,
    connection_lost,
    pg_error,
)
from bot.store.store import Store

# TCP keepalive probes on both ends of the connection: after this many idle seconds, then every
# interval, given up after the count. The client notices a server (or a network path) that
# vanished while the connection sat idle, and opens a new connection instead of waiting out the
# command timeout on it; the server drops a client that vanished, with whatever locks it held.
KEEPALIVE_IDLE_SECONDS = 30
KEEPALIVE_INTERVAL_SECONDS = 10
KEEPALIVE_COUNT = 3


async def _connect(url: str, budget: float, command_timeout: float) -> asyncpg.Connection:
    # lock_timeout plays SQLite's busy_timeout: a statement waits a slice of the budget for
    # another transaction's lock, then `_run` backs off and tries again (PostgreSQL would
    # otherwise wait forever). command_timeout bounds every statement: a server that stops
    # answering raises TimeoutError, a lost connection to the Store. Trend queries differ by
    # their number of days, so keep more prepared statements than asyncpg's default.
    connection = await asyncpg.connect(
        url,
        timeout=max(budget, 1.0),
        command_timeout=command_timeout,
        statement_cache_size=1024,
        server_settings={
            "lock_timeout": str(busy_timeout_ms(budget)),
            "tcp_keepalives_idle": str(KEEPALIVE_IDLE_SECONDS),
            "tcp_keepalives_interval": str(KEEPALIVE_INTERVAL_SECONDS),
            "tcp_keepalives_count": str(KEEPALIVE_COUNT),
        },
    )
    _keep_alive(connection)
    return connection


def _keep_alive(connection: asyncpg.Connection) -> None:
    """Switch on TCP keepalives on the client's socket (asyncpg has no option for it, unlike
    libpq's `keepalives`); a Unix socket has none to switch on."""
    transport = getattr(connection, "_transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in (
        ("TCP_KEEPIDLE", KEEPALIVE_IDLE_SECONDS),  # Linux; macOS calls it TCP_KEEPALIVE
        ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL_SECONDS),
        ("TCP_KEEPCNT", KEEPALIVE_COUNT),
    ):
        if hasattr(socket, name):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


# The tables that hold members' text (and author hashes): what an erasure must not leave behind.
ERASED_TEXT_TABLES = ("request_messages", "label_corrections")


class PgStore(Store):
    """The Store on one asyncpg connection. Open it with `Store.open("postgresql://…")`."""

    dialect = "postgresql"

    def __init__(  # the SQLite Database.__init__ is not run: there is no aiosqlite connection
        self,
        url: str,
        connection: asyncpg.Connection,
        *,
        busy_budget: float,
        command_timeout: float = DEFAULT_DB_TIMEOUT,
    ) -> None:
        self._url = url
        self._command_timeout = command_timeout
        self._path = redact_url(url)
        self._connection: asyncpg.Connection | None = connection
        self._busy_budget = busy_budget
        self._lock = asyncio.Lock()
        self._closed = False
        self._busy_retries = 0
        self._read_only = False

    @classmethod
    async def connect_url(
        cls,
        url: str,
        *,
        busy_budget: float = BUSY_BUDGET_SECONDS,
        command_timeout: float = DEFAULT_DB_TIMEOUT,
    ) -> PgStore:
        display = redact_url(url)
        try:
            check_postgres_url(url)
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        try:
            connection = await _connect(url, busy_budget, command_timeout)
        except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
            raise pg_error(display, exc, opening=True) from None
        try:
            await migrate_pg(connection, busy_budget=busy_budget)
        except BaseException as exc:
            # Not close(): it waits for the server's goodbye, forever if the server hangs.
            connection.terminate()
            if isinstance(exc, NewerSchemaError):
                raise StoreError(
                    f"{display}: created by a newer Clamor ({exc}); upgrade Clamor to open it"
                ) from None
            if isinstance(exc, asyncpg.PostgresError | CONNECTION_ERRORS):
                raise pg_error(display, exc, opening=True) from None
            raise
        return cls(url, connection, busy_budget=busy_budget, command_timeout=command_timeout)

    async def close(self) -> None:
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._connection is not None:
                with contextlib.suppress(*CONNECTION_ERRORS, asyncpg.PostgresError):
                    await self._connection.close(timeout=5)
                self._connection = None

    async def _open_connection(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._connection = await _connect(self._url, self._busy_budget, self._command_timeout)
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
                except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
                    waited = monotonic() - started
                    state = getattr(exc, "sqlstate", None)
                    if state not in RETRIED or waited >= self._busy_budget:
                        if connection_lost(exc):
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

    async def _scrub_erased(self) -> None:
        """Reclaim the row versions an erasure left behind: PostgreSQL keeps a deleted or
        updated row's old version in the table's files until VACUUM removes it (autovacuum
        comes only after enough changes, perhaps never on a quiet table)."""

        async def work(db: Connection) -> None:
            # Fixed names, never input; VACUUM cannot run inside a transaction.
            await db.execute(f"VACUUM {', '.join(ERASED_TEXT_TABLES)}")

        await self._run(work)

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
