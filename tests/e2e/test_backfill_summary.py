"""`/clamor-mod backfill`'s summary says what it newly wrote and what was already logged, so a
second backfill over the same days does not read as if it had found everything again."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

from bot.client import ClamorBot
from tests.e2e.test_backfill import backfill, finished
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT, REQUEST, Room
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


async def test_a_second_backfill_reports_nothing_new(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, source = fake.channel("general"), fake.channel("open-source")
    then = datetime.now(UTC) - timedelta(days=3)
    fake.user_message(general, fake.user("bob"), REQUEST, at=then)
    fake.user_message(source, fake.user("carol"), REQUEST, at=then)
    fake.user_message(general, fake.user("bob"), CHAT, at=then)
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        live = await room.post(general, REQUEST, user="carol")
        assert await room.logged(live) is not None
        first = await finished(fake, await backfill(fake, days=5))
        second = await finished(fake, await backfill(fake, days=5))
        assert await bot.store.count_requests(room.guild_id) == 3
    assert first.endswith("4 messages read, 2 requests newly logged, 1 already in the log.")
    assert second.endswith("4 messages read, 0 requests newly logged, 3 already in the log.")
