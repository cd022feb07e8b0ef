"""Deletions owe a scrub of their text (`Database._scrub_later`), paid at the hourly privacy
tick; a process that stops first pays it as it closes, since another process on the same
database (a second shard, a CLI digest) does not know of it. Every way the Store deletes text
owes one. (PostgreSQL's VACUUM aside: test_store_scrub_aside.py.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.store import LabelCorrection, Store
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
