"""Sharding end to end: several Clamor processes (bot instances with their own Store connection
on one SQLite file) against one multi-shard fake Discord; each guild's digest posted once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli.common import key_path_for
from bot.client import ClamorBot, ShardedClamorBot, create_bot
from bot.config import load_settings
from bot.store import Store, load_or_create_key
from tests.e2e.waiting import eventually, run_loop_fast
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    assert_no_stray_tasks,
    connect_discord_py,
    default_world,
    running_bot,
)
from tests.fakediscord.entities import WORLD_CREATED
from tests.fakediscord.gateway_rules import shard_of

SHARDS = 2
SECOND = "Second Shard Club"
DAY = "2026-03-14"


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class Clock:
    """One settable 'now' shared by every process of a test."""

    def __init__(self, text: str) -> None:
        self.now = at(text)

    def set(self, text: str) -> None:
        self.now = at(text)

    def __call__(self) -> float:
        return self.now


def sharded_world_fake(shard_count: int) -> FakeDiscord:
    """The default world plus a guild created 1 ms later: with two shards it lands on the
    other shard than the default guilds (a guild's shard is its creation millisecond mod N)."""
    world = default_world()
    ada = world.user("ada")
    second = world.add_guild(SECOND, owner=ada, created=WORLD_CREATED + timedelta(milliseconds=1))
    world.add_channel(second, "digests")
    world.add_member(second, world.user("bob"))
    return FakeDiscord(world, shard_count=shard_count)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with sharded_world_fake(SHARDS) as started:
        connect_discord_py(monkeypatch, started)
        yield started
    await assert_no_stray_tasks()


def digest_channel(fake: FakeDiscord, guild: FakeGuild) -> FakeChannel:
    names = {channel.name for channel in guild.channels}
    return guild.channel("digests" if "digests" in names else "general")


async def schedule_every_guild(fake: FakeDiscord, db_path: Path) -> None:
    """Digests at 09:00 UTC everywhere, saved before any process starts (as after a restart),
    the evening before DAY."""
    async with await Store.open(db_path) as store:
        for guild in fake.world.guilds.values():
            await store.set_digest_schedule(
                guild.id,
                digest_channel(fake, guild).id,
                "09:00",
                "UTC",
                at=at(f"{DAY}T00:00") - 3600,
            )


async def start_process(
    stack: AsyncExitStack, fake: FakeDiscord, db_path: Path, clock: Clock, **environ: str
) -> ClamorBot:
    """One Clamor process: its own settings, Store connection and gateway connection(s)."""
    settings = load_settings(
        {"DISCORD_TOKEN": fake.token, "CLAMOR_DB": str(db_path), **environ}, env_file=None
    )
    store = await stack.enter_async_context(await Store.open(db_path))
    key = load_or_create_key(key_path_for(db_path))
    bot = create_bot(settings, store, author_key=key, clock=clock)
    return await stack.enter_async_context(running_bot(bot, fake))


async def ticks(bots: list[ClamorBot], count: int = 6) -> None:
    """Let every process's real digest loop run `count` more times, fast and side by side."""

    async def run(bot: ClamorBot) -> None:
        cog: Any = bot.get_cog("DailyDigest")
        await run_loop_fast(cog.tick, count)

    await asyncio.gather(*(run(bot) for bot in bots))


def digests_in(fake: FakeDiscord, channel: FakeChannel) -> list[int]:
    return [message.id for message in fake.posted_in(channel) if message.embeds]


def guild_ids_on(fake: FakeDiscord, shard_id: int, count: int) -> set[int]:
    return {gid for gid in fake.world.guilds if shard_of(gid, count) == shard_id}


async def test_each_guild_digest_is_posted_once_by_the_process_of_its_shard(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db_path = tmp_path / "clamor.db"
    await schedule_every_guild(fake, db_path)
    clock = Clock(f"{DAY}T08:59")
    second = fake.world.guild(SECOND)
    assert shard_of(second.id, SHARDS) != shard_of(fake.guild.id, SHARDS)
    async with AsyncExitStack() as stack:
        bots = [
            await start_process(
                stack, fake, db_path, clock, CLAMOR_SHARDS="2", CLAMOR_SHARD_IDS=str(shard)
            )
            for shard in range(SHARDS)
        ]
        assert sorted(fake.identified_shards) == [(0, 2), (1, 2)]
        owner: dict[int, ClamorBot] = {}
        for shard, bot in enumerate(bots):
            assert type(bot) is ClamorBot  # one shard: a plain connection
            assert {guild.id for guild in bot.guilds} == guild_ids_on(fake, shard, SHARDS)
            owner |= {guild.id: bot for guild in bot.guilds}
        assert set(owner) == set(fake.world.guilds)
        assert [bot.runs_global_jobs for bot in bots] == [True, False]
        # Neither process took the other's guilds for departed ones at start-up.
        assert await bots[0].store.departed_guilds() == {}

        await ticks(bots)
        assert all(
            digests_in(fake, digest_channel(fake, g)) == [] for g in fake.world.guilds.values()
        )
        clock.set(f"{DAY}T09:00")
        await ticks(bots)
        await ticks(bots)  # and again: nobody posts a second time

        for guild in fake.world.guilds.values():
            [posted] = digests_in(fake, digest_channel(fake, guild))
            claim = await bots[0].store.digest_claim(guild.id, DAY)
            assert claim is not None
            assert claim.message_id == posted
            assert claim.claimed_by == owner[guild.id].instance_name
    assert len({bot.instance_name for bot in bots}) == SHARDS


async def test_two_processes_seeing_the_same_guilds_post_each_digest_once(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """A rolling restart (or a mistake) runs shard 0 twice: both caches hold its guilds, both
    loops find their digests due at the same moment; the claim lets one of them post."""
    db_path = tmp_path / "clamor.db"
    await schedule_every_guild(fake, db_path)
    clock = Clock(f"{DAY}T08:59")
    async with AsyncExitStack() as stack:
        old, new = [
            await start_process(
                stack, fake, db_path, clock, CLAMOR_SHARDS="2", CLAMOR_SHARD_IDS="0"
            )
            for _ in range(2)
        ]
        shared = guild_ids_on(fake, 0, SHARDS)
        for bot in (old, new):
            assert {guild.id for guild in bot.guilds} == shared
        await ticks([old, new])
        # Each guild's first post is held up a moment (429), so the other process's loop surely
        # finds the digest due while it is in flight.
        for guild_id in shared:
            channel = digest_channel(fake, fake.world.guilds[guild_id])
            fake.queue_rate_limit("POST", rf"/channels/{channel.id}/messages", retry_after=0.3)
        clock.set(f"{DAY}T09:00")
        await ticks([old, new], count=10)

        for guild_id in shared:
            guild = fake.world.guilds[guild_id]
            assert len(digests_in(fake, digest_channel(fake, guild))) == 1
            claim = await old.store.digest_claim(guild_id, DAY)
            assert claim is not None
            assert claim.claimed_by in {old.instance_name, new.instance_name}
        # Shard 1's guild is nobody's here: not posted, not claimed.
        second = fake.world.guild(SECOND)
        assert digests_in(fake, digest_channel(fake, second)) == []
        assert await old.store.digest_claim(second.id, DAY) is None


async def test_a_stale_claim_of_a_crashed_process_is_taken_over(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db_path = tmp_path / "clamor.db"
    await schedule_every_guild(fake, db_path)
    second = fake.world.guild(SECOND)
    channel = digest_channel(fake, second)
    clock = Clock(f"{DAY}T08:59")
    async with AsyncExitStack() as stack:
        shard = str(shard_of(second.id, SHARDS))
        bot = await start_process(
            stack, fake, db_path, clock, CLAMOR_SHARDS="2", CLAMOR_SHARD_IDS=shard
        )
        await ticks([bot])
        # Another process claimed the day at 09:00 and died before posting.
        assert await bot.store.claim_digest_run(
            second.id,
            DAY,
            timezone="UTC",
            claimer="crashed/1/dead",
            now=at(f"{DAY}T09:00"),
            stale_after=300,
        )
        clock.set(f"{DAY}T09:04")
        await ticks([bot])
        assert digests_in(fake, channel) == []  # the claim may still be a slow post
        clock.set(f"{DAY}T09:05")
        await ticks([bot])
        [posted] = digests_in(fake, channel)
        claim = await bot.store.digest_claim(second.id, DAY)
        assert claim is not None
        assert (claim.claimed_by, claim.message_id) == (bot.instance_name, posted)
        await ticks([bot])
        assert len(digests_in(fake, channel)) == 1


@pytest.mark.parametrize(("environ", "count"), [({}, 3), ({"CLAMOR_SHARDS": "2"}, 2)])
async def test_one_process_runs_every_shard(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environ: dict[str, str], count: int
) -> None:
    """Without CLAMOR_SHARDS: AutoShardedBot with the count Discord recommends (3 here); with
    it and no CLAMOR_SHARD_IDS: all of them. Either way every guild arrives on its shard."""
    async with sharded_world_fake(3) as fake:
        connect_discord_py(monkeypatch, fake)
        async with AsyncExitStack() as stack:
            bot = await start_process(
                stack, fake, tmp_path / "c.db", Clock(f"{DAY}T12:00"), **environ
            )
            assert isinstance(bot, ShardedClamorBot)
            assert sorted(fake.identified_shards) == [(shard, count) for shard in range(count)]
            asked = ("GET", "/gateway/bot") in {(r.method, r.path) for r in fake.requests}
            assert asked == (not environ)  # only an unset count is asked of Discord
            assert bot.shard_count == count
            assert bot.served_shards() == frozenset(range(count))
            assert bot.runs_global_jobs
            assert {guild.id for guild in bot.guilds} == set(fake.world.guilds)

            # A request message in a guild of the last shard reaches the bot through that shard.
            second = fake.world.guild(SECOND)
            last_shard = fake.gateway.shards[(shard_of(second.id, count), count)]
            sent_before = len(last_shard.sent)
            await fake.send_user_message(
                second.channel("digests"), fake.user("bob"), "OpenAI should open source Sora"
            )
            assert len(last_shard.sent) == sent_before + 1

            async def logged() -> bool:
                return await bot.store.count_requests(second.id) == 1

            await eventually(logged, "the request message logged")
    await assert_no_stray_tasks()


async def test_one_connection_refuses_several_shards(tmp_path: Path) -> None:
    settings = load_settings({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "1-2"}, env_file=None)
    async with await Store.open(tmp_path / "c.db") as store:
        with pytest.raises(ValueError, match="use create_bot"):
            ClamorBot(settings, store, author_key=b"k" * 32)
        # Never logged in: nothing to close.
        bot = create_bot(settings, store, author_key=b"k" * 32)
        assert isinstance(bot, ShardedClamorBot)
        assert bot.served_shards() == {1, 2}
        assert not bot.runs_global_jobs
        guild_on_2 = (6 << 22) | 1  # 6 % 4
        assert bot.serves_guild(guild_on_2)
        assert not bot.serves_guild(guild_on_2 + (1 << 22))  # 7 % 4 = 3
