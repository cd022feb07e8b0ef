"""What only the PostgreSQL Store has: its migrations table and lock, its error mapping, waiting
for another process's lock, losing the connection; and that the one schema history gives both
databases the same schema. (Everything the two stores share runs on both through the `store`
fixture.)"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.store import Store, StoreError, StoreUnavailableError
from bot.store.alerts import PostedAlert
from bot.store.dialect import postgres_type
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, PG_MIGRATIONS, migrate
from bot.store.postgres import migrate_pg, pg_error
from tests.store.conftest import fresh_database
from tests.store.pg_server import PgServer
from tests.store.store_factory import BASE_TIME, request

pytestmark = pytest.mark.postgresql
_names = itertools.count(1)
WAIT_SECONDS = 10.0


async def eventually(condition: Callable[[], bool]) -> None:
    """Return once `condition()` holds; fail the test if it never does."""
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


async def waiting_for_a_lock(other: asyncpg.Connection) -> None:
    """Return once some connection to the database waits for a lock."""
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while not await other.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ):
        assert asyncio.get_running_loop().time() < deadline, "nobody ever waited"
        await asyncio.sleep(0.01)


@pytest.fixture
async def empty_url(pg_server: PgServer) -> str:
    """A new database with nothing in it, not even Clamor's schema."""
    name = f"clamor_empty_{next(_names)}"
    admin = await asyncpg.connect(pg_server.url())
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return pg_server.url(name)


@pytest.fixture
async def pg_url(pg_server: PgServer) -> str:
    return await fresh_database(pg_server)


@pytest.fixture
async def other(pg_url: str) -> AsyncIterator[asyncpg.Connection]:
    """Another process's connection to the same database."""
    connection = await asyncpg.connect(pg_url)
    yield connection
    await connection.close()


# A table's shape, the same way for both engines: its columns as (name, PostgreSQL type, may be
# NULL) by name, its primary key, and its other indexes as name -> (columns, partial). Column
# order is left out: migration 11 rebuilt digest_runs on SQLite with timezone in the middle and
# added it at the end on PostgreSQL, and every statement names its columns.
Shape = tuple[
    tuple[tuple[str, str, bool], ...], tuple[str, ...], dict[str, tuple[tuple[str, ...], bool]]
]


def sqlite_schema(path: Path) -> dict[str, Shape]:
    db = sqlite3.connect(path)
    try:
        schema: dict[str, Shape] = {}
        tables = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for (table,) in tables.fetchall():
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            columns = tuple(
                sorted(
                    (name, postgres_type(kind), not (notnull or pk))
                    for _, name, kind, notnull, _, pk in info
                )
            )
            key = tuple(
                row[1] for row in sorted((row for row in info if row[5]), key=lambda r: r[5])
            )
            indexes = {
                name: (
                    tuple(row[2] for row in db.execute(f"PRAGMA index_info({name})")),
                    bool(partial),
                )
                for _, name, _, origin, partial in db.execute(f"PRAGMA index_list({table})")
                if origin == "c"  # made by CREATE INDEX, not by the primary key
            }
            schema[table] = (columns, key, indexes)
        return schema
    finally:
        db.close()


async def postgres_schema(url: str) -> dict[str, Shape]:
    connection = await asyncpg.connect(url)
    try:
        columns = await connection.fetch(
            "SELECT table_name, column_name, upper(data_type), is_nullable = 'YES' "
            "FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'clamor_schema' "
            "ORDER BY table_name, ordinal_position"
        )
        indexes = await connection.fetch(
            """
            SELECT t.relname, i.relname, ix.indisprimary, ix.indpred IS NOT NULL,
                   array_agg(a.attname::text ORDER BY k.position)
            FROM pg_index AS ix
            JOIN pg_class AS i ON i.oid = ix.indexrelid
            JOIN pg_class AS t ON t.oid = ix.indrelid
            JOIN pg_namespace AS n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE n.nspname = 'public' AND t.relname <> 'clamor_schema'
            GROUP BY t.relname, i.relname, ix.indisprimary, ix.indpred
            """
        )
    finally:
        await connection.close()
    schema: dict[str, Shape] = {}
    for table in sorted({row[0] for row in columns}):
        shape = tuple(sorted((row[1], row[2], row[3]) for row in columns if row[0] == table))
        key = next((tuple(row[4]) for row in indexes if row[0] == table and row[2]), ())
        others = {
            row[1]: (tuple(row[4]), row[3]) for row in indexes if row[0] == table and not row[2]
        }
        schema[table] = (shape, key, others)
    return schema


async def test_both_databases_end_with_the_same_schema(empty_url: str, tmp_path: Path) -> None:
    # One history written once: the tables, columns (types mapped through the dialect table),
    # primary keys and indexes a fresh database ends with are the same on both engines.
    path = tmp_path / "clamor.db"
    async with await Store.open(path):
        pass
    async with await Store.open(empty_url):
        pass
    expected = sqlite_schema(path)
    assert {"request_messages", "digest_runs", "shard_leases"} <= expected.keys()
    assert await postgres_schema(empty_url) == expected


async def test_a_database_at_any_version_upgrades_to_the_fresh_schema(
    empty_url: str, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.db"
    async with await Store.open(fresh):
        pass
    expected = sqlite_schema(fresh)
    for version in range(1, LATEST_VERSION):
        path = tmp_path / f"at_{version}.db"
        async with aiosqlite.connect(path, isolation_level=None) as db:
            assert await migrate(db, MIGRATIONS[:version]) == version
        connection = await asyncpg.connect(empty_url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            assert await migrate_pg(connection, PG_MIGRATIONS[:version]) == version
        finally:
            await connection.close()
        for location in (str(path), empty_url):
            async with await Store.open(location) as store:
                assert await store.schema_version() == LATEST_VERSION
        assert sqlite_schema(path) == expected, f"SQLite from version {version}"
        assert await postgres_schema(empty_url) == expected, f"PostgreSQL from version {version}"


async def test_a_new_database_is_migrated_once_under_the_lock(empty_url: str) -> None:
    # Two processes starting together: the advisory lock lets one migrate, the other waits.
    first, second = await asyncio.gather(Store.open(empty_url), Store.open(empty_url))
    try:
        assert await first.schema_version() == await second.schema_version() == LATEST_VERSION
    finally:
        await first.close()
        await second.close()
    connection = await asyncpg.connect(empty_url)
    try:
        versions = [row[0] for row in await connection.fetch("SELECT version FROM clamor_schema")]
    finally:
        await connection.close()
    assert sorted(versions) == list(range(1, LATEST_VERSION + 1))


async def test_a_newer_database_is_refused(empty_url: str) -> None:
    async with await Store.open(empty_url):
        pass
    connection = await asyncpg.connect(empty_url)
    try:
        await connection.execute("INSERT INTO clamor_schema VALUES ($1, 0)", LATEST_VERSION + 1)
    finally:
        await connection.close()
    with pytest.raises(StoreError, match="newer Clamor"):
        await Store.open(empty_url)


async def test_errors_name_the_database_without_its_password(pg_server: PgServer) -> None:
    url = f"postgresql://clamor:hunter2@127.0.0.1:{pg_server.port}/no_such_db"
    with pytest.raises(StoreError, match="no such database") as raised:
        await Store.open(url)
    assert "hunter2" not in str(raised.value)
    assert f"postgresql://clamor@127.0.0.1:{pg_server.port}/no_such_db" in str(raised.value)
    assert not isinstance(raised.value, StoreUnavailableError)


async def test_a_server_that_does_not_answer_is_unavailable(pg_server: PgServer) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreUnavailableError, match="cannot connect"):
        await Store.open(f"postgresql://clamor@127.0.0.1:{port}/x", busy_budget=0.5)


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        (asyncpg.exceptions.DiskFullError("no space"), StoreUnavailableError, "disk is full"),
        (asyncpg.exceptions.ReadOnlySQLTransactionError("ro"), StoreUnavailableError, "read-only"),
        (asyncpg.exceptions.SerializationError("s"), StoreUnavailableError, "serialize"),
        (asyncpg.exceptions.DeadlockDetectedError("d"), StoreUnavailableError, "deadlock"),
        (asyncpg.exceptions.LockNotAvailableError("l"), StoreUnavailableError, "locked"),
        (asyncpg.exceptions.ConnectionDoesNotExistError("c"), StoreUnavailableError, "lost"),
        (ConnectionResetError("reset"), StoreUnavailableError, "connection lost"),
        (asyncpg.exceptions.AdminShutdownError("bye"), StoreUnavailableError, "shutting down"),
        (asyncpg.exceptions.CheckViolationError("violates"), StoreError, "violates"),
        (asyncpg.exceptions.UndefinedTableError("no table"), StoreError, "no table"),
    ],
)
def test_postgresql_errors_become_one_line_store_errors(
    error: Exception, kind: type[StoreError], text: str
) -> None:
    mapped = pg_error("postgresql://u@h:5432/db", error)
    assert type(mapped) is kind
    assert text in str(mapped)
    assert str(mapped).startswith("postgresql://u@h:5432/db: ")
    assert "\n" not in str(mapped)


async def test_a_lock_released_in_time_is_waited_for(
    pg_url: str, other: asyncpg.Connection
) -> None:
    # The default budget (9 s, 1 s per attempt), as in SQLite's twin of this test: between the
    # first retry and the rollback below the write must not run out of budget, and a loaded
    # machine can hold this test up for more than the 1.5 s a 2 s budget used to leave.
    async with await Store.open(pg_url) as store:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("LOCK TABLE request_messages IN ACCESS EXCLUSIVE MODE")
        write = asyncio.create_task(store.upsert_request(request(1)))
        await eventually(lambda: store.busy_retries > 0)  # a lock timeout came and went
        assert not write.done()
        await transaction.rollback()
        assert await write is True
        assert store.busy_retries > 0
        assert await store.count_requests(1) == 1


async def test_a_lock_held_too_long_is_unavailable_then_recovers(
    pg_url: str, other: asyncpg.Connection
) -> None:
    async with await Store.open(pg_url, busy_budget=0.3) as store:
        async with other.transaction():
            await other.execute("LOCK TABLE request_messages IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(StoreUnavailableError, match="locked") as raised:
                await store.upsert_requests([request(1), request(2)])
            assert pg_url in str(raised.value)
        assert await store.upsert_requests([request(1), request(2)]) == 2


_TERMINATE_OTHERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def test_a_connection_lost_while_idle_is_opened_again(
    pg_url: str, other: asyncpg.Connection
) -> None:
    async with await Store.open(pg_url) as store:
        await store.upsert_request(request(1))
        await other.execute(_TERMINATE_OTHERS)
        # The client may or may not have read the server's goodbye yet: if not, that one call
        # is refused as unavailable; either way the next one runs on a new connection.
        with contextlib.suppress(StoreUnavailableError):
            await store.count_requests(1)
        assert await store.upsert_request(request(2)) is True
        assert await store.count_requests(1) == 2


async def test_a_connection_lost_mid_write_is_unavailable_then_reopened(
    pg_url: str, other: asyncpg.Connection
) -> None:
    async with await Store.open(pg_url, busy_budget=5.0) as store:
        async with other.transaction():
            # The write waits for this lock, so it is in flight when its connection dies.
            await other.execute("LOCK TABLE request_messages IN ACCESS EXCLUSIVE MODE")
            write = asyncio.create_task(store.upsert_requests([request(1), request(2)]))
            await waiting_for_a_lock(other)
            await other.execute(_TERMINATE_OTHERS)
            with pytest.raises(StoreUnavailableError, match="connection lost") as raised:
                await write
            assert pg_url in str(raised.value)
        assert await store.count_requests(1) == 0
        assert await store.upsert_requests([request(1), request(2)]) == 2


async def test_read_only_survives_a_new_connection(pg_url: str, other: asyncpg.Connection) -> None:
    async with await Store.open(pg_url) as store:
        await store.set_read_only(True)
        await other.execute(_TERMINATE_OTHERS)
        with contextlib.suppress(StoreUnavailableError):
            await store.count_requests(1)
        assert await store.count_requests(1) == 0  # on a new connection
        with pytest.raises(StoreUnavailableError, match="read-only"):
            await store.upsert_request(request(1))
        await store.set_read_only(False)
        assert await store.upsert_request(request(1)) is True


async def test_a_closed_store_refuses_work(pg_url: str) -> None:
    store = await Store.open(pg_url)
    await store.close()
    await store.close()  # twice is harmless
    with pytest.raises(StoreError, match="closed"):
        await store.count_requests(1)


async def test_a_serialization_failure_is_retried(empty_url: str) -> None:
    # On a SERIALIZABLE database, a transaction that finds a row updated by another since it
    # began fails with 40001; the Store runs it again, as it does for SQLite's busy database.
    admin = await asyncpg.connect(empty_url)
    try:
        name = await admin.fetchval("SELECT current_database()")
        await admin.execute(
            f"ALTER DATABASE {name} SET default_transaction_isolation TO 'serializable'"
        )
    finally:
        await admin.close()
    async with await Store.open(empty_url) as store:
        await store.upsert_requests([request(1), request(2)])
        other = await asyncpg.connect(empty_url)
        try:
            async with other.transaction():
                await other.execute("UPDATE request_messages SET language = 'es'")
                erase = asyncio.create_task(store.opt_out_author(1, "a" * 32, 0.0))
                await waiting_for_a_lock(other)  # the Store's DELETE waits for our rows
        finally:
            await other.close()
        assert await erase == 2
        assert store.busy_retries > 0
        assert await store.count_requests(1) == 0


async def test_a_deadlock_is_retried(empty_url: str) -> None:
    # The Store's transaction and another wait for each other's rows. PostgreSQL looks for a
    # deadlock once per wait, deadlock_timeout after it began, and cancels the waiter that finds
    # it. The Store waits first; its check (400 ms, under its 1 s lock_timeout) comes after the
    # other side starts waiting, and the other side's (60 s) never comes first, so the Store gets
    # 40P01 and runs it again once the other transaction is through. (On a machine so loaded that
    # the other side starts waiting later than that, the Store's lock_timeout is retried instead.)
    admin = await asyncpg.connect(empty_url)
    try:
        name = await admin.fetchval("SELECT current_database()")
        await admin.execute(f"ALTER DATABASE {name} SET deadlock_timeout TO '400ms'")
    finally:
        await admin.close()
    async with await Store.open(empty_url) as store:
        await store.set_watch_mode(1, "listed")
        await store.record_alert(PostedAlert(1, "volume", 1.0, "10 requests"))
        other = await asyncpg.connect(empty_url)
        try:
            await other.execute("SET deadlock_timeout TO '60s'")
            async with other.transaction():
                await other.execute("DELETE FROM alerts_posted WHERE guild_id = 1")
                # forget_guild deletes guild_settings first and alerts_posted last.
                forget = asyncio.create_task(store.forget_guild(1))
                await waiting_for_a_lock(other)
                await other.execute("DELETE FROM guild_settings WHERE guild_id = 1")
        finally:
            await other.close()
        await forget
        assert store.busy_retries > 0
        assert await store.known_guilds() == []


async def test_an_older_database_gets_only_the_missing_migrations(empty_url: str) -> None:
    connection = await asyncpg.connect(empty_url)
    try:
        assert await migrate_pg(connection, PG_MIGRATIONS[:2]) == 2
        await connection.execute(
            "INSERT INTO request_messages (message_id, guild_id, channel_id, author_hash, "
            "created_at, content, language, compound, pos, neu, neg, category) "
            "VALUES (7, 1, 10, 'h', 1700000000, 'open source it', 'en', 0, 0, 1, 0, 'demand')"
        )
    finally:
        await connection.close()
    async with await Store.open(empty_url) as store:
        assert await store.schema_version() == LATEST_VERSION
        kept = await store.get_request(1, 7)
        assert kept is not None
        assert kept.content == "open source it"
        assert kept.cues == ()


async def test_version_7_lets_volume_buckets_start_on_the_half_hour(empty_url: str) -> None:
    hour = 1_699_999_200
    insert = "INSERT INTO message_volume VALUES ($1, $2, $3, $4)"
    connection = await asyncpg.connect(empty_url)
    try:
        assert await migrate_pg(connection, PG_MIGRATIONS[:6]) == 6
        await connection.execute(insert, 1, hour, 10, 7)
        with pytest.raises(asyncpg.CheckViolationError):  # what version 7 lifts
            await connection.execute(insert, 1, hour + 1800, 10, 1)
    finally:
        await connection.close()
    async with await Store.open(empty_url) as store:
        assert await store.schema_version() == LATEST_VERSION >= 7
        await store.add_volumes([(1, 10, hour + 1800, 2), (1, 10, hour, 1)])
        assert await store.volume_hours(1, 0, hour * 2) == [(hour, 8), (hour + 1800, 2)]
    connection = await asyncpg.connect(empty_url)
    try:
        with pytest.raises(asyncpg.CheckViolationError):  # a quarter hour is the finest
            await connection.execute(insert, 1, hour + 60, 10, 1)
    finally:
        await connection.close()


async def test_a_version_7_database_gets_the_thread_table(empty_url: str) -> None:
    connection = await asyncpg.connect(empty_url)
    try:
        assert await migrate_pg(connection, PG_MIGRATIONS[:7]) == 7
        await connection.execute("INSERT INTO channel_rules VALUES (1, 10, 'watch')")
    finally:
        await connection.close()
    async with await Store.open(empty_url) as store:
        assert await store.schema_version() == LATEST_VERSION >= 8
        assert await store.channel_rules(1) == {10: "watch"}  # kept
        await store.remember_threads([(1, 11, 10, True)])
        assert await store.threads_under(1, 10) == [11]
    connection = await asyncpg.connect(empty_url)
    try:
        indexes = await connection.fetchval(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'thread_parents_by_parent'"
        )
        assert indexes == 1
        with pytest.raises(asyncpg.CheckViolationError):
            await connection.execute("INSERT INTO thread_parents VALUES (1, 12, 10, 2)")
    finally:
        await connection.close()


async def _vacuums(other: asyncpg.Connection) -> dict[str, int]:
    rows = await other.fetch(
        "SELECT relname, vacuum_count FROM pg_stat_user_tables "
        "WHERE relname IN ('request_messages', 'label_corrections')"
    )
    return {row["relname"]: int(row["vacuum_count"]) for row in rows}


@pytest.mark.parametrize("erasure", ["forget-me", "retention", "content-drop", "guild-departed"])
async def test_an_erasure_vacuums_the_tables_that_held_the_text(
    pg_url: str, other: asyncpg.Connection, erasure: str
) -> None:
    # PostgreSQL keeps an erased row's old version in the table until VACUUM reclaims it.
    async with await Store.open(pg_url) as store:
        await store.upsert_request(request(1, content="zebra-quokka-7781", author_hash="a" * 32))
        before = await _vacuums(other)
        assert set(before) == {"request_messages", "label_corrections"}
        if erasure == "forget-me":
            assert await store.opt_out_author(1, "a" * 32, at=0.0) == 1
        elif erasure == "retention":
            assert await store.erase_expired(now=BASE_TIME + 400 * 86400) == {1: 1}
        elif erasure == "content-drop":
            assert await store.set_content_mode(1, "drop") == 1
        else:
            await store.mark_guild_left(1, BASE_TIME)
            assert await store.erase_departed(now=BASE_TIME + 86400, grace_seconds=0) == [1]

        async def vacuumed() -> bool:
            after = await _vacuums(other)
            return all(after[table] > before[table] for table in before)

        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while not await vacuumed():  # the statistics reach other sessions a moment later
            assert asyncio.get_running_loop().time() < deadline, "no VACUUM ran"
            await asyncio.sleep(0.05)


async def client_backends(other: asyncpg.Connection) -> list[int]:
    """Process ids of the other client connections to `other`'s database."""
    rows = await other.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    return [int(row["pid"]) for row in rows]


@contextlib.contextmanager
def stopped(pid: int) -> Iterator[None]:
    """The server process `pid` frozen (SIGSTOP) as a hung server would be, thawed on the way
    out whatever happens."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


async def test_a_server_that_stops_answering_is_a_lost_connection_not_a_hang(
    pg_url: str, other: asyncpg.Connection
) -> None:
    async with await Store.open(pg_url, command_timeout=1) as store:
        await store.upsert_request(request(1))
        (backend,) = await client_backends(other)
        with stopped(backend):
            with pytest.raises(StoreUnavailableError) as raised:
                await store.upsert_request(request(2))
            assert str(raised.value).endswith(
                "the server did not answer in time (CLAMOR_DB_TIMEOUT); the connection was dropped"
            )
            # The next call opens a new connection, served by another server process.
            await store.upsert_request(request(2))
            assert await store.get_request(1, 2) is not None
            assert set(await client_backends(other)) - {backend}  # frozen, it cannot leave
