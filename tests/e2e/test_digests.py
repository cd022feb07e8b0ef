"""/clamor digest, /clamor status and the daily digest loop, end to end on the fake."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.client import ClamorBot
from tests.e2e.helpers import Clock
from tests.e2e.test_gap_fill import filled
from tests.e2e.waiting import eventually, run_loop_fast
from tests.fakediscord import EPHEMERAL, ChannelType, FakeChannel, FakeDiscord, StoredMessage
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEFERRED = 5


async def ask(fake: FakeDiscord, path: list[str], **options: object) -> CallbackRecord:
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", path, options
    )
    return await handle.response()


async def digest_reply(fake: FakeDiscord, **options: object) -> StoredMessage:
    """`/clamor digest`: deferred at once, then answered in the channel with embed and chart."""
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["digest"], options
    )
    first = await handle.response()
    assert first.type == DEFERRED
    assert not first.flags & EPHEMERAL  # a digest is for the channel to read
    return await handle.followup(0)


async def logged(bot: ClamorBot, fake: FakeDiscord, count: int) -> None:
    async def enough() -> bool:
        return await bot.store.count_requests(fake.guild.id) >= count

    await eventually(enough, f"{count} logged request messages")


def field(reply: StoredMessage, name: str) -> str:
    (embed,) = reply.embeds
    return str(next(f["value"] for f in embed["fields"] if f["name"] == name))


def assert_carries_the_chart(message: StoredMessage) -> None:
    [attachment] = message.attachments
    assert attachment.filename == "trend.png"
    assert attachment.data.startswith(PNG_MAGIC)
    assert message.embeds[0]["image"]["url"] == "attachment://trend.png"


async def test_digest_of_today_shows_the_logged_requests(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, other = fake.channel("general"), fake.channel("open-source")
    thread = fake.channel("will they ever release it")  # a thread under #general
    posts = [
        (general, "bob", "OpenAI should open source Sora"),
        (general, "carol", "ClosedAI strikes again lol, they never open source anything"),
        (other, "carol", "release the weights please"),
        (thread, "bob", "open source Sora already"),
        (general, "bob", "anyone tried the new 5090?"),
    ]
    clock = Clock()  # noon on 2026-03-14: today stays today however long the test takes
    async with clamor(clock) as bot:
        for channel, user, text in posts:
            await fake.send_user_message(channel, fake.user(user), text, at=clock.tick())
        await logged(bot, fake, 4)

        reply = await digest_reply(fake)
        assert reply.channel_id == general.id
        (embed,) = reply.embeds
        assert embed["title"] == f"Clamor digest · {fake.guild.name} · 2026-03-14"
        assert embed["description"].startswith("**Open-sourcing talk today: 4 messages")
        assert field(reply, "Volume").startswith("4 request messages")
        assert "Sora · 2" in field(reply, "Targets")
        # The thread's message counts under #general.
        assert field(reply, "Channels") == "#general · 3\n#open-source · 1"
        worth = field(reply, "Worth reading")
        assert (
            len(re.findall(r"\]\(https://discord\.com/channels/\d+/\d+/\d+\) · <t:\d+:R>", worth))
            == 3
        )
        assert_carries_the_chart(reply)

        only_general = await digest_reply(fake, channel=general.id)
        assert field(only_general, "Volume").startswith("3 request messages")
        assert fake.guild.name + " · #general" in only_general.embeds[0]["title"]

        quiet = await digest_reply(fake, day="yesterday")
        assert quiet.embeds[0]["title"].endswith(" · 2026-03-13")
        assert quiet.embeds[0]["description"].splitlines() == [
            "**Nothing about open-sourcing yesterday.**",
            "None in the 7 days before either.",
        ]
        assert quiet.embeds[0]["fields"] == []
        assert_carries_the_chart(quiet)


async def test_digest_of_a_forum_counts_its_posts_even_archived_ones(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    ideas = fake.channel("ideas")
    post = fake.world.add_channel(
        fake.guild, "release sora", ChannelType.PUBLIC_THREAD, parent=ideas
    )
    clock = Clock()  # the digest is of today: the day the post is dated
    async with clamor(clock) as bot:
        await filled(bot)  # its look for deleted channels asks about archived threads too
        synced = {c["name"]: c for c in fake.commands.guild_commands[fake.guild.id]}
        digest = next(o for o in synced["clamor"]["options"] if o["name"] == "digest")
        channel = next(o for o in digest["options"] if o["name"] == "channel")
        # Text and news channels, forums and media channels (discord.py's two classes).
        assert sorted(channel["channel_types"]) == [0, 5, 15, 16]

        await fake.send_user_message(
            post, fake.user("bob"), "OpenAI should open source Sora", at=clock.tick()
        )
        await logged(bot, fake, 1)
        # A post archived out of the cache: Discord only answers about it when asked.
        archived = fake.world.add_channel(
            fake.guild, "old post", ChannelType.PUBLIC_THREAD, parent=ideas
        )
        [logged_row] = await bot.store.requests_between(fake.guild.id, 0, 2**40)
        assert logged_row.channel_id == post.id
        await bot.store.upsert_request(
            dataclasses.replace(
                logged_row, message_id=logged_row.message_id + 1, channel_id=archived.id
            )
        )

        reply = await digest_reply(fake, channel=ideas.id)
        # Looked up once, then remembered: the next digest does not ask Discord again.
        remembered = await bot.store.thread_parents(fake.guild.id, {archived.id})
        assert [(t.parent_id, t.private) for t in remembered.values()] == [(ideas.id, False)]
        asked = f"/channels/{archived.id}"
        lookups = [r for r in fake.requests if r.method == "GET" and r.path.endswith(asked)]
        assert len(lookups) == 1
        again = await digest_reply(fake, channel=ideas.id)
        assert [r for r in fake.requests if r.method == "GET" and r.path.endswith(asked)] == lookups
    assert field(reply, "Volume").startswith("2 request messages")
    assert field(again, "Volume").startswith("2 request messages")
    assert f"/channels/{archived.id}" in {r.path for r in fake.requests if r.method == "GET"}
    assert_carries_the_chart(reply)


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
        await bot.store.set_digest_schedule(
            fake.guild.id, digests.id, "09:00", "Europe/Madrid", at=bot.clock()
        )
        bot.guild_configs.invalidate(fake.guild.id)
        after = await ask(fake, ["status"])
        assert after.content is not None
        assert f"<#{digests.id}> at 09:00 Europe/Madrid; next <t:" in after.content


# -- the daily loop ---------------------------------------------------------------------------


def digest_posts(fake: FakeDiscord, channel: FakeChannel) -> list[dict[str, object]]:
    return [m.payload() for m in fake.posted_in(channel) if m.payload().get("embeds")]


async def schedule(bot: ClamorBot, fake: FakeDiscord, channel: FakeChannel) -> None:
    await bot.store.set_digest_schedule(fake.guild.id, channel.id, "09:00", "UTC", at=bot.clock())
    bot.guild_configs.invalidate(fake.guild.id)


async def ticks(bot: ClamorBot, count: int = 5) -> None:
    """Let the real loop run `count` more times, fast."""
    cog: Any = bot.get_cog("DailyDigest")  # loaded as an extension: not this module's class
    await run_loop_fast(cog.tick, count)


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
        assert embed["description"].startswith("**Nothing about open-sourcing yesterday.**")
        [message] = [m for m in fake.posted_in(digests) if m.embeds]
        assert_carries_the_chart(message)
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


async def test_daily_digest_reports_yesterday_with_corrections_and_chart(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, digests, general = (
        fake_discord,
        fake_discord.channel("digests"),
        fake_discord.channel("general"),
    )
    clock = Clock("2026-03-13T08:00")
    async with clamor(clock) as bot:
        await schedule(bot, fake, digests)
        await ticks(bot)
        when = datetime(2026, 3, 13, 10, tzinfo=UTC)
        texts = [
            "OpenAI should open source Sora",
            "ClosedAI strikes again lol, they never open source anything",
            "release the weights",
        ]
        for n, text in enumerate(texts):
            await fake.send_user_message(general, fake.user("bob"), text, at=when.replace(minute=n))
        await logged(bot, fake, 3)
        [first, *_] = await bot.store.requests_between(fake.guild.id, 0, 2**40)
        relabel = await fake.invoke_command(
            fake.guild, general, fake.user("alice"), "clamor-mod", ["relabel"],
            {"message": str(first.message_id), "label": "not-a-request"},
        )  # fmt: skip
        await relabel.response()
        clock.set("2026-03-14T09:00")
        await ticks(bot)
    [message] = [m for m in fake.posted_in(digests) if m.embeds]
    (embed,) = message.embeds
    assert embed["description"].startswith("**Open-sourcing talk yesterday: 2 messages")
    assert {f["name"]: f["value"] for f in embed["fields"]}["Volume"].startswith(
        "2 request messages"
    )
    assert first.content not in json.dumps(embed)
    assert_carries_the_chart(message)
