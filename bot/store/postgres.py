"""The PostgreSQL backend (asyncpg), selected by `Store.open("postgresql://…")`, and the
PostgreSQL side of the schema history's bookkeeping.

The Store's SQL is the same on both engines (placeholders rewritten by `dialect.to_postgres`);
only the connection underneath differs. Like the SQLite backend it is ONE connection behind the
Store's lock, not a pool: operations reach the database in the order callers made them (an edit
never overtakes its message's insert, a cursor never lands before the volume it vouches for),
which a pool would give up. A bot process spends its database time on short writes that a
single connection keeps up with (bench/store_throughput.py); more processes (shards) each bring
their own connection.

Faults follow SQLite's: serialization failures, deadlocks and lock timeouts (another process
in the way) are retried by the Store with the same backoff and budget as SQLite's busy
database; a lost connection, a read-only or full database become StoreUnavailableError (the
connection is re-opened by the next call); anything else is a StoreError. Messages name the
database by its URL without the password.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Sequence
from typing import Self

import asyncpg

from bot.config import check_postgres_url
from bot.store.backend import ErrorKind, Params
from bot.store.database import BUSY_BUDGET_SECONDS, busy_timeout_ms
from bot.store.dialect import Dialect, redact_url, to_postgres
from bot.store.errors import StoreError, StoreUnavailableError
from bot.store.migrations import PG_MIGRATIONS, Migration, NewerSchemaError
from bot.store.records import Row

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
SCRUB_TIMEOUT_SECONDS = 600.0  # VACUUM of those, on a connection of its own


# Another backend of this database (only those hold back its non-shared tables' rows) with
# a snapshot from before `$1`.
_OLDER_SNAPSHOT = (
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
    "AND datname = current_database() "
    "AND backend_xmin IS NOT NULL AND backend_type = 'client backend' "
    "AND xact_start < $1)"
)


class PgBackend:
    """One asyncpg connection, re-opened after it is lost. Open it with `PgBackend.connect`."""

    def __init__(
        self,
        url: str,
        connection: asyncpg.Connection,
        *,
        busy_budget: float,
        command_timeout: float,
    ) -> None:
        self._url = url
        self._name = redact_url(url)
        self._connection: asyncpg.Connection | None = connection
        self._busy_budget = busy_budget
        self._command_timeout = command_timeout
        self._read_only = False
        self._in_transaction = False

    @classmethod
    async def connect(cls, url: str, *, busy_budget: float, command_timeout: float) -> Self:
        """Connect to and migrate the database at `url` (see `Store.open`)."""
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
            if isinstance(exc, (asyncpg.PostgresError, *CONNECTION_ERRORS)):
                raise pg_error(display, exc, opening=True) from None
            raise
        return cls(url, connection, busy_budget=busy_budget, command_timeout=command_timeout)

    @property
    def dialect(self) -> Dialect:
        return "postgresql"

    @property
    def name(self) -> str:
        return self._name

    async def _ready(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._connection = await _connect(self._url, self._busy_budget, self._command_timeout)
            if self._read_only:
                await self._connection.execute("SET default_transaction_read_only = on")
        elif not self._in_transaction and self._connection.is_in_transaction():
            # Left open by a cancelled call whose rollback never reached the server.
            await self._connection.execute("ROLLBACK")
        return self._connection

    async def execute(self, sql: str, params: Params = (), /) -> int:
        connection = await self._ready()
        return _rowcount(await connection.execute(to_postgres(sql), *_text_safe(params)))

    async def executemany(self, sql: str, rows: Sequence[Params], /) -> int:
        """Each execution returns one row per row it changed, and those are counted: asyncpg's
        executemany reports no counts. All are pipelined in one round trip."""
        if not rows:
            return 0
        connection = await self._ready()
        counting = to_postgres(sql).rstrip().rstrip(";") + " RETURNING 1"
        return len(await connection.fetchmany(counting, [_text_safe(row) for row in rows]))

    async def fetch_one(self, sql: str, params: Params = (), /) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = (), /) -> list[Row]:
        connection = await self._ready()
        return list(await connection.fetch(to_postgres(sql), *_text_safe(params)))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        connection = await self._ready()
        self._in_transaction = True
        try:
            async with connection.transaction():
                yield
        finally:
            self._in_transaction = False

    async def hold_lock(self, key: int, /) -> None:
        # Transaction-scoped, so the commit or rollback that ends the work lets it go: a failed
        # statement or a lost connection never leaves it held. A wait longer than lock_timeout
        # is a lock timeout, retried by the Store like any other.
        assert self._in_transaction, "outside a transaction the lock would end with the SELECT"
        await self.execute("SELECT pg_advisory_xact_lock(?::bigint)", (key,))

    def classify(self, exc: BaseException) -> ErrorKind | None:
        if not isinstance(exc, (asyncpg.PostgresError, *CONNECTION_ERRORS)):
            return None
        state = getattr(exc, "sqlstate", None)
        if state in RETRIED:
            return "retry"
        if state in _UNAVAILABLE or connection_lost(exc) or isinstance(exc, TimeoutError):
            return "unavailable"
        return "fail"

    def error(self, exc: BaseException) -> StoreError:
        if connection_lost(exc):
            self._drop_connection()
        return pg_error(self._name, exc)

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None

    @property
    def scrubs_aside(self) -> bool:
        return True

    async def scrub_erased(self) -> bool:
        """Reclaim the row versions an erasure left behind: PostgreSQL keeps a deleted or
        updated row's old version in the table's files until VACUUM removes it (autovacuum
        comes only after enough changes, perhaps never on a quiet table). On a connection of
        its own, bounded by SCRUB_TIMEOUT_SECONDS rather than CLAMOR_DB_TIMEOUT: on a large
        log it takes seconds, which the Store's queries need not wait for."""
        try:
            connection = await _connect(self._url, self._busy_budget, SCRUB_TIMEOUT_SECONDS)
        except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
            raise pg_error(self._name, exc) from None
        try:
            # The server gives up too, not only the client (asyncpg's cancel may not reach it).
            await connection.execute(f"SET statement_timeout = {int(SCRUB_TIMEOUT_SECONDS * 1000)}")
            started = await connection.fetchval("SELECT clock_timestamp()")
            # A snapshot older than the VACUUM may still see deleted rows, which it then keeps:
            # held back, like SQLite's checkpoint by a reader, and tried again later. Looked at
            # before the VACUUM too: one that ends while it runs has kept them all the same.
            held = await connection.fetchval(_OLDER_SNAPSHOT, started)
            # Fixed names, never input; VACUUM cannot run inside a transaction.
            await connection.execute(f"VACUUM {', '.join(ERASED_TEXT_TABLES)}")
            if held or await connection.fetchval(_OLDER_SNAPSHOT, started):
                return False
        except TimeoutError:
            raise StoreUnavailableError(
                f"{self._name}: VACUUM did not finish in {SCRUB_TIMEOUT_SECONDS:.0f} s"
            ) from None
        except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
            if getattr(exc, "sqlstate", None) in RETRIED:
                return False  # another VACUUM's lock: tried again after a pause
            raise pg_error(self._name, exc) from None
        finally:
            connection.terminate()
        return True

    async def set_read_only(self, on: bool) -> None:
        await self.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")
        self._read_only = on

    async def schema_version(self) -> int:
        return await pg_schema_version(await self._ready())

    async def diagnostics(self) -> dict[str, int | str]:
        """The server and database, for a status command and for tests."""
        rows = await self.fetch_all(
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

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(*CONNECTION_ERRORS, asyncpg.PostgresError):
                await self._connection.close(timeout=5)
            self._connection = None


# PostgreSQL has no `PRAGMA user_version`: the applied versions are rows of `clamor_schema`,
# and every migration inserts its row in the same transaction as its DDL.
SCHEMA_TABLE = """
    CREATE TABLE IF NOT EXISTS clamor_schema (
        version    INTEGER PRIMARY KEY,
        applied_at DOUBLE PRECISION NOT NULL
    )
"""
# pg_advisory_lock key for migrating: "clamor" in ASCII. Held for the whole migration, so two
# processes starting together apply each migration once, one after the other.
MIGRATION_LOCK = int.from_bytes(b"clamor", "big")


async def pg_schema_version(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM clamor_schema"))


async def migrate_pg(
    connection: asyncpg.Connection,
    migrations: Sequence[Migration] = PG_MIGRATIONS,
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
