"""Replies read with what they answer, end to end (issue 14): a reaction to a request message is
counted with its own category although it names nothing; an off-topic reply is not; `/clamor why`
says that the context decided, with a link to the request answered."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.client import ClamorBot
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import Room
from tests.e2e.test_why import link, logged, why
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

REQUEST = "OpenAI should open source Sora"
REACTION = "Olvídense eso jamás va a pasar!"  # the seed article's defeatism: names nothing
OFF_TOPIC = "lol"


async def reply(room: Room, text: str, to: int, user: str = "carol") -> int:
    return await room.post(room.fake.channel("general"), text, user, reply_to=to)


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


def opener_reads(fake: FakeDiscord, thread_id: int) -> int:
    """How many times the bot asked Discord for the message that opened `thread_id`."""
    return sum(
        r.method == "GET" and r.path.endswith(f"/messages/{thread_id}") for r in fake.requests
    )


async def test_a_post_in_a_forum_thread_older_than_the_bot_reads_its_opener_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    ideas = fake.channel("ideas")  # a forum
    post = fake.old_thread(ideas, "Open weights?", fake.user("alice"), REQUEST)
    chat = fake.old_thread(ideas, "Pizza night", fake.user("alice"), "who is in for pizza?")
    async with clamor() as bot:
        room = Room(fake, bot)
        first = await room.post(post, REACTION)
        second = await room.post(post, REACTION, user="dave")
        elsewhere = await room.post(chat, REACTION, user="carol")
        for reaction in (first, second):
            row = await logged(bot, fake, reaction)
            assert (row.category, row.replies_to) == ("defeatism", post.id)
        await room.settled()
        assert await room.logged(elsewhere) is None  # the same words, in a post about pizza
        assert opener_reads(fake, post.id) == 1  # the verdict is remembered
        assert opener_reads(fake, chat.id) == 1


async def test_a_thread_whose_opener_cannot_be_read_says_its_context_was_missing(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    thread = fake.old_thread(general, "about Sora", fake.user("alice"), REQUEST)
    fake.messages.delete(thread.id)  # the starter message is gone: Discord answers 404
    async with clamor() as bot:
        room = Room(fake, bot)
        reaction = await room.post(thread, REACTION)
        await room.settled()
        assert await room.logged(reaction) is None  # read alone, it names nothing
        assert opener_reads(fake, thread.id) == 1
        answer = await why(fake, link(fake, thread, reaction))
        assert "it answers a message Clamor could not read" in answer


async def test_a_forum_post_is_read_with_its_title(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    """The title often says it all and the text only "as the title says": the opening message
    of a forum post is read after its title, as the replies' context already was."""
    fake = fake_discord
    ideas, alice = fake.channel("ideas"), fake.user("alice")  # a forum
    body = "As the title says. Thanks in advance!"
    post, opener = fake.forum_post(ideas, "Will you open source the Sora weights?", alice, body)
    chat, chat_opener = fake.forum_post(ideas, "Pizza night", alice, body)
    older = fake.old_thread(ideas, "Open weights for Veo, please", alice, body)
    async with clamor() as bot:
        room = Room(fake, bot)
        await room.dispatch("MESSAGE_CREATE", opener)
        await room.dispatch("MESSAGE_CREATE", chat_opener)
        row = await logged(bot, fake, post.id)
        assert row.content == f"Will you open source the Sora weights?\n{body}"
        assert row.category == "demand"
        assert await room.logged(chat.id) is None  # the same words under another title

        reaction = await room.post(post, REACTION, user="dave")
        assert (await logged(bot, fake, reaction)).replies_to == post.id
        assert opener_reads(fake, post.id) == 0  # its verdict was remembered as it came

        await room.edit(post.id, "Any news?")  # the text alone names nothing
        await room.settled()
        edited = await room.logged(post.id)
        assert edited.content == "Will you open source the Sora weights?\nAny news?"
        assert edited.category == "demand"

        # Posted before the bot came: `/clamor why` reads it now as the watcher would have.
        answer = await why(fake, link(fake, older, older.id))
        assert "it is a request now" in answer
        assert "Open weights for Veo, please" in answer


async def test_an_edit_to_an_archived_posts_opener_is_read_with_its_title(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    """discord.py does not hold an archived post: its title is asked of Discord, so the edited
    opener is still read after it (without it "Any news?" names nothing and the row would go)."""
    fake = fake_discord
    title = "Will you open source the Sora weights?"
    post, opener = fake.forum_post(fake.channel("ideas"), title, fake.user("alice"), "Please!")
    async with clamor() as bot:
        await Room(fake, bot).dispatch("MESSAGE_CREATE", opener)
        await logged(bot, fake, post.id)
    post.archived = True  # left out of GUILD_CREATE, as on Discord
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)  # its look for deleted channels may ask about the post too
        before = len(fake.requests)
        await room.edit(post.id, "Any news?")
        await room.settled()
        row = await room.logged(post.id)
        assert row is not None
        assert row.content == f"{title}\nAny news?"
        assert any(
            r.method == "GET" and r.path.endswith(f"/channels/{post.id}")
            for r in fake.requests[before:]
        )
