"""`/clamor digest channel:` on a channel not every member can read: answered only to a member
who can read it, privately, and refused to everyone else without its name or numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.client import ClamorBot
from tests.e2e.helpers import Clock
from tests.e2e.test_digests import DEFERRED, logged
from tests.fakediscord import EPHEMERAL, FakeChannel, FakeDiscord, FakeOverwrite
from tests.fakediscord.entities import VIEW_CHANNEL
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

SECRET = "mods only: OpenAI should open source Sora, I have a contact"


def private_mods(fake: FakeDiscord) -> FakeChannel:
    """#private-mods: moderators and Clamor read it, @everyone does not."""
    guild = fake.guild
    mods = fake.world.add_channel(guild, "private-mods")
    mods.overwrites = [
        FakeOverwrite(guild.id, deny=VIEW_CHANNEL),  # @everyone
        FakeOverwrite(guild.role("Moderator").id, allow=VIEW_CHANNEL),
        FakeOverwrite(guild.role("clamor").id, allow=VIEW_CHANNEL),
    ]
    return mods


async def digest_of(fake: FakeDiscord, user: str, channel_id: int) -> CallbackRecord:
    handle = await fake.invoke_command(
        fake.guild,
        fake.channel("general"),
        fake.user(user),
        "clamor",
        ["digest"],
        {"channel": channel_id},
    )
    return await handle.answer()


async def test_a_private_channels_digest_is_only_for_those_who_read_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    guild = fake.guild
    mods = private_mods(fake)
    clock = Clock()  # the digest is of today: the day the messages are dated
    async with clamor(clock) as bot:
        for _ in range(3):
            await fake.send_user_message(mods, fake.user("alice"), SECRET, at=clock.tick())
        await logged(bot, fake, 3)
        refused = await digest_of(fake, "bob", mods.id)
        answered = await digest_of(fake, "alice", mods.id)
        first = fake.interactions[max(fake.interactions)]
        shown_in_general = [m for m in fake.posted_in(fake.channel("general")) if m.embeds]

    assert refused.flags & EPHEMERAL
    assert refused.content == f"You cannot read <#{mods.id}>, so I cannot show you its digest."
    assert refused.embeds == []
    assert answered.flags & EPHEMERAL
    (embed,) = answered.embeds
    assert embed["title"].startswith(f"Clamor digest · {guild.name} · #private-mods")
    assert field_of(embed, "Volume").startswith("3 request messages")
    assert first.callback is not None
    assert first.callback.type == DEFERRED
    assert first.callback.flags & EPHEMERAL  # private from the "thinking..." on
    assert shown_in_general == []  # nothing about it reached the channel's history
    assert "private-mods" not in json.dumps(
        [m.embeds for m in fake.bot_messages if not m.ephemeral]
    )


def field_of(embed: dict[str, object], name: str) -> str:
    fields = embed["fields"]
    assert isinstance(fields, list)
    return str(next(f["value"] for f in fields if f["name"] == name))


async def trend_of(fake: FakeDiscord, user: str, channel_id: int) -> CallbackRecord:
    handle = await fake.invoke_command(
        fake.guild,
        fake.channel("general"),
        fake.user(user),
        "clamor",
        ["trend"],
        {"channel": channel_id, "days": 7},
    )
    return await handle.answer()


async def test_a_private_channels_trend_is_only_for_those_who_read_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    mods = private_mods(fake)
    clock = Clock()
    async with clamor(clock) as bot:
        for _ in range(3):
            await fake.send_user_message(mods, fake.user("alice"), SECRET, at=clock.tick())
        await logged(bot, fake, 3)
        refused = await trend_of(fake, "bob", mods.id)
        answered = await trend_of(fake, "alice", mods.id)
        shown_in_general = [m for m in fake.posted_in(fake.channel("general")) if m.embeds]

    assert refused.flags & EPHEMERAL
    assert refused.content == f"You cannot read <#{mods.id}>, so I cannot show you its trend."
    assert refused.embeds == []
    assert answered.flags & EPHEMERAL
    assert answered.embeds  # the chart and its numbers, for alice only
    assert shown_in_general == []
