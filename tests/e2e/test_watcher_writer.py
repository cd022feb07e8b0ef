"""The request writer end to end: privacy on every write, and a database that stops taking
writes (read-only) while messages keep coming."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from bot.client import ClamorBot
from bot.store import author_hash
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT, REQUEST, SPANISH, Room
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


async def started(fake: FakeDiscord, bot: ClamorBot) -> Room:
    room = Room(fake, bot)
    await filled(bot)
    writer = bot.request_writer
    writer.retry_first = writer.retry_max = 0.02  # retry at once in tests
    return room


async def written(bot: ClamorBot) -> None:
    writer = bot.request_writer

    async def drained() -> bool:
        return writer.pending == 0 and writer.healthy

    await eventually(drained, "the waiting writes to land")


async def test_opted_out_members_are_not_logged_and_dropped_content_keeps_no_text(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = await started(fake, bot)
        store, guild = bot.store, fake.guild.id
        await store.opt_out_author(guild, author_hash(bot.author_key, fake.user("bob").id), 0.0)
        await store.set_content_mode(guild, "drop")
        bot.guild_configs.invalidate(guild)
        from_bob = await room.post(general, REQUEST, user="bob")
        from_carol = await room.post(general, REQUEST, user="carol")
        assert await room.logged(from_bob) is None
        row = await room.logged(from_carol)
        assert row is not None
        assert (row.content, row.cues, row.category) == ("", (), "demand")
        # An edit goes through the writer as well.
        await room.edit(from_bob, SPANISH)
        assert await room.logged(from_bob) is None
        assert await room.volume() == 2  # still traffic


async def test_a_read_only_database_queues_writes_in_order_and_the_bot_keeps_answering(
    fake_discord: FakeDiscord, clamor: Clamor, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = await started(fake, bot)
        writer = bot.request_writer
        with caplog.at_level(logging.INFO):
            await bot.store.set_read_only(True)
            kept = await room.post(general, REQUEST)
            edited_away = await room.post(general, REQUEST)
            rewritten = await room.post(general, REQUEST)
            deleted = await room.post(general, REQUEST)
            await room.settled()
            await room.edit(edited_away, CHAT)
            await room.edit(rewritten, SPANISH)
            await room.dispatch("MESSAGE_DELETE", fake.message_delete(deleted))
            await room.settled()
            assert writer.pending == 7  # 4 upserts, a removal, an upsert, a removal
            assert not writer.healthy
            assert await bot.store.count_requests(room.guild_id) == 0
            # The bot is still online and answering.
            handle = await fake.invoke_command(
                fake.guild, general, fake.user("alice"), "clamor-mod", ["watch", "list"]
            )
            assert (await handle.response()).content
            await bot.store.set_read_only(False)
            await written(bot)
        assert await room.logged(kept) is not None
        assert await room.logged(edited_away) is None
        assert await room.logged(deleted) is None
        row = await room.logged(rewritten)
        assert row is not None
        assert (row.content, row.edited) == (SPANISH, True)
        assert await bot.store.count_requests(room.guild_id) == 2
        assert await room.volume() == 4
    outages = [r for r in caplog.records if "cannot write to the database" in r.getMessage()]
    recoveries = [r for r in caplog.records if "writable again" in r.getMessage()]
    assert [r.levelno for r in outages] == [logging.ERROR]
    assert "1 waiting" in outages[0].getMessage()
    assert len(recoveries) == 1
    assert "wrote 7 waiting" in recoveries[0].getMessage()


async def test_writes_beyond_the_queue_are_recovered_by_gap_filling(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = await started(fake, bot)
        writer = bot.request_writer
        writer.queue_size = 2
        await bot.store.set_read_only(True)
        messages = [await room.post(general, f"{REQUEST} #{n}") for n in range(5)]
        await room.settled()
        assert writer.pending == 2
        assert writer.dropped == {(room.guild_id, general.id): messages[2]}
        runs = (await filled(bot)).runs
        await bot.store.set_read_only(False)
        await written(bot)
        await filled(bot, runs + 1)  # the re-read of the dropped channel
        for message in messages:
            assert await room.logged(message) is not None
        assert await bot.store.count_requests(room.guild_id) == 5
        assert await room.volume() == 5  # counted live once, not again by the re-read


async def test_a_failed_write_is_retried_when_the_event_comes_again(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        room = await started(fake, bot)
        with sqlite3.connect(tmp_path / "clamor.db") as db:
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON request_messages "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        payload = fake.user_message(fake.channel("general"), fake.user("bob"), REQUEST)
        await room.dispatch("MESSAGE_CREATE", payload)
        assert await room.logged(int(payload["id"])) is None
        assert room.watcher.stats.failures == 1
        with sqlite3.connect(tmp_path / "clamor.db") as db:
            db.execute("DROP TRIGGER refuse")
        await room.dispatch("MESSAGE_CREATE", dict(payload))  # e.g. a replay after a resume
        assert await room.logged(int(payload["id"])) is not None
        assert await room.volume() == 1  # counted once all the same
