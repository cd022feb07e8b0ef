"""`/clamor-mod backfill` end to end: history read into the log with progress, volume counted
once, one backfill per server at a time, moderators only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.client import ClamorBot
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT, DAY, REQUEST, Room
from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import InteractionHandle

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


async def backfill(fake: FakeDiscord, user: str = "alice", **options: Any) -> InteractionHandle:
    return await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user(user), "clamor-mod", ["backfill"], options
    )


def edits(fake: FakeDiscord, handle: InteractionHandle) -> list[str]:
    return [
        str((r.json or {}).get("content"))
        for r in fake.requests
        if r.method == "PATCH" and handle.token in r.path and r.path.endswith("@original")
    ]


async def finished(fake: FakeDiscord, handle: InteractionHandle) -> str:
    await fake.wait_for(
        lambda: any(" done: " in text for text in edits(fake, handle)), what="the summary"
    )
    return edits(fake, handle)[-1]


async def test_backfill_logs_old_history_with_progress_and_counts_it_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, source = fake.channel("general"), fake.channel("open-source")
    then = datetime.now(UTC) - timedelta(days=3)
    old = [
        int(fake.user_message(general, fake.user("bob"), REQUEST, at=then)["id"]),
        int(fake.user_message(source, fake.user("carol"), REQUEST, at=then)["id"]),
    ]
    fake.user_message(general, fake.user("bob"), CHAT, at=then)
    too_old = fake.user_message(general, fake.user("bob"), REQUEST, at=then - timedelta(days=3))
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        handle = await backfill(fake, days=5)
        assert (await handle.response()).ephemeral
        summary = await finished(fake, handle)
        assert summary.startswith("Backfill of the last 5 days done: ")
        assert "3 messages read, 2 requests newly logged, 0 already in the log" in summary
        assert edits(fake, handle)[0].startswith("Backfilling the last 5 days: 0/")
        for message in old:
            assert await room.logged(message) is not None
        assert await room.logged(int(too_old["id"])) is None
        assert await room.volume() == 3
        # Again, over the same days: requests deduplicated, volume not counted twice.
        again = await backfill(fake, days=5)
        assert "0 requests newly logged, 2 already in the log" in await finished(fake, again)
        assert await bot.store.count_requests(room.guild_id) == 2
        assert await room.volume() == 3
        # One channel only, with the days option's range enforced by Discord's picker.
        one = await backfill(fake, days=1, channel=str(general.id))
        assert "1 channel, 0 messages read" in await finished(fake, one)
        assert await bot.store.volume_between(room.guild_id, *DAY, general.id) == 2


async def test_a_second_backfill_is_refused_while_one_runs_and_members_cannot_start_one(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(days=1)
    for n in range(250):
        fake.user_message(general, fake.user("bob"), f"{CHAT} {n}", at=then)
    async with clamor() as bot:
        await filled(bot)
        # The first backfill's history reads wait until the second one has been refused: a
        # pause between pages would only make "still running" likely, not certain.
        read_history, refused = bot.watch_service.scan_history, asyncio.Event()

        async def held(*args: Any, **kwargs: Any) -> Any:
            await refused.wait()
            return await read_history(*args, **kwargs)

        monkeypatch.setattr(bot.watch_service, "scan_history", held)
        first = await backfill(fake, days=2)
        await fake.wait_for(lambda: bool(edits(fake, first)), what="the first progress")
        try:
            second = await backfill(fake, days=2)
            refusal = await second.response()
        finally:
            refused.set()
        assert refusal.ephemeral
        assert refusal.content == "A backfill is already running in this server; try when it ends."
        assert "250 messages read" in await finished(fake, first)
        member = await backfill(fake, user="bob", days=2)
        assert (await member.response()).content == (
            "You need the Manage Server permission to change Clamor's settings."
        )


@pytest.mark.parametrize("deleted", ["the message", "its thread", "the thread's channel"])
async def test_a_page_read_before_a_deletion_does_not_write_the_deleted_back(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch, deleted: str
) -> None:
    fake = fake_discord
    thread, general = fake.channel("will they ever release it"), fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    old = int(fake.user_message(thread, fake.user("bob"), REQUEST, at=then)["id"])
    async with clamor() as bot:
        room, service = Room(fake, bot), bot.watch_service
        await service.flush()  # the thread is remembered under its channel, not only pending
        assert await bot.store.threads_under(fake.guild.id, general.id) == [thread.id]
        take_page, pages_read = service._take_page, []

        async def deleted_meanwhile(guild_id: int, channel_id: int, *rest: Any) -> None:
            if channel_id == thread.id and not pages_read:
                pages_read.append(channel_id)
                # The page is read from Discord; the deletion is handled before its turn.
                if deleted == "the message":
                    await room.dispatch("MESSAGE_DELETE", fake.message_delete(old))
                elif deleted == "its thread":
                    await room.dispatch("THREAD_DELETE", fake.thread_delete(thread))
                else:
                    await room.dispatch("CHANNEL_DELETE", general.payload())
                await room.settled()
            await take_page(guild_id, channel_id, *rest)

        monkeypatch.setattr(service, "_take_page", deleted_meanwhile)
        await finished(fake, await backfill(fake, days=1))
        assert pages_read == [thread.id]
        assert await room.logged(old) is None
