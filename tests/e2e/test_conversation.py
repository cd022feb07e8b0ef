"""Replies read with what they answer, end to end (issue 14): a reaction to a request message is
counted with its own category although it names nothing; an off-topic reply is not; `/clamor why`
says that the context decided, with a link to the request answered."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.client import ClamorBot
from tests.e2e.test_watcher import Room
from tests.e2e.test_why import link, logged, why
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

REQUEST = "OpenAI should open source Sora"
REACTION = "Olvídense eso jamás va a pasar!"  # the seed article's defeatism: names nothing
OFF_TOPIC = "lol"


async def reply(room: Room, text: str, to: int, user: str = "carol") -> int:
    fake = room.fake
    payload = fake.user_message(fake.channel("general"), fake.user(user), text, reply_to=to)
    await room.dispatch("MESSAGE_CREATE", payload)
    return int(payload["id"])


async def test_a_reply_to_a_request_is_counted_with_its_category_and_lol_is_not(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        request = await room.post(general, REQUEST)
        chat = await room.post(general, "anyone up for pizza tonight?")
        reaction = await reply(room, REACTION, to=request)
        laugh = await reply(room, OFF_TOPIC, to=request, user="dave")
        unrelated = await reply(room, REACTION, to=chat, user="bob")

        row = await logged(bot, fake, reaction)
        assert (row.category, row.language) == ("defeatism", "es")
        assert row.replies_to == request  # exports carry it: the conversation can be followed
        assert await room.logged(laugh) is None
        assert await room.logged(unrelated) is None  # the same words, answering chat

        answer = await why(fake, link(fake, general, reaction))
        assert "a reply to a request message: the context decided" in answer
        assert link(fake, general, request) in answer
        about_laugh = await why(fake, link(fake, general, laugh))
        assert "**Not counted" in about_laugh or "not a request" in about_laugh


async def test_a_reply_to_a_request_logged_before_a_restart_is_read_from_the_log(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        request = await room.post(general, REQUEST)
        await logged(bot, fake, request)
    async with clamor() as bot:  # a new process: nothing of the first one's memory
        room = Room(fake, bot)
        # As when Discord could not send the replied-to message along: only the log can say.
        payload = fake.user_message(general, fake.user("carol"), REACTION, reply_to=request)
        del payload["referenced_message"]
        await room.dispatch("MESSAGE_CREATE", payload)
        row = await logged(bot, fake, int(payload["id"]))
        assert row.category == "defeatism"


async def test_a_reply_to_a_deleted_message_is_read_alone(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        request = await room.post(general, REQUEST)
        await logged(bot, fake, request)
        await room.dispatch("MESSAGE_DELETE", fake.message_delete(request))
        orphan = await reply(room, REACTION, to=request)
        assert await room.logged(orphan) is None
        answer = await why(fake, link(fake, general, orphan))
        assert "it answers a message Clamor could not read" in answer
