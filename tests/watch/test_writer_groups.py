"""Request rows written in groups (issue 15, item 3): a burst costs a few transactions, and a
row waiting in a group is seen by lookups, ordered before a deletion, and written on close."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from bot.config import load_settings
from bot.guild_settings import GuildConfigs
from bot.store import RequestRecord, Store
from bot.watch.writer import RequestWriter
from tests.e2e.waiting import eventually

GUILD = 10
CHANNEL = 20
OTHER = 21
THREAD = 22
NOW = 1_800_000_000.0
NEVER = 3600.0  # a group delay no test waits for: only size, flush or close write a group


def record(message_id: int) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=GUILD,
        channel_id=CHANNEL,
        author_hash="a1b2",
        created_at=NOW - 60,
        content=f"open source the weights #{message_id}",
        language="en",
        compound=0.0,
        pos=0.0,
        neu=1.0,
        neg=0.0,
        category="demand",
        targets=(),
        alternatives=(),
        cues=(),
    )


def grouped_writer(store: Store, rows: int) -> RequestWriter:
    writer = RequestWriter(store, GuildConfigs(store, load_settings({}, env_file=None)))
    writer.group_seconds, writer.group_rows = NEVER, rows
    return writer


async def test_a_burst_is_written_in_fewer_transactions_than_rows(tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "clamor.db") as store:
        writer = grouped_writer(store, rows=10)
        for message_id in range(1, 26):
            assert await writer.write_soon(record(message_id))
        assert writer.commits == 2  # two full groups of ten went at once
        assert await store.count_requests(GUILD) == 20
        assert writer.grouped == 5
        await writer.flush()
        assert writer.commits == 3
        assert await store.count_requests(GUILD) == 25
        await writer.close()


async def test_a_grouped_row_is_seen_before_it_is_written_and_deleted_after_it(
    tmp_path: Path,
) -> None:
    async with await Store.open(tmp_path / "clamor.db") as store:
        writer = grouped_writer(store, rows=100)
        await writer.write_soon(record(1))
        await writer.write_soon(record(2))
        assert await store.get_request(GUILD, 1) is None  # not in the database yet
        seen = await writer.current(GUILD, 1)
        assert seen is not None
        assert seen.content == "open source the weights #1"
        assert await writer.logged_ids(GUILD, CHANNEL, 0, 10) == {1, 2}
        # The deletion follows the write it deletes: the group lands first.
        assert await writer.remove(GUILD, [1], channel_id=CHANNEL) == 1
        assert await store.get_request(GUILD, 1) is None
        assert await store.get_request(GUILD, 2) is not None
        await writer.close()


async def test_closing_writes_the_waiting_group(tmp_path: Path) -> None:
    path = tmp_path / "clamor.db"
    async with await Store.open(path) as store:
        writer = grouped_writer(store, rows=100)
        for message_id in range(1, 51):
            await writer.write_soon(record(message_id))
        assert writer.commits == 0
        await writer.close()
        assert writer.commits == 1
    with sqlite3.connect(path) as db:
        [(rows,)] = db.execute("SELECT count(*) FROM request_messages").fetchall()
    assert rows == 50


async def test_a_refused_row_costs_the_rest_of_its_group_nothing(tmp_path: Path) -> None:
    path = tmp_path / "clamor.db"
    async with await Store.open(path) as store:
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON request_messages "
                "WHEN NEW.message_id = 3 BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        writer = grouped_writer(store, rows=100)
        refused: list[int] = []
        writer.on_refusal(lambda rec: refused.append(rec.message_id))
        for message_id in range(1, 6):
            await writer.write_soon(record(message_id))
        await writer.flush()
        assert refused == [3]
        assert sorted(await store.logged_message_ids(GUILD, CHANNEL, 0, 10)) == [1, 2, 4, 5]
        await writer.close()


async def test_a_deleted_channel_waits_behind_its_rows_during_an_outage(tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "clamor.db") as store:
        writer = grouped_writer(store, rows=100)
        writer.retry_first = writer.retry_max = 0.01
        await writer.write(record(1))  # written before the outage
        await writer.write(replace(record(2), channel_id=OTHER))
        await writer.write(replace(record(5), channel_id=THREAD))
        await store.remember_threads([(GUILD, THREAD, CHANNEL, False)])  # a thread of CHANNEL
        await store.set_read_only(True)
        await writer.write(record(3))  # meets the outage: queued
        assert await writer.remove_channels(GUILD, [CHANNEL]) == 0  # queued behind it
        await writer.write(record(4))  # a message of the same id range, after the deletion
        assert writer.pending == 3
        # Lookups see the rows as they will be once the queue lands.
        assert await writer.current(GUILD, 1) is None
        assert await writer.current(GUILD, 3) is None
        assert await writer.current(GUILD, 5) is None  # the Store takes the thread's rows too
        assert await writer.current(GUILD, 2) is not None
        assert await writer.current(GUILD, 4) is not None
        await store.set_read_only(False)

        async def landed() -> bool:
            return writer.pending == 0

        await eventually(landed, "the queue to land")
        assert sorted(await store.logged_message_ids(GUILD, CHANNEL, 0, 10)) == [4]
        assert await store.logged_message_ids(GUILD, OTHER, 0, 10) == [2]
        assert await store.logged_message_ids(GUILD, THREAD, 0, 10) == []
        await writer.close()


async def test_a_row_waiting_for_the_database_is_seen_as_privacy_will_write_it(
    tmp_path: Path,
) -> None:
    async with await Store.open(tmp_path / "clamor.db") as store:
        writer = grouped_writer(store, rows=100)
        await store.set_content_mode(GUILD, "drop")  # the server keeps no message text
        await store.set_read_only(True)
        await writer.write(record(1))  # queued
        await writer.write_soon(record(2))  # behind it
        for message_id in (1, 2):
            waiting = await writer.current(GUILD, message_id)
            assert waiting is not None
            assert waiting.content == ""
        await store.set_read_only(False)
        await writer.close()
