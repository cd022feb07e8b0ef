"""Messages seen are counted once per message id, end to end: the bot's live counting, its
backfill and an export of the same channel imported into its database, in any order."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

from bot.chat_import import ExportMessage
from bot.client import ClamorBot
from bot.ingest import ingest_messages
from bot.watch import posted_at
from tests.e2e.test_backfill import backfill, finished
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT, Room
from tests.fakediscord import FakeChannel, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


def exported(fake: FakeDiscord, channel: FakeChannel, ids: list[int]) -> list[ExportMessage]:
    """The channel's messages as DiscordChatExporter writes them, oldest first."""
    return [
        ExportMessage(
            message_id=message_id,
            guild_id=fake.guild.id,
            guild_name=fake.guild.name,
            channel_id=channel.id,
            channel_name=channel.name,
            author_id=fake.user("bob").id,
            author_name="bob",
            author_is_bot=False,
            created_at=posted_at(message_id),
            edited=False,
            kind="Default",
            content=CHAT,
        )
        for message_id in sorted(ids)
    ]


async def test_live_backfill_and_an_import_count_each_message_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(days=3)
    before = [
        int(fake.user_message(general, fake.user("bob"), f"{CHAT} {n}", at=then)["id"])
        for n in range(5)
    ]
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        live = [await room.post(general, f"{CHAT} live {n}") for n in range(4)]
        assert await room.volume(channel=general.id) == 4
        # An export taken now holds the old history and the live messages: only the old count.
        key = bot.author_key
        await ingest_messages(
            bot.store, exported(fake, general, before + live), key, timezone="UTC"
        )
        assert await room.volume(channel=general.id) == 9
        # A backfill over the same days reads all of it again and counts nothing new.
        assert "9 messages read" in await finished(fake, await backfill(fake, days=5))
        assert await room.volume(channel=general.id) == 9
        await room.post(general, f"{CHAT} later")
        assert await room.volume(channel=general.id) == 10
        # The same export once more, and the channel's live messages read again as history.
        await ingest_messages(
            bot.store, exported(fake, general, before + live), key, timezone="UTC"
        )
        assert "10 messages read" in await finished(fake, await backfill(fake, days=5))
        assert await room.volume(channel=general.id) == 10
