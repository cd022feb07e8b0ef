"""PostgreSQL's scrub (VACUUM) on a connection of its own, outside the Store's lock: it holds
up no query and outlasts the command timeout, yet a stop does not wait minutes for it; a
deletion made while it runs stays owed, steady deletions do not starve it, and a snapshot older
than it (in this database only) holds it back as a reader holds back SQLite's."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import asyncpg
import pytest

from bot.store import Store
from tests.e2e.waiting import eventually
from tests.store.conftest import fresh_database
from tests.store.pg_server import PgServer
from tests.store.store_factory import request
from tests.store.test_store_erased_copies import ERASED

XID_MARK = "xid-holder-okapi-8812"


async def heap_has(pg_server: PgServer, admin: asyncpg.Connection, mark: str) -> bool:
    await admin.execute("CHECKPOINT")
    relation = await admin.fetchval("SELECT pg_relation_filepath('request_messages')")
    return mark.encode() in (pg_server.folder / "data" / relation).read_bytes()


async def waiting_vacuum(admin: asyncpg.Connection) -> int:
    """The pid of the scrub's VACUUM once it waits for a lock `admin` holds."""
    pid: int | None = None

    async def waits() -> bool:
        nonlocal pid
        # A transaction sees one snapshot of the statistics: read afresh each time.
        await admin.execute("SELECT pg_stat_clear_snapshot()")
        pid = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'VACUUM%' "
            "AND wait_event_type = 'Lock'"
        )
        return pid is not None

    await eventually(waits, "the VACUUM to wait for a lock")
    assert pid is not None
    return pid


@pytest.mark.postgresql
async def test_a_writer_idle_in_transaction_holds_the_vacuum_back_and_it_stays_owed(
    pg_server: PgServer,
) -> None:
    # A READ COMMITTED transaction that wrote (has an xid) and sits idle: backend_xmin is NULL
    # between its statements, but its xid keeps every later deletion's rows alive for VACUUM.
    url = await fresh_database(pg_server)
    other = await asyncpg.connect(url)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, busy_budget=0.5) as store:
            await store.upsert_request(request(1, content=f"{XID_MARK} deleted"))
            transaction = other.transaction()
            await transaction.start()
            await other.fetchval("SELECT txid_current()")  # e.g. an UPDATE elsewhere, then idle
            assert await store.delete_messages(1, [1]) == 1
            scrubbed = await store.finish_scrub()
            await transaction.rollback()
            assert not scrubbed or not await heap_has(pg_server, admin, XID_MARK), (
                "finish_scrub said done while the deleted text stayed in the table's file"
            )
        assert not await heap_has(pg_server, admin, XID_MARK), "left in the file after close"
    finally:
        await other.close()
        await admin.close()


@pytest.mark.postgresql
async def test_a_snapshot_in_another_database_does_not_keep_the_scrub_owed(
    pg_server: PgServer,
) -> None:
    # Another database on the same server (another app, a pg_dump of it, a psql session left
    # in a transaction) holds nothing back in Clamor's tables: VACUUM removes the rows.
    url = await fresh_database(pg_server)
    elsewhere = await asyncpg.connect(pg_server.url())  # the server's default database
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, busy_budget=0.5) as store:
            await store.upsert_request(request(1, content="xdb-deleted-gecko-4410"))
            async with elsewhere.transaction(isolation="repeatable_read"):
                await elsewhere.fetchval("SELECT count(*) FROM pg_class")  # its snapshot
                assert await store.delete_messages(1, [1]) == 1
                scrubbed = await store.finish_scrub()
                assert not await heap_has(pg_server, admin, "xdb-deleted-gecko-4410")
                assert scrubbed, "VACUUM removed the text, yet the scrub is still owed"
                assert not store.scrub_owed
    finally:
        await elsewhere.close()
        await admin.close()


@pytest.mark.sqlite_only
async def test_steady_deletions_do_not_starve_the_hourly_scrub(tmp_path: Path) -> None:
    # SQLite scrubs under the Store's lock: a deletion that lands while the scrub waits for
    # the lock is before it, and paid by it. Deletions every few ms (a purge by a moderator,
    # a busy server) must not make every attempt count as not paid.
    async with await Store.open(tmp_path / "clamor.db", busy_budget=1.0) as store:
        for number in range(1, 2001):
            await store.upsert_request(request(number, content=f"text {number}"))
        stop = asyncio.Event()

        async def deleting() -> None:
            number = 1
            while not stop.is_set():
                await store.delete_messages(1, [number])
                number += 1

        task = asyncio.create_task(deleting())
        await asyncio.sleep(0.05)
        try:
            scrubbed = await store.finish_scrub()
        finally:
            stop.set()
            await task
        assert scrubbed, "no reader held the scrub back, yet finish_scrub gave up"


@pytest.mark.postgresql
async def test_steady_deletions_do_not_starve_the_aside_vacuum(pg_server: PgServer) -> None:
    # A deletion every few ms (a busy server's deletions, a moderator's purge) while the hourly
    # tick scrubs: each VACUUM pays what was deleted before it began, so the debts before the
    # tick get paid; those during it stay owed for the next one. Here every attempt sees a new
    # deletion and the tick gives up after its budget, VACUUMing the whole log over and over.
    url = await fresh_database(pg_server)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, busy_budget=1.0) as store:
            for number in range(1, 3001):
                await store.upsert_request(request(number, content="starve-mark-ibis-7703"))
            await store.finish_scrub()
            assert await store.delete_messages(1, [1]) == 1  # owed before the tick
            before = await admin.fetchval(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'request_messages'"
            )
            stop = asyncio.Event()

            async def deleting() -> None:
                number = 2
                while not stop.is_set():
                    await store.delete_messages(1, [number])
                    number += 1

            task = asyncio.create_task(deleting())
            try:
                scrubbed = await store.finish_scrub()
            finally:
                stop.set()
                await task
            await asyncio.sleep(0.6)
            after = await admin.fetchval(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'request_messages'"
            )
            assert scrubbed, (
                f"the tick gave up after {after - before} VACUUMs of the log; "
                "what was owed before it was paid by the first"
            )
    finally:
        await admin.close()


@pytest.mark.postgresql
async def test_forget_me_is_not_held_up_by_a_transaction_in_another_database(
    pg_server: PgServer,
) -> None:
    # /clamor forget-me erases in the guild's turn (every live event of the server waits):
    # a psql session left in a transaction on another database of the server held it up the
    # whole busy budget (9 s), retrying VACUUM all along, and left the scrub owed.
    url = await fresh_database(pg_server)
    elsewhere = await asyncpg.connect(pg_server.url())
    try:
        async with await Store.open(url) as store:
            await store.upsert_request(request(1, content="forget me", author_hash="a" * 64))
            async with elsewhere.transaction(isolation="repeatable_read"):
                await elsewhere.fetchval("SELECT 1")
                started = asyncio.get_running_loop().time()
                assert await store.opt_out_author(1, "a" * 64, 0.0) == 1
                took = asyncio.get_running_loop().time() - started
                assert took < 3, f"forget-me took {took:.1f} s"
                assert not store.scrub_owed
    finally:
        await elsewhere.close()


RACE_MARK = "ended-midway-tapir-6619"


@pytest.mark.postgresql
async def test_a_snapshot_that_ends_during_the_vacuum_still_held_it_back(
    pg_server: PgServer,
) -> None:
    # VACUUM fixes what it may remove when it starts on a table: a reader whose snapshot was
    # older then keeps the rows, even if it is gone by the time the check looks (a CLI digest,
    # an export that ends during a 1.7 s VACUUM of a large log). Seen as done, the scrub is no
    # longer owed and the text stays in the table's file until some autovacuum.
    url = await fresh_database(pg_server)
    reader = await asyncpg.connect(url)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, busy_budget=3.0) as store:
            await store.upsert_request(request(1, content=f"{RACE_MARK} deleted"))
            reading = reader.transaction(isolation="repeatable_read")
            await reading.start()
            await reader.fetchval("SELECT 1")  # its snapshot (and no lock on a table)
            assert await store.delete_messages(1, [1]) == 1
            async with admin.transaction():
                # request_messages is vacuumed first (the reader keeps the row); the VACUUM
                # then waits for label_corrections, while the reader finishes.
                await admin.execute("LOCK TABLE label_corrections IN SHARE UPDATE EXCLUSIVE MODE")
                scrub = asyncio.create_task(store.finish_scrub())

                await waiting_vacuum(admin)
                await reading.rollback()  # the reader is done, after VACUUM passed its table
            scrubbed = await scrub
            kept = await heap_has(pg_server, admin, RACE_MARK)
            assert not (scrubbed and kept), "the scrub counted as done; the text is in the file"
        assert not await heap_has(pg_server, admin, RACE_MARK), "left in the file after close"
    finally:
        await reader.close()
        await admin.close()


@pytest.mark.postgresql
async def test_a_long_vacuum_holds_up_no_query_and_outlasts_the_command_timeout(
    pg_server: PgServer,
) -> None:
    # VACUUM takes seconds on a large log (1.7 s for 3 million rows): it has a connection of
    # its own. Here another session's lock makes it wait as long.
    url = await fresh_database(pg_server)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, command_timeout=0.5) as store:
            await store.upsert_request(request(1, content=ERASED))
            assert await store.delete_messages(1, [1]) == 1
            async with admin.transaction():
                await admin.execute("LOCK TABLE request_messages IN SHARE UPDATE EXCLUSIVE MODE")
                scrub = asyncio.create_task(store.finish_scrub())

                await waiting_vacuum(admin)
                async with asyncio.timeout(0.4):  # answered while the VACUUM waits
                    assert await store.get_request(1, 1) is None
                await asyncio.sleep(0.6)  # past the command timeout, within the lock timeout
                assert not scrub.done()
            assert await scrub
            assert not store.scrub_owed
    finally:
        await admin.close()


MARK = "lost-debt-walrus-5521"  # written by one test only: no other test's leftover matches


@pytest.mark.postgresql
async def test_a_deletion_during_an_aside_vacuum_stays_owed(pg_server: PgServer) -> None:
    url = await fresh_database(pg_server)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url) as store:
            await store.upsert_request(request(1, content="erased first"))
            await store.upsert_request(request(2, content=f"{MARK} deleted during the VACUUM"))
            assert await store.delete_messages(1, [1]) == 1
            assert store.scrub_owed
            async with admin.transaction():
                # VACUUM request_messages, label_corrections: the first table is done, the
                # second waits (as behind another process's VACUUM or a slow second table).
                await admin.execute("LOCK TABLE label_corrections IN SHARE UPDATE EXCLUSIVE MODE")
                scrub = asyncio.create_task(store.finish_scrub())

                await waiting_vacuum(admin)
                # A member deletes a message meanwhile: the Store's lock is free.
                assert await store.delete_messages(1, [2]) == 1
                assert store.scrub_owed
            # request_messages was vacuumed before that deletion: this scrub cannot pay for it
            # and goes round again.
            assert await scrub
        assert not await heap_has(pg_server, admin, MARK), (
            "a deleted message's text is left in the table's file"
        )
    finally:
        await admin.close()


@pytest.mark.postgresql
async def test_a_stop_does_not_wait_minutes_for_a_server_that_stopped_answering(
    pg_server: PgServer,
) -> None:
    # The scrub a stop pays has a 2 s budget, and every statement CLAMOR_DB_TIMEOUT (here
    # 0.5 s); the VACUUM's own connection waits SCRUB_TIMEOUT_SECONDS (600 s) for an answer.
    url = await fresh_database(pg_server)
    admin = await asyncpg.connect(url)
    stopped: int | None = None
    try:
        store = await Store.open(url, command_timeout=0.5)
        await store.upsert_request(request(1, content="deleted"))
        assert await store.delete_messages(1, [1]) == 1
        async with admin.transaction():
            await admin.execute("LOCK TABLE request_messages IN SHARE UPDATE EXCLUSIVE MODE")
            closing = asyncio.create_task(store.close())  # a deploy's SIGTERM

            stopped = await waiting_vacuum(admin)
            os.kill(stopped, signal.SIGSTOP)  # the server stops answering (a hung host)
        try:
            async with asyncio.timeout(10):
                await closing
        except TimeoutError:
            pytest.fail("close() still waiting for the VACUUM's connection after 10 s")
    finally:
        if stopped is not None:
            os.kill(stopped, signal.SIGCONT)
        await admin.close()


SNAPSHOT_MARK = "held-back-narwhal-3307"


@pytest.mark.postgresql
async def test_a_scrub_held_back_by_another_connections_snapshot_stays_owed(
    pg_server: PgServer,
) -> None:
    # SQLite's scrub fails while another connection reads (and stays owed); PostgreSQL's VACUUM
    # succeeds but cannot remove row versions an older snapshot may still see (a CLI digest,
    # another shard mid-transaction): it is held back as well.
    url = await fresh_database(pg_server)
    reader = await asyncpg.connect(url)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, busy_budget=0.5) as store:
            await store.upsert_request(request(1, content=f"{SNAPSHOT_MARK} deleted"))
            async with reader.transaction(isolation="repeatable_read"):
                await reader.fetchval("SELECT 1")  # its snapshot (and no lock on a table)
                assert await store.delete_messages(1, [1]) == 1
                assert not await store.finish_scrub()  # the hourly tick, while the reader reads
                assert store.scrub_owed
            # The reader is done: the text must go now or at the next tick (or close).
        assert not await heap_has(pg_server, admin, SNAPSHOT_MARK), (
            "the deleted text is left in the table's file"
        )
    finally:
        await reader.close()
        await admin.close()
