"""Gap filling end to end: what was said while Clamor was stopped is read back on start-up."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from bot.client import ClamorBot
from bot.store import Store
from bot.watch.history import snowflake_at
from bot.watch.service import MAX_ARCHIVED_LOOKUPS, MAX_DELETED_LOOKUPS
from cogs.gap_fill import GapFill
from tests.e2e.test_watcher import CHAT, DAY, DEFEATIST, REQUEST, SPANISH, Room
from tests.e2e.waiting import eventually
from tests.fakediscord import ChannelType, FakeChannel, FakeDiscord
from tests.store.store_factory import request

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


def gap_fill_of(bot: ClamorBot) -> GapFill:
    cog = bot.get_cog("GapFill")
    assert type(cog).__name__ == GapFill.__name__
    return cast(GapFill, cog)


async def filled(bot: ClamorBot, runs: int = 1) -> GapFill:
    """The gap-fill cog once `runs` runs have finished."""
    cog = gap_fill_of(bot)

    async def done() -> bool:
        return cog.runs >= runs

    await eventually(done, f"{runs} gap-fill runs")
    return cog


def away(fake: FakeDiscord, text: str, *, user: str = "bob", at: datetime | None = None) -> int:
    """A message posted while the bot is stopped: stored on the fake, never dispatched."""
    return int(fake.user_message(fake.channel("general"), fake.user(user), text, at=at)["id"])


async def volume(bot: ClamorBot, room: Room) -> int:
    await room.settled()
    await room.watcher.flush()
    return await bot.store.volume_between(room.guild_id, *DAY)


async def test_messages_posted_while_stopped_are_logged_once_after_restart(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        before = await room.post(fake.channel("general"), REQUEST)
        assert await room.logged(before) is not None
    missed = [away(fake, REQUEST), away(fake, CHAT), away(fake, SPANISH, user="carol")]
    async with clamor() as bot:
        room = Room(fake, bot)
        summary = (await filled(bot)).last
        assert summary is not None
        assert (summary.scanned, summary.requests) == (4, 2)  # `before` is re-checked
        live = await room.post(fake.channel("general"), DEFEATIST)
        for message in (before, missed[0], missed[2], live):
            assert await room.logged(message) is not None
        assert await room.logged(missed[1]) is None
        assert await bot.store.count_requests(room.guild_id) == 4
        assert await volume(bot, room) == 5  # each message counted once, live or read back
    # A second restart with nothing new reads back nothing and counts nothing again.
    async with clamor() as bot:
        room = Room(fake, bot)
        summary = (await filled(bot)).last
        assert summary is not None
        assert summary.requests == 0
        assert await volume(bot, room) == 5
        assert await bot.store.count_requests(room.guild_id) == 4


async def test_deleted_and_edited_while_away_are_honoured(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        deleted = await room.post(general, REQUEST)
        changed = await room.post(general, REQUEST)
        becomes = await room.post(general, CHAT)
        stops = await room.post(general, REQUEST)
        kept = await room.post(general, REQUEST)
        await room.settled()
    fake.message_delete(deleted)
    fake.message_edit(changed, DEFEATIST)
    fake.message_edit(becomes, SPANISH)
    fake.message_edit(stops, CHAT)
    gone_after_cursor = away(fake, REQUEST)
    fake.message_delete(gone_after_cursor)
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        assert await room.logged(deleted) is None
        assert await room.logged(stops) is None
        assert await room.logged(gone_after_cursor) is None
        row = await room.logged(changed)
        assert row is not None
        assert (row.content, row.category, row.edited) == (DEFEATIST, "defeatism", True)
        added = await room.logged(becomes)
        assert added is not None
        assert (added.content, added.language) == (SPANISH, "es")
        untouched = await room.logged(kept)
        assert untouched is not None
        assert (untouched.content, untouched.edited) == (REQUEST, False)
        assert await volume(bot, room) == 5  # edits and deletions are not new messages


async def start_cursor_at(db_path: Path, fake: FakeDiscord, moment: float) -> None:
    """Make the database look as if Clamor last counted #general at `moment`."""
    async with await Store.open(db_path) as store:
        await store.seed_cursor(fake.guild.id, fake.channel("general").id, snowflake_at(moment))


async def test_gap_filling_reads_at_most_seven_days_back(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    now = datetime.now(UTC)
    await start_cursor_at(tmp_path / "clamor.db", fake, (now - timedelta(days=10)).timestamp())
    too_old = away(fake, REQUEST, at=now - timedelta(days=8))
    recent = away(fake, REQUEST, at=now - timedelta(days=6))
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        assert await room.logged(too_old) is None
        assert await room.logged(recent) is not None
        assert await volume(bot, room) == 1


async def test_gap_filling_stops_at_the_per_channel_limit_and_can_be_off(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    await start_cursor_at(tmp_path / "clamor.db", fake, time.time() - 3600)
    missed = [away(fake, f"{REQUEST} #{n}") for n in range(8)]
    async with clamor(CLAMOR_GAP_FILL_MESSAGES="0") as bot:
        room = Room(fake, bot)
        assert gap_fill_of(bot).runs == 0
        assert await bot.store.count_requests(room.guild_id) == 0
    async with clamor(CLAMOR_GAP_FILL_MESSAGES="5") as bot:
        room = Room(fake, bot)
        summary = (await filled(bot)).last
        assert summary is not None
        assert (summary.scanned, summary.limited) == (5, 1)
        for message in missed[:5]:
            assert await room.logged(message) is not None
        for message in missed[5:]:
            assert await room.logged(message) is None


async def test_channels_deleted_while_stopped_leave_the_log_and_archived_threads_stay(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    # Discord announces a deletion once, to whoever is connected: no event names these later.
    fake = fake_discord
    ideas, general = fake.channel("ideas"), fake.channel("general")
    archived = fake.channel("will they ever release it")  # a thread of #general
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        under_ideas = fake.world.add_channel(
            fake.guild, "weights when", ChannelType.PUBLIC_THREAD, parent=ideas, new=True
        )
        await room.dispatch("THREAD_CREATE", under_ideas.payload() | {"newly_created": True})
        gone = [await room.post(ideas, REQUEST), await room.post(under_ideas, REQUEST)]
        kept = [await room.post(general, REQUEST), await room.post(archived, REQUEST)]
        await bot.watch_service.flush()  # the threads remembered under their channels
    fake.guild.channels.remove(ideas)
    fake.guild.channels.remove(under_ideas)
    archived.archived = True  # out of the cache: only asking Discord finds it
    async with clamor() as bot:
        room = Room(fake, bot)
        summary = (await filled(bot)).last
        assert summary is not None
        assert summary.deleted_channels == 2
        for message in gone:
            assert await room.logged(message) is None
        for message in kept:
            assert await room.logged(message) is not None
        # Asked about: the two deleted ones, then the archived thread with the lookups left.
        asked = {r.path for r in fake.requests if re.fullmatch(r"/channels/\d+", r.path)}
        assert asked == {f"/channels/{c.id}" for c in (ideas, under_ideas, archived)}


async def imported(path: Path, guild_id: int, channels: list[FakeChannel]) -> None:
    """A logged row in each channel, as `clamor analyze` writes them from DiscordChatExporter
    exports (an export names a thread as its channel, and nothing remembers the thread)."""
    async with await Store.open(path) as store:
        rows = [
            replace(request(1000 + n, guild_id=guild_id), channel_id=channel.id, content=REQUEST)
            for n, channel in enumerate(channels)
        ]
        assert await store.upsert_requests(rows) == len(rows)


async def test_a_deleted_channel_is_found_behind_a_full_run_of_archived_threads(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    threads = [
        fake.world.add_channel(
            fake.guild, f"old post {n}", ChannelType.PUBLIC_THREAD,
            parent=fake.channel("general"), new=True,
        )
        for n in range(MAX_DELETED_LOOKUPS)
    ]  # fmt: skip
    for thread in threads:
        thread.archived = True  # archived long ago: not in the cache
    doomed = fake.world.add_channel(fake.guild, "doomed", new=True)
    await imported(tmp_path / "clamor.db", fake.guild.id, [*threads, doomed])
    fake.guild.channels.remove(doomed)  # deleted while Clamor was away
    for _ in range(2):  # the threads Discord still has are remembered, asked about after others
        async with clamor() as bot:
            await filled(bot)
    asked = [r.path for r in fake.requests if re.fullmatch(r"/channels/\d+", r.path)]
    assert f"/channels/{doomed.id}" in asked
    assert len(asked) <= 2 * (MAX_DELETED_LOOKUPS + MAX_ARCHIVED_LOOKUPS)
    async with await Store.open(tmp_path / "clamor.db") as store:
        assert await store.logged_channels(fake.guild.id) == {t.id for t in threads}


async def test_a_channel_discord_py_cannot_read_does_not_stop_the_sweep(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    # discord.py leaves a channel of a type it does not know out of its cache, and fetching it
    # raises InvalidData.
    fake = fake_discord
    newer = fake.world.add_channel(fake.guild, "newer kind", new=True)
    newer.type = 99  # type: ignore[assignment]
    doomed = fake.world.add_channel(fake.guild, "doomed", new=True)
    await imported(tmp_path / "clamor.db", fake.guild.id, [newer, doomed])
    fake.guild.channels.remove(doomed)
    async with clamor() as bot:
        summary = (await filled(bot)).last
        assert summary is not None
        assert summary.deleted_channels == 1
        assert await bot.store.logged_channels(fake.guild.id) == {newer.id}


async def test_an_archived_thread_discord_still_has_keeps_its_rows(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    thread = fake.world.add_channel(
        fake.guild, "old post", ChannelType.PUBLIC_THREAD, parent=general, new=True
    )
    thread.archived = True
    await imported(tmp_path / "clamor.db", fake.guild.id, [thread])
    async with clamor() as bot:
        summary = (await filled(bot)).last
        assert summary is not None
        assert any(r.path == f"/channels/{thread.id}" for r in fake.requests)
        assert summary.deleted_channels == 0
        assert await bot.store.logged_channels(fake.guild.id) == {thread.id}
        # Remembered under its channel: the next start does not ask about it again.
        assert await bot.store.threads_under(fake.guild.id, general.id) == [thread.id]


async def test_a_remembered_thread_deleted_while_stopped_leaves_the_log(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        post = fake.world.add_channel(
            fake.guild, "weights when", ChannelType.PUBLIC_THREAD, parent=general, new=True
        )
        await room.dispatch("THREAD_CREATE", post.payload() | {"newly_created": True})
        gone = await room.post(post, REQUEST)
        await bot.watch_service.flush()  # the thread remembered under #general
        kept = await room.post(general, REQUEST)
    fake.guild.channels.remove(post)  # deleted while Clamor was stopped
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        assert await room.logged(kept) is not None
        assert post.id in await bot.store.threads_under(fake.guild.id, general.id)
        assert await room.logged(gone) is None
