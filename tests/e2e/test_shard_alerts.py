"""Spike alerts with two processes that both see a guild (a rolling restart runs its shard
twice): both loops find the spike, the alert lease in the database lets one of them post."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.client import ClamorBot
from bot.store import Store
from tests.e2e.test_shards import SHARDS, sharded_world_fake, start_process
from tests.e2e.waiting import run_loop_fast
from tests.fakediscord import FakeDiscord, assert_no_stray_tasks, connect_discord_py
from tests.fakediscord.gateway_rules import shard_of
from tests.store.store_factory import request

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.now = at.timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with sharded_world_fake(SHARDS) as started:
        connect_discord_py(monkeypatch, started)
        yield started
    await assert_no_stray_tasks()


async def quiet_fortnight_then_a_burst(store: Store, fake: FakeDiscord) -> None:
    """Two request messages a day for 14 days, then 24 in the last 50 minutes."""
    general = fake.channel("general")
    quiet = [NOW - timedelta(days=1 + n // 2, hours=5) for n in range(28)]
    wave = [NOW - timedelta(minutes=50 - 2 * n) for n in range(24)]
    await store.upsert_requests(
        request(n, guild_id=fake.guild.id, channel_id=general.id, created_at=moment.timestamp())
        for n, moment in enumerate(quiet + wave, start=1)
    )


async def alert_ticks(bots: list[ClamorBot], count: int = 8) -> None:
    async def run(bot: ClamorBot) -> None:
        cog: Any = bot.get_cog("SpikeAlerts")
        await run_loop_fast(cog.tick, count)

    await asyncio.gather(*(run(bot) for bot in bots))


async def test_two_processes_post_one_alert_for_one_spike(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db_path = tmp_path / "clamor.db"
    alerts = fake.channel("digests")
    async with await Store.open(db_path) as store:
        await quiet_fortnight_then_a_burst(store, fake)
        await store.set_alerts(fake.guild.id, alerts.id, "normal")
    shard = str(shard_of(fake.guild.id, SHARDS))
    clock = Clock(NOW)
    async with AsyncExitStack() as stack:
        bots = [
            await start_process(
                stack, fake, db_path, clock, CLAMOR_SHARDS=str(SHARDS), CLAMOR_SHARD_IDS=shard
            )
            for _ in range(2)
        ]
        assert all(bot.get_guild(fake.guild.id) is not None for bot in bots)
        # The first post is held up a moment (429), so the other process's check surely runs
        # while it is in flight, as it would now and then in production.
        fake.queue_rate_limit("POST", rf"/channels/{alerts.id}/messages", retry_after=0.3)
        await alert_ticks(bots)
        posted = [m for m in fake.posted_in(alerts) if m.embeds]
        assert len(posted) == 1
        [record] = await bots[0].store.posted_alerts(fake.guild.id)
        assert record.message_id == posted[0].id
