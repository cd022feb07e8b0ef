"""Deletions owe a scrub of their text (`Database._scrub_later`), paid at the hourly privacy
tick; a process that stops first pays it as it closes, since another process on the same
database (a second shard, a CLI digest) does not know of it. Every way the Store deletes text
owes one. PostgreSQL's VACUUM runs on a connection of its own: it holds up no query, a deletion
made while it runs stays owed, and neither a stop nor an older snapshot is fooled by it."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.store import LabelCorrection, Store
from tests.e2e.waiting import eventually
from tests.store.conftest import fresh_database
from tests.store.pg_server import PgServer
from tests.store.store_factory import BASE_TIME, request
from tests.store.test_store_erased_copies import ERASED, copies_of


@pytest.mark.sqlite_only
async def test_a_deleted_message_leaves_the_files_though_its_process_stopped(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "clamor.db"
    async with await Store.open(db_path) as shard_1:  # another process, up all along
        async with await Store.open(db_path) as shard_0:
            for number in range(1, 4):
                await shard_0.upsert_request(request(number, content=f"{ERASED} {number}"))
            assert await shard_0.delete_messages(1, [1, 2, 3]) == 3
            assert shard_0.scrub_owed
        # shard 0 stopped (a deploy) before its hourly tick; shard 1 owes nothing.
        assert not shard_1.scrub_owed
        assert copies_of(ERASED, db_path) == {}


async def vacuums(admin: asyncpg.Connection) -> int:
    count = await admin.fetchval(
        "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'request_messages'"
    )
    return int(count)


@pytest.mark.postgresql
async def test_a_deletion_is_vacuumed_though_the_process_stopped_before_its_tick(
    pg_server: PgServer,
) -> None:
    url = await fresh_database(pg_server)
    admin = await asyncpg.connect(url)
    try:
        before = await vacuums(admin)  # the server's statistics outlive a fresh database
        async with await Store.open(url) as store:
            for number in range(1, 4):
                await store.upsert_request(request(number, content=f"{ERASED} {number}"))
            assert await store.delete_messages(1, [1, 2, 3]) == 3
            assert store.scrub_owed
        # Stopped before the hourly tick (a deploy, a restart).
        assert await vacuums(admin) == before + 1
    finally:
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

                async def vacuum_waits() -> bool:
                    # A transaction sees one snapshot of the statistics: read afresh each time.
                    await admin.execute("SELECT pg_stat_clear_snapshot()")
                    waiting = await admin.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'VACUUM%' "
                        "AND wait_event_type = 'Lock'"
                    )
                    return bool(waiting)

                await eventually(vacuum_waits, "the VACUUM to wait for the lock")
                async with asyncio.timeout(0.4):  # answered while the VACUUM waits
                    assert await store.get_request(1, 1) is None
                await asyncio.sleep(0.6)  # past the command timeout, within the lock timeout
                assert not scrub.done()
            assert await scrub
            assert not store.scrub_owed
    finally:
        await admin.close()


async def forget_guild(store: Store) -> None:
    await store.forget_guild(1)  # a server left with CLAMOR_LEAVE_GRACE_DAYS=0: "erased now"


async def undo_relabel(store: Store) -> None:
    assert await store.delete_label_corrections(1, [1]) == 1
    assert await store.delete_request(1, 1)  # logged by the relabel alone


async def import_drops_rows(store: Store) -> None:
    # `clamor analyze` taking out rows that are not requests after all (the team's messages).
    await store.delete_label_corrections(1, [1])
    await store.finish_scrub()
    assert not store.scrub_owed
    await store.upsert_request(request(1, content=f"{ERASED} 1 again"))
    assert await store.delete_uncorrected_requests(1, [1]) == 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("delete", [forget_guild, undo_relabel, import_drops_rows])
async def test_every_deletion_of_text_owes_a_scrub(
    tmp_path: Path, delete: Callable[[Store], Awaitable[None]]
) -> None:
    db_path = tmp_path / "clamor.db"
    async with await Store.open(db_path) as store:
        await store.upsert_request(request(1, content=f"{ERASED} 1"))
        await store.set_label_correction(
            LabelCorrection(1, 1, 10, "frustration", f"{ERASED} 1", "en", None, BASE_TIME)
        )
        assert copies_of(ERASED, db_path)  # the check below can fail
        await delete(store)
        assert await store.finish_scrub()  # the hourly tick
        assert copies_of(ERASED, db_path) == {}


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

                async def vacuum_waits() -> bool:
                    await admin.execute("SELECT pg_stat_clear_snapshot()")
                    return bool(
                        await admin.fetchval(
                            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'VACUUM%' "
                            "AND wait_event_type = 'Lock'"
                        )
                    )

                await eventually(vacuum_waits, "the VACUUM to wait for label_corrections")
                # A member deletes a message meanwhile: the Store's lock is free.
                assert await store.delete_messages(1, [2]) == 1
                assert store.scrub_owed
            # request_messages was vacuumed before that deletion: this scrub cannot pay for it
            # and goes round again.
            assert await scrub
        await admin.execute("CHECKPOINT")
        relation = await admin.fetchval("SELECT pg_relation_filepath('request_messages')")
        heap = (pg_server.folder / "data" / relation).read_bytes()
        assert MARK.encode() not in heap, "a deleted message's text is left in the table's file"
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

            async def vacuum_pid() -> bool:
                nonlocal stopped
                await admin.execute("SELECT pg_stat_clear_snapshot()")
                stopped = await admin.fetchval(
                    "SELECT pid FROM pg_stat_activity WHERE query LIKE 'VACUUM%' "
                    "AND wait_event_type = 'Lock'"
                )
                return stopped is not None

            await eventually(vacuum_pid, "the VACUUM to start")
            assert stopped is not None
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
                await reader.fetchval("SELECT count(*) FROM request_messages")  # its snapshot
                assert await store.delete_messages(1, [1]) == 1
                assert not await store.finish_scrub()  # the hourly tick, while the reader reads
                assert store.scrub_owed
            # The reader is done: the text must go now or at the next tick (or close).
        await admin.execute("CHECKPOINT")
        relation = await admin.fetchval("SELECT pg_relation_filepath('request_messages')")
        heap = (pg_server.folder / "data" / relation).read_bytes()
        assert SNAPSHOT_MARK.encode() not in heap, "the deleted text is left in the table's file"
    finally:
        await reader.close()
        await admin.close()
