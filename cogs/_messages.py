"""Reading a Discord message: whether a member posted it, and which message it answers (and
whether that one is a request message).

A reply answers the message it references; any other message in a thread or forum post answers
the post that opened it (its id is the thread's). The verdict comes from
`bot.watch.conversation.context_of`; here only Discord's shapes are read.
"""

from __future__ import annotations

import asyncio

import discord

from bot.analysis import Analyzer, Context
from bot.client import ClamorBot
from bot.watch.conversation import context_of
from bot.watch.rules import analyse_off_loop, is_member_post


def _jump(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def is_member_message(message: discord.Message) -> bool:
    return is_member_post(
        author_is_bot=message.author.bot,
        webhook_id=message.webhook_id,
        message_type=message.type.value,
    )


async def conversation_context(
    bot: ClamorBot, guild_id: int, message: discord.Message, analyzer: Analyzer
) -> Context:
    """The context `Analyzer.analyze` reads for `message` (NO_CONTEXT when it answers no
    request message)."""
    channel = message.channel
    reference = message.reference
    answered: int | None = None
    sent_along: discord.Message | None = None
    link = ""
    if message.type is discord.MessageType.reply and reference is not None:
        resolved = reference.resolved
        if isinstance(resolved, discord.DeletedReferencedMessage) or reference.message_id is None:
            return Context(False, missing=True)
        answered = reference.message_id
        link = _jump(guild_id, reference.channel_id or channel.id, answered)
        if isinstance(resolved, discord.Message):
            sent_along = resolved
    elif isinstance(channel, discord.Thread) and message.id != channel.id:
        answered = channel.id
        # A forum post's opening message is in the post; a thread's starter in its parent.
        in_post = isinstance(channel.parent, discord.ForumChannel) or channel.parent_id is None
        link = _jump(guild_id, channel.id if in_post else channel.parent_id or channel.id, answered)
    if answered is None:
        return Context(False)

    async def logged(message_id: int) -> bool:
        return await bot.request_writer.current(guild_id, message_id) is not None

    async def judge_text() -> bool | None:
        if sent_along is None or not sent_along.content or not is_member_message(sent_along):
            return None
        text = sent_along.content
        if analyse_off_loop(text):
            return (await asyncio.to_thread(analyzer.analyze, text, score_all=False)).request
        return analyzer.analyze(text, score_all=False).request

    return await context_of(
        bot.conversations, answered, link=link, logged=logged, judge_text=judge_text
    )
