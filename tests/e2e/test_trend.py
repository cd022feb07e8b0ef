"""/clamor trend end to end on the fake: a public answer carrying trend.png and an embed on it."""

from __future__ import annotations

import struct
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.client import ClamorBot
from tests.e2e.helpers import Clock
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, FakeDiscord, StoredMessage
from tests.fakediscord.interactions import DEFERRED_CHANNEL_MESSAGE, InteractionHandle

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def trend(fake: FakeDiscord, **options: object) -> InteractionHandle:
    return await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["trend"], options
    )


async def logged(bot: ClamorBot, fake: FakeDiscord, count: int) -> None:
    async def enough() -> bool:
        return await bot.store.count_requests(fake.guild.id) >= count

    await eventually(enough, f"{count} logged request messages")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def chart_answer(handle: InteractionHandle) -> StoredMessage:
    reply = await handle.response()
    assert reply.type == DEFERRED_CHANNEL_MESSAGE
    assert not reply.flags & EPHEMERAL  # a chart is for the channel to see
    return await handle.followup(0)


async def test_trend_answers_with_a_chart_and_an_embed_on_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, other = fake.channel("general"), fake.channel("open-source")
    thread = fake.channel("will they ever release it")
    posts = [
        (general, "bob", "OpenAI should open source Sora"),
        (thread, "carol", "ClosedAI strikes again lol, they never open source anything"),
        (other, "carol", "release the weights please"),
    ]
    clock = Clock()  # the days end today: the day the messages are dated
    async with clamor(clock) as bot:
        for channel, user, text in posts:
            await fake.send_user_message(channel, fake.user(user), text, at=clock.tick())
        await logged(bot, fake, 3)

        answer = await chart_answer(await trend(fake))
        (attachment,) = answer.attachments
        assert attachment.filename == "trend.png"
        assert png_size(attachment.data) == (1000, 500)
        (embed,) = answer.embeds
        assert embed["image"]["url"] == "attachment://trend.png"
        assert embed["title"] == f"Open-sourcing trend \u00b7 {fake.guild.name}"
        assert embed["description"].startswith("3 request messages")
        assert "in 30 days" in embed["description"]
        assert embed["footer"]["text"] == "Feb 13 \u2013 Mar 14, 2026 \u00b7 days in UTC"

        # One channel: its thread's messages count, the other channel's do not.
        only_general = await chart_answer(await trend(fake, days=7, channel=general.id))
        (embed,) = only_general.embeds
        assert embed["title"].endswith("\u00b7 #general")
        assert embed["description"].startswith("2 request messages")
        assert "in 7 days" in embed["description"]
        assert embed["footer"]["text"].startswith("Mar 8 \u2013 Mar 14, 2026")


async def test_a_quiet_channel_says_so(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    async with clamor():
        answer = await chart_answer(await trend(fake, channel=fake.channel("ideas").id))
    (embed,) = answer.embeds
    assert embed["description"] == "Nothing about open-sourcing in these 30 days."
    assert png_size(answer.attachments[0].data) == (1000, 500)


@pytest.mark.parametrize("days", [6, 91, 0])
async def test_days_out_of_range_is_one_ephemeral_line(
    fake_discord: FakeDiscord, clamor: Clamor, days: int
) -> None:
    async with clamor():
        reply = await (await trend(fake_discord, days=days)).response()
    assert reply.flags & EPHEMERAL
    assert reply.content == "days must be between 7 and 90."
    assert not reply.files
