"""Request rows from a burst of live messages are written in groups (issue 15, item 3): fewer
transactions than rows, every row once, each in the log when the watcher is done, the group
written when the bot stops in the middle of a burst, and a row still waiting in its group in
every answer read from the log (the daily digest, `/clamor-mod export`, a rescore)."""

from __future__ import annotations

import contextlib
import csv
import io
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from tests.e2e.helpers import Clock
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT, REQUEST, Room, general
from tests.e2e.waiting import eventually, run_loop_fast
from tests.fakediscord import OTHER_GUILD, FakeDiscord, StoredMessage

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

BURST = 30
NEVER = 3600.0  # a group delay no test waits for: only a full group or a flush writes it


async def test_a_burst_of_requests_is_written_in_fewer_transactions_than_rows(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    async with clamor() as bot:
        await filled(bot)
        await burst(Room(fake_discord, bot))


async def burst(room: Room) -> None:
    watch, writer = room.bot.watch_service, room.bot.request_writer
    writer.group_seconds = 3600.0  # only the end of the burst writes the group here
    channel = general(room.fake)
    commits_before = writer.commits
    # The guild's lock held as a long message would hold it: the burst waits its turn.
    async with watch.lock(room.guild_id):
        requests = [await room.post(channel, f"{REQUEST} #{n}") for n in range(BURST)]
        chatter = [await room.post(channel, f"{CHAT} #{n}") for n in range(BURST)]

        async def all_taken_in() -> bool:
            return watch.taken_in(room.guild_id) == 2 * BURST

        await eventually(all_taken_in, "the burst to wait for its turn")
    await room.settled()
    for message in requests:
        assert await room.logged(message) is not None
    for message in chatter:
        assert await room.logged(message) is None
    assert await room.bot.store.count_requests(room.guild_id) == BURST
    assert writer.commits - commits_before == 1
    assert room.watcher.stats.logged == BURST


async def test_stopping_mid_group_writes_the_group(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    other = fake.world.guild(OTHER_GUILD)
    async with clamor() as bot:
        await filled(bot)
        room = Room(fake, bot)
        watch, writer = bot.watch_service, bot.request_writer
        writer.group_seconds = 3600.0  # the group waits for the end of the burst
        # A message of the first guild waits for its turn: the burst is not over, so the other
        # guild's requests stay in the group.
        async with watch.lock(room.guild_id):
            await room.post(general(fake), CHAT)
            requests = [
                await room.post(other.channel("general"), f"{REQUEST} #{n}", user="dave")
                for n in range(BURST)
            ]

            async def grouped() -> bool:
                return writer.grouped == BURST

            await eventually(grouped, "the requests to wait in the group")
            assert await bot.store.count_requests(other.id) == 0
            # What SIGTERM does (bot.cli.run.closing_on_sigterm): close the bot. Read before
            # the waiting message's turn, which would end the burst and write the group.
            await bot.close()
            with contextlib.closing(sqlite3.connect(tmp_path / "clamor.db")) as db:
                rows = db.execute("SELECT message_id FROM request_messages").fetchall()
    assert sorted(int(row[0]) for row in rows) == sorted(requests)


@contextlib.asynccontextmanager
async def grouped_request(bot: ClamorBot, fake: FakeDiscord, at: float) -> AsyncIterator[None]:
    """A request message waiting in the write group, unwritten, while the burst it came in goes
    on (another guild's message waits for its turn: the last of a burst writes the group)."""
    other = fake.world.guild(OTHER_GUILD)
    writer = bot.request_writer
    writer.group_seconds = NEVER
    async with bot.watch_service.lock(other.id):
        await Room(fake, bot).post(other.channel("general"), CHAT, user="dave")
        await fake.send_user_message(fake.channel("general"), fake.user("carol"), REQUEST, at=at)

        async def grouped() -> bool:
            return writer.grouped == 1

        await eventually(grouped, "the request message to wait in its write group")
        assert await bot.store.count_requests(fake.guild.id) == 0
        yield


async def test_the_daily_digest_counts_a_row_still_in_its_group(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-13T12:00")
    async with clamor(clock) as bot:
        await filled(bot)
        await bot.store.set_digest_schedule(
            fake.guild.id, digests.id, "09:00", "UTC", at=bot.clock()
        )
        bot.guild_configs.invalidate(fake.guild.id)
        async with grouped_request(bot, fake, clock.tick()):
            clock.set("2026-03-14T09:00")
            cog: Any = bot.get_cog("DailyDigest")
            await run_loop_fast(cog.tick, 5)
            [post] = [m for m in fake.posted_in(digests) if m.embeds]
            embed = post.embeds[0]
            assert "2026-03-13" in embed["title"]
            assert not embed["description"].startswith("**Nothing about open-sourcing")
            assert await bot.store.count_requests(fake.guild.id) == 1


async def mod_answer_with_a_grouped_row(
    fake: FakeDiscord, clamor: Clamor, path: list[str], options: dict[str, object]
) -> StoredMessage:
    """The answer to `/clamor-mod path options`, asked while a request row waits in its group."""
    clock = Clock()
    async with clamor(clock) as bot:
        await filled(bot)
        async with grouped_request(bot, fake, clock.tick()):
            handle = await fake.invoke_command(
                fake.guild, fake.channel("general"), fake.user("alice"), "clamor-mod", path, options
            )
            await handle.response()  # deferred: the answer comes as a follow-up
            return await handle.followup(0)


async def test_an_export_carries_a_row_still_in_its_group(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    answer = await mod_answer_with_a_grouped_row(fake_discord, clamor, ["export"], {})
    [attachment] = answer.attachments
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"), newline="")))
    assert [row["text"] for row in rows] == [REQUEST]


async def test_a_rescore_reads_a_row_still_in_its_group(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    answer = await mod_answer_with_a_grouped_row(fake_discord, clamor, ["rescore"], {"days": 1})
    assert "Re-read 1 logged message(s) of the last 1 day(s)" in str(answer.content)
