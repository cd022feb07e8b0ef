"""A channel's flow as context, end to end (issue 14): a reaction posted right after a request
message in the same channel is counted although it is no reply and names nothing; the same words
with no request before them, or after the window, are not; chat in between ("lol", "what time is
it") is not; `/clamor why` says that the flow decided, with a link to the request."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from bot.client import ClamorBot
from bot.watch.rules import FLOW_WINDOW_SECONDS
from tests.e2e.test_watcher import Room
from tests.e2e.test_why import link, logged, why
from tests.fakediscord import FakeChannel, FakeDiscord
from tests.fakediscord.snowflakes import utcnow

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

REQUEST = "OpenAI should open source Sora"
# Names nothing about opening anything: alone the topic gate turns it away.
REACTION = "same, it's never happening"
OFF_TOPIC = ("lol", "what time is it")


async def post_at(room: Room, channel: FakeChannel, text: str, at: datetime, user: str) -> int:
    return await room.post(channel, text, user, at=at)


async def test_a_reaction_right_after_a_request_in_its_channel_is_counted(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, elsewhere = fake.channel("general"), fake.channel("open-source")
    start = utcnow() - timedelta(hours=1)
    async with clamor() as bot:
        room = Room(fake, bot)
        alone = await post_at(room, elsewhere, REACTION, start, "dave")
        request = await post_at(room, general, REQUEST, start + timedelta(seconds=10), "alice")
        chat = [
            await post_at(room, general, text, start + timedelta(seconds=20 + n), "bob")
            for n, text in enumerate(OFF_TOPIC)
        ]
        reaction = await post_at(room, general, REACTION, start + timedelta(seconds=40), "carol")
        late = start + timedelta(seconds=41 + FLOW_WINDOW_SECONDS)
        too_late = await post_at(room, general, REACTION, late, "dave")

        row = await logged(bot, fake, reaction)
        assert row.category is not None
        assert row.replies_to is None  # it follows the request; it replies to nothing
        await room.settled()
        for message_id in (alone, *chat, too_late):
            assert await room.logged(message_id) is None

        answer = await why(fake, link(fake, general, reaction))
        assert "follows a request message in this channel: the context decided" in answer
        assert link(fake, general, request) in answer


async def test_a_reply_to_chat_is_not_read_in_the_flow(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    start = utcnow() - timedelta(hours=1)
    async with clamor() as bot:
        room = Room(fake, bot)
        await post_at(room, general, REQUEST, start, "alice")
        chat = await post_at(room, general, "anyone up for pizza tonight?", start, "bob")
        payload = fake.user_message(
            general, fake.user("carol"), REACTION, at=start + timedelta(seconds=5), reply_to=chat
        )
        await room.dispatch("MESSAGE_CREATE", payload)
        await room.settled()
        assert await room.logged(int(payload["id"])) is None  # it answers the pizza
