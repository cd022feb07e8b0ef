"""Finding the message a `message:` option names, for `/clamor why` and `/clamor-mod relabel`.

Only this server's channels are ever looked at (`guild.get_channel_or_thread` knows no other
server's), and only where both the bot and the person asking can read: `/clamor why` must not
become a way to read a channel one cannot see.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import discord

from bot.analysis import Analysis
from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfig
from bot.message_links import MessageRef, message_link, parse_message_ref
from bot.store import RequestRecord
from bot.watch.rules import analyse_off_loop
from bot.watch.service import text_read

Interaction = discord.Interaction[ClamorBot]


@dataclass(frozen=True, slots=True)
class FoundMessage:
    """A message of this server: its logged row if there is one, else the fetched message."""

    guild_id: int
    channel_id: int
    message_id: int
    logged: RequestRecord | None
    fetched: discord.Message | None

    @property
    def link(self) -> str:
        return message_link(self.guild_id, self.channel_id, self.message_id)


async def _readable_channel(
    interaction: Interaction, guild: discord.Guild, channel_id: int
) -> discord.abc.Messageable:
    channel = guild.get_channel_or_thread(channel_id)
    if channel is None or not isinstance(channel, discord.abc.Messageable):
        raise UserFacingError(
            f"I cannot see a text channel <#{channel_id}> in this server; paste a link to a "
            "message in a channel I can read."
        )
    refusal = f"You cannot read {channel.mention}, so I cannot show it to you."
    user = interaction.user
    if isinstance(user, discord.Member):
        allowed = channel.permissions_for(user)
        if not (allowed.view_channel and allowed.read_message_history):
            raise UserFacingError(refusal)
    mine = channel.permissions_for(guild.me)
    if not (mine.view_channel and mine.read_message_history):
        raise UserFacingError(
            f"I cannot read {channel.mention}: give me View Channel and Read Message History there."
        )
    if (
        isinstance(channel, discord.Thread)
        and isinstance(user, discord.Member)
        and not await _may_read_thread(channel, user)
    ):
        raise UserFacingError(refusal)
    return channel


async def _may_read_thread(thread: discord.Thread, member: discord.Member) -> bool:
    # discord.py resolves a thread's permissions from its parent alone, but a private thread is
    # only for its members and those who may manage threads. The membership cache is filled only
    # with the Server Members intent, so Discord is asked.
    if not thread.is_private() or thread.permissions_for(member).manage_threads:
        return True
    try:
        await thread.fetch_member(member.id)
    except discord.NotFound:
        return False
    except discord.Forbidden:
        raise UserFacingError(
            f"I cannot read {thread.mention}: add me to the thread or give me Manage Threads."
        ) from None
    except discord.HTTPException:
        raise UserFacingError(
            f"Discord did not tell me whether you are in {thread.mention}; try again in a minute."
        ) from None
    return True


async def find_message(bot: ClamorBot, interaction: Interaction, text: str) -> FoundMessage:
    """The logged row of the message `text` names, or the message fetched from Discord."""
    guild = interaction.guild
    if guild is None:  # both command groups are guild-only
        raise UserFacingError("This works in a server only.")
    ref = parse_message_ref(text, guild.id)
    await bot.request_writer.flush()  # a row grouped a moment ago is in the log
    logged = await bot.store.get_request(guild.id, ref.message_id)
    if logged is not None:
        # A logged row names its channel; the asker still has to be able to read it.
        await _readable_channel(interaction, guild, logged.channel_id)
        return FoundMessage(guild.id, logged.channel_id, ref.message_id, logged, None)
    return await _fetch(interaction, guild, ref)


async def _fetch(interaction: Interaction, guild: discord.Guild, ref: MessageRef) -> FoundMessage:
    # A bare id can only be looked for where the command was typed.
    channel_id = ref.channel_id if ref.channel_id is not None else interaction.channel_id
    if channel_id is None:
        raise UserFacingError("Paste the message's link: I cannot tell which channel it is in.")
    channel = await _readable_channel(interaction, guild, channel_id)
    try:
        message = await channel.fetch_message(ref.message_id)
    except discord.NotFound:
        where = "" if ref.channel_id is not None else " (for a message elsewhere, paste its link)"
        raise UserFacingError(
            f"Message {ref.message_id} is not in my log and not in <#{channel_id}>{where}."
        ) from None
    except discord.Forbidden:
        raise UserFacingError(
            f"Discord would not let me read <#{channel_id}>: give me Read Message History there."
        ) from None
    return FoundMessage(guild.id, channel_id, ref.message_id, None, message)


async def analyse_now(
    bot: ClamorBot, guild_id: int, config: GuildConfig, message: discord.Message
) -> Analysis:
    """Every score, as `clamor classify` computes them, with what the message answers, as the
    watcher reads it; long text off the event loop. What the words say: whether the team wrote
    it is `WatchService.counted`."""
    analyzer = config.analyzer
    context = await bot.watch_service.conversation_context(guild_id, message, config)
    text = text_read(message)
    if analyse_off_loop(text):
        return await asyncio.to_thread(
            analyzer.analyze, text, context=context, message_id=message.id
        )
    return analyzer.analyze(text, context=context, message_id=message.id)
