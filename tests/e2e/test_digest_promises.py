"""The daily digest comes when `/clamor-mod digest` says it will (issue 11, items 11-14), end to
end on the fake with the bot on a fixed clock: a new channel after a failed post, a timezone
moved west after today's post, a restart between setting a schedule and its first time (one
process, and one of two shard processes), and a schedule set seconds before its time."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from bot.client import ClamorBot
from tests.e2e import test_shards as shards
from tests.e2e.helpers import Clock, at
from tests.e2e.waiting import run_loop_fast
from tests.fakediscord import FakeChannel, FakeDiscord, assert_no_stray_tasks, connect_discord_py
from tests.fakediscord.gateway_rules import shard_of

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

AT_ONCE = "Next one: within a minute (today's has not gone out yet)."


async def set_digest(fake: FakeDiscord, channel: FakeChannel, time: str, timezone: str) -> str:
    """`/clamor-mod digest` as the moderator alice; the answer's text."""
    handle = await fake.invoke_command(
        fake.guild,
        fake.channel("general"),
        fake.user("alice"),
        "clamor-mod",
        ["digest"],
        {"channel": channel.id, "time": time, "timezone": timezone},
    )
    reply = await handle.response()
    assert reply.content is not None
    return reply.content


def promised(answer: str) -> float:
    """The instant the answer's "Next one: <t:...>" names."""
    found = re.search(r"Next one: <t:(\d+):F>", answer)
    assert found is not None, answer
    return float(found.group(1))


async def ticks(bot: ClamorBot, count: int = 5) -> None:
    cog: Any = bot.get_cog("DailyDigest")
    await run_loop_fast(cog.tick, count)


def digest_titles(fake: FakeDiscord, channel: FakeChannel) -> list[str]:
    return [str(m.embeds[0]["title"]) for m in fake.posted_in(channel) if m.embeds]


async def status(fake: FakeDiscord) -> str:
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["status"], {}
    )
    reply = await handle.response()
    assert reply.content is not None
    return reply.content


async def test_another_channel_after_a_failed_post_is_tried_at_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    refused, other = fake.channel("digests"), fake.channel("open-source")
    fake.posting_denied.add(refused.id)
    clock = Clock("2026-03-14T08:00")
    async with clamor(clock) as bot:
        first = await set_digest(fake, refused, "09:00", "UTC")
        assert promised(first) == at("2026-03-14T09:00").timestamp()
        await ticks(bot)
        clock.set("2026-03-14T09:00")
        await ticks(bot)
        assert "**Last digest error:** no permission to post in #digests" in await status(fake)

        clock.set("2026-03-14T09:10")
        answer = await set_digest(fake, other, "09:00", "UTC")
        assert answer.endswith(AT_ONCE)
        await ticks(bot)
        [title] = digest_titles(fake, other)
        assert "2026-03-13" in title
        assert "Last digest error" not in await status(fake)


async def test_moving_the_timezone_west_after_todays_post_skips_no_day(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-14T06:50")
    async with clamor(clock) as bot:
        await set_digest(fake, digests, "07:00", "UTC")
        clock.set("2026-03-14T07:00")
        await ticks(bot)
        assert len(digest_titles(fake, digests)) == 1  # UTC's 03-13

        # 07:01 UTC is 00:01 on 03-14 in Los Angeles (PDT, UTC-7): its 03-13 is not over yet.
        clock.set("2026-03-14T07:01")
        answer = await set_digest(fake, digests, "09:00", "America/Los_Angeles")
        assert promised(answer) == at("2026-03-14T16:00").timestamp()
        clock.set("2026-03-14T15:59")
        await ticks(bot)
        assert len(digest_titles(fake, digests)) == 1
        clock.set("2026-03-14T16:00")
        await ticks(bot)
        clock.set("2026-03-15T16:00")
        await ticks(bot)
        await ticks(bot)  # and again: no day twice
        titles = digest_titles(fake, digests)
        assert len(titles) == 3
        assert ["2026-03-13" in titles[1], "2026-03-14" in titles[2]] == [True, True]


async def test_a_first_digest_set_before_a_restart_is_posted_on_return(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-14T08:50")
    async with clamor(clock) as bot:
        answer = await set_digest(fake, digests, "09:00", "UTC")
        assert promised(answer) == at("2026-03-14T09:00").timestamp()
        await ticks(bot)
    clock.set("2026-03-14T09:05")
    async with clamor(clock) as bot:
        await ticks(bot)
        [title] = digest_titles(fake, digests)
        assert "2026-03-13" in title


async def test_a_schedule_set_seconds_before_its_time_posts_today(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-14T08:59:55")
    async with clamor(clock) as bot:
        answer = await set_digest(fake, digests, "09:00", "UTC")
        assert promised(answer) == at("2026-03-14T09:00").timestamp()
        clock.set("2026-03-14T09:00:25")  # the loop's next check, 30 s after its last one
        await ticks(bot)
        [title] = digest_titles(fake, digests)
        assert "2026-03-13" in title


async def test_after_a_failed_post_the_answers_name_the_retry_the_loop_makes(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    fake.posting_denied.add(digests.id)
    clock = Clock("2026-03-14T08:00")
    async with clamor(clock) as bot:
        await set_digest(fake, digests, "09:00", "UTC")
        clock.set("2026-03-14T09:00")
        await ticks(bot)
        # Retried at most once an hour, and said so.
        retry = at("2026-03-14T10:00").timestamp()
        clock.set("2026-03-14T09:10")
        assert f"; next <t:{int(retry)}:F>" in await status(fake)
        await ticks(bot)
        clock.set("2026-03-14T10:00")
        await ticks(bot)
        attempts = [r for r in fake.requests if r.method == "POST" and r.path.endswith(
            f"/channels/{digests.id}/messages")]  # fmt: skip
        assert len(attempts) == 2

        # The moderator fixes the channel and saves it again: tried at once, as the answer says.
        fake.posting_denied.discard(digests.id)
        clock.set("2026-03-14T10:30")
        assert (await set_digest(fake, digests, "09:00", "UTC")).endswith(AT_ONCE)
        assert "Last digest error" not in await status(fake)
        await ticks(bot)
        [title] = digest_titles(fake, digests)
        assert "2026-03-13" in title


async def test_a_stopped_shard_process_posts_its_servers_first_digest_on_return(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db_path = tmp_path / "clamor.db"
    clock = Clock(f"{shards.DAY}T08:50")
    async with shards.sharded_world_fake(shards.SHARDS) as fake:
        connect_discord_py(monkeypatch, fake)
        second = fake.world.guild(shards.SECOND)
        environ = {"CLAMOR_SHARDS": "2", "CLAMOR_SHARD_IDS": str(shard_of(second.id, 2))}
        async with AsyncExitStack() as stack:
            bot = await shards.start_process(stack, fake, db_path, clock, **environ)
            channel = shards.digest_channel(fake, second)
            handle = await fake.invoke_command(
                second, channel, fake.user("ada"), "clamor-mod", ["digest"],
                {"channel": channel.id, "time": "09:00", "timezone": "UTC"},
            )  # fmt: skip
            answer = (await handle.response()).content
            assert answer is not None
            assert promised(answer) == at(f"{shards.DAY}T09:00").timestamp()
            await shards.ticks([bot])
        clock.set(f"{shards.DAY}T09:05")
        async with AsyncExitStack() as stack:
            bot = await shards.start_process(stack, fake, db_path, clock, **environ)
            await shards.ticks([bot])
            assert len(shards.digests_in(fake, channel)) == 1
    await assert_no_stray_tasks()
