"""/clamor digest, /clamor status and the daily digest loop, end to end on the fake."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.client import ClamorBot
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, FakeChannel, FakeDiscord
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
FAST_TICK = 0.02


async def ask(fake: FakeDiscord, path: list[str], **options: object) -> CallbackRecord:
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", path, options
    )
    return await handle.response()


async def logged(bot: ClamorBot, fake: FakeDiscord, count: int) -> None:
    async def enough() -> bool:
        return await bot.store.count_requests(fake.guild.id) >= count

    await eventually(enough, f"{count} logged request messages")


def field(reply: CallbackRecord, name: str) -> str:
    (embed,) = reply.embeds
    return str(next(f["value"] for f in embed["fields"] if f["name"] == name))


async def test_digest_of_today_shows_the_logged_requests(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, other = fake.channel("general"), fake.channel("open-source")
    async with clamor() as bot:
        await fake.send_user_message(general, fake.user("bob"), "OpenAI should open source Sora")
        await fake.send_user_message(general, fake.user("carol"), "ClosedAI strikes again lol")
        await fake.send_user_message(other, fake.user("carol"), "release the weights please")
        await fake.send_user_message(general, fake.user("bob"), "anyone tried the new 5090?")
        await logged(bot, fake, 3)

        reply = await ask(fake, ["digest"])
        assert reply.type == 4
        assert not reply.flags & EPHEMERAL  # a digest is for the channel to read
        (embed,) = reply.embeds
        assert fake.guild.name in embed["title"]
        assert embed["description"].startswith("Open-sourcing talk")
        assert field(reply, "Volume").startswith("3 request messages")
        assert "Sora" in field(reply, "Targets")

        only_general = await ask(fake, ["digest"], channel=general.id)
        assert field(only_general, "Volume").startswith("2 request messages")

        quiet = await ask(fake, ["digest"], day="yesterday")
        assert quiet.embeds[0]["description"].startswith("Nothing about open-sourcing")


@pytest.mark.parametrize("day", ["tomorrow", "2026-02-30", "14/03/2026"])
async def test_invalid_day_is_one_ephemeral_line(
    fake_discord: FakeDiscord, clamor: Clamor, day: str
) -> None:
    async with clamor():
        reply = await ask(fake_discord, ["digest"], day=day)
    assert reply.flags & EPHEMERAL
    assert reply.content is not None
    assert "\n" not in reply.content
    assert "today, yesterday or a date like" in reply.content


async def test_status_before_and_after_a_schedule(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        await fake.send_user_message(fake.channel("general"), fake.user("bob"), "open source it!")
        await logged(bot, fake, 1)
        before = await ask(fake, ["status"])
        assert before.flags & EPHEMERAL
        assert before.content is not None
        assert "**Logged:** 1 request message\n" in before.content
        assert "every channel I can read" in before.content
        assert "not set up" in before.content

        digests = fake.channel("digests")
        await bot.store.set_digest_schedule(fake.guild.id, digests.id, "09:00", "Europe/Madrid")
        bot.guild_configs.invalidate(fake.guild.id)
        after = await ask(fake, ["status"])
        assert after.content is not None
        assert f"<#{digests.id}> at 09:00 Europe/Madrid; next <t:" in after.content


# -- the daily loop ---------------------------------------------------------------------------


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class Clock:
    """A settable 'now' handed to the bot."""

    def __init__(self, text: str) -> None:
        self.now = at(text)

    def set(self, text: str) -> None:
        self.now = at(text)

    def __call__(self) -> float:
        return self.now


def digest_posts(fake: FakeDiscord, channel: FakeChannel) -> list[dict[str, object]]:
    return [m.payload() for m in fake.posted_in(channel) if m.payload().get("embeds")]


async def schedule(bot: ClamorBot, fake: FakeDiscord, channel: FakeChannel) -> None:
    await bot.store.set_digest_schedule(fake.guild.id, channel.id, "09:00", "UTC")
    bot.guild_configs.invalidate(fake.guild.id)


async def ticks(bot: ClamorBot, count: int = 5) -> None:
    """Let the real loop run `count` more times, fast."""
    cog: Any = bot.get_cog("DailyDigest")  # loaded as an extension: not this module's class
    cog.tick.change_interval(seconds=FAST_TICK)
    start = cog.tick.current_loop
    async with asyncio.timeout(5):
        while cog.tick.current_loop < start + count:  # noqa: ASYNC110
            await asyncio.sleep(FAST_TICK)


async def test_daily_digest_posted_once_and_not_again_after_restart(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-14T08:59")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        assert digest_posts(fake, digests) == []  # not yet 09:00
        clock.set("2026-03-14T09:00")
        await ticks(bot)
        posts = digest_posts(fake, digests)
        assert len(posts) == 1
        run = await bot.store.digest_run(fake.guild.id, "2026-03-14")
        assert run is not None
        assert run.message_id == int(str(posts[0]["id"]))
        embed = posts[0]["embeds"][0]  # type: ignore[index]
        assert "2026-03-13" in embed["title"]  # the previous local day
    async with clamor(clock) as bot:
        await ticks(bot)
    assert len(digest_posts(fake, digests)) == 1


async def test_digest_missed_while_down_is_posted_once_on_return(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-13T08:30")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        clock.set("2026-03-13T09:30")
        await ticks(bot)
    assert len(digest_posts(fake, digests)) == 1
    # Down through the 14th's digest time; back on the 15th before 09:00.
    clock.set("2026-03-15T06:00")
    async with clamor(clock) as bot:
        await ticks(bot)
        assert await bot.store.digest_run(fake.guild.id, "2026-03-14") is not None
    assert len(digest_posts(fake, digests)) == 2


async def test_rate_limited_digest_post_is_retried(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    fake.queue_rate_limit("POST", rf"/channels/{digests.id}/messages", retry_after=0.05)
    clock = Clock("2026-03-14T08:00")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        clock.set("2026-03-14T10:00")
        await ticks(bot)
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith(
        f"/channels/{digests.id}/messages")]  # fmt: skip
    assert [r.status for r in posts] == [429, 200]
    assert len(digest_posts(fake, digests)) == 1


async def test_a_schedule_set_after_its_time_starts_tomorrow(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        assert digest_posts(fake, digests) == []
        clock.set("2026-03-15T09:00")
        await ticks(bot)
        assert len(digest_posts(fake, digests)) == 1


async def test_unpostable_channel_is_reported_not_hammered(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    fake.posting_denied.add(digests.id)
    clock = Clock("2026-03-14T08:00")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        clock.set("2026-03-14T10:00")
        await ticks(bot, 20)
        error = await bot.store.digest_error(fake.guild.id)
        assert error is not None
        assert "no permission to post in #digests" in error[0]
        status = await ask(fake, ["status"])
        assert status.content is not None
        assert "**Last digest error:** no permission to post in #digests" in status.content
        assert await bot.store.digest_run(fake.guild.id, "2026-03-14") is None
    attempts = [r for r in fake.requests if r.method == "POST" and r.path.endswith(
        f"/channels/{digests.id}/messages")]  # fmt: skip
    assert len(attempts) == 1


async def test_moving_the_time_earlier_posts_todays_digest_and_says_so(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests = fake_discord, fake_discord.channel("digests")
    clock = Clock("2026-03-13T08:30")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)  # the schedule is armed before its first due time
        clock.set("2026-03-13T09:30")
        await ticks(bot)
        assert len(digest_posts(fake, digests)) == 1
        # Next morning, 08:30: the moderator moves 09:00 to 08:00, already past today.
        clock.set("2026-03-14T08:30")
        handle = await fake.invoke_command(
            fake.guild,
            fake.channel("general"),
            fake.user("alice"),
            "clamor-mod",
            ["digest"],
            {"channel": digests.id, "time": "08:00", "timezone": "UTC"},
        )
        reply = await handle.response()
        assert reply.content is not None
        assert reply.content.endswith("Next one: within a minute (today's has not gone out yet).")
        await ticks(bot)
        assert len(digest_posts(fake, digests)) == 2
        assert await bot.store.digest_run(fake.guild.id, "2026-03-14") is not None
