"""Which channel each thread belongs to: remembered in batches, read by id and by parent, on both
databases; and migration 8 on a version-7 database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import Store
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from bot.store.threads import ThreadParent
from tests.store.store_factory import BASE_BUCKET

A, B = 1, 2
FORUM, GENERAL = 100, 200

# (what is remembered, in order), then what the readers answer for guild A.
CASES = [
    pytest.param([], {}, {FORUM: [], GENERAL: []}, id="nothing"),
    pytest.param(
        [[(A, 11, FORUM, False), (A, 12, FORUM, False), (A, 21, GENERAL, True)]],
        {11: ThreadParent(FORUM, False), 12: ThreadParent(FORUM, False)}
        | {21: ThreadParent(GENERAL, True)},
        {FORUM: [11, 12], GENERAL: [21]},
        id="one batch",
    ),
    pytest.param(
        [[(A, 11, FORUM, False)], [(A, 11, GENERAL, True)]],
        {11: ThreadParent(GENERAL, True)},
        {FORUM: [], GENERAL: [11]},
        id="the latest sighting wins",
    ),
    pytest.param(
        [[(A, 11, FORUM, False), (A, 11, GENERAL, False)]],
        {11: ThreadParent(GENERAL, False)},
        {FORUM: [], GENERAL: [11]},
        id="the last of a batch wins",
    ),
    pytest.param(
        [[(B, 11, FORUM, False), (B, 12, FORUM, True)]],
        {},
        {FORUM: [], GENERAL: []},
        id="another guild's threads",
    ),
]
ASKED = [11, 12, 21, 99, FORUM]  # a channel id and an unknown id are simply left out


@pytest.mark.parametrize(("batches", "parents", "under"), CASES)
async def test_threads_are_remembered_and_read_by_id_and_by_parent(
    store: Store,
    batches: list[list[tuple[int, int, int, bool]]],
    parents: dict[int, ThreadParent],
    under: dict[int, list[int]],
) -> None:
    for batch in batches:
        await store.remember_threads(batch)
    assert await store.thread_parents(A, ASKED) == parents
    assert {parent: await store.threads_under(A, parent) for parent in under} == under


async def test_many_threads_are_read_at_once(store: Store) -> None:
    # The ids go as one JSON array (`in_id_list`), not one bound parameter each.
    await store.remember_threads((A, 1000 + n, FORUM, n % 7 == 0) for n in range(1200))
    found = await store.thread_parents(A, range(900, 2300))
    assert len(found) == 1200
    assert found[1007] == ThreadParent(FORUM, True)
    assert len(await store.threads_under(A, FORUM)) == 1200


async def test_one_guild_never_reads_or_writes_another_guilds_threads(store: Store) -> None:
    await store.remember_threads([(A, 11, FORUM, False), (A, 12, FORUM, True)])
    # The same thread ids through guild B, under another parent.
    await store.remember_threads([(B, 11, GENERAL, True), (B, 13, FORUM, False)])
    assert await store.thread_parents(A, [11, 12, 13]) == {
        11: ThreadParent(FORUM, False),
        12: ThreadParent(FORUM, True),
    }
    assert await store.threads_under(A, FORUM) == [11, 12]
    assert await store.threads_under(B, FORUM) == [13]
    assert await store.thread_parents(B, [11, 12]) == {11: ThreadParent(GENERAL, True)}
    await store.forget_guild(B)
    assert await store.threads_under(A, FORUM) == [11, 12]
    assert await store.thread_parents(B, [11, 13]) == {}


async def test_a_channels_volume_is_read_over_many_threads(store: Store) -> None:
    threads = [1000 + n for n in range(1200)]
    await store.add_volumes([(A, t, BASE_BUCKET, 1) for t in threads])
    await store.add_volumes([(A, FORUM, BASE_BUCKET + 3600, 2), (B, threads[0], BASE_BUCKET, 5)])
    hours = await store.volume_hours(A, 0, 2 * BASE_BUCKET, channel_ids=[FORUM, *threads])
    assert hours == [(BASE_BUCKET, 1200), (BASE_BUCKET + 3600, 2)]
    assert await store.volume_hours(A, 0, 2 * BASE_BUCKET, channel_ids=[]) == []


@pytest.mark.sqlite_only
async def test_a_version_7_file_gets_the_thread_table(tmp_path: Path) -> None:
    path = tmp_path / "v7.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:7]) == 7
        await db.execute("INSERT INTO channel_rules VALUES (1, 10, 'watch')")
    async with await Store.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION >= 8
        assert await store.channel_rules(1) == {10: "watch"}  # kept
        await store.remember_threads([(1, 11, 10, True)])
        assert await store.threads_under(1, 10) == [11]
    with sqlite3.connect(path) as raw:
        plan = raw.execute(
            "EXPLAIN QUERY PLAN SELECT thread_id FROM thread_parents "
            "WHERE guild_id = 1 AND parent_id = 10"
        ).fetchall()
        assert "thread_parents_by_parent" in str(plan)
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("INSERT INTO thread_parents VALUES (1, 12, 10, 2)")
    raw.close()
