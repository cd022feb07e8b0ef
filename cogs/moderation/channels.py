"""Channel options of `/clamor-mod`: offered by kind, resolved to the cached channel, checked."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.errors import UserFacingError

WATCHABLE_TYPES = (discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum)
POSTABLE_TYPES = (discord.ChannelType.text, discord.ChannelType.news)
Watchable = discord.TextChannel | discord.ForumChannel  # TextChannel covers news channels too


class ChannelOption(app_commands.Transformer[Any]):
    """A channel option whose picker offers only `types`, passed on unconverted.

    discord.py's own channel conversion fails with an unexplained error when another kind of
    channel arrives; the command checks the kind itself and answers with what is accepted.
    """

    def __init__(self, *types: discord.ChannelType) -> None:
        self._types = list(types)

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return self._types

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Any:
        return value


ChannelRef = app_commands.AppCommandChannel | app_commands.AppCommandThread


def cached_channel(guild: discord.Guild, option: ChannelRef) -> discord.abc.GuildChannel:
    channel = guild.get_channel_or_thread(option.id)
    if channel is None:
        raise UserFacingError(f"I cannot see <#{option.id}>: give me View Channel there first.")
    if isinstance(channel, discord.Thread):
        parent = f"<#{channel.parent_id}>"
        raise UserFacingError(
            f"{channel.mention} is a thread: threads and forum posts follow their parent "
            f"channel, so pick {parent} instead."
        )
    return channel


def watchable_channel(guild: discord.Guild, option: ChannelRef) -> Watchable:
    channel = cached_channel(guild, option)
    if not isinstance(channel, Watchable):
        raise UserFacingError(
            f"{channel.mention} is a {_kind(channel)} channel: I watch text, announcement "
            "and forum channels."
        )
    return channel


def digest_channel(guild: discord.Guild, option: ChannelRef) -> discord.TextChannel:
    channel = cached_channel(guild, option)
    if not isinstance(channel, discord.TextChannel):
        raise UserFacingError(
            f"{channel.mention} is a {_kind(channel)} channel: I post digests in a text or "
            "announcement channel."
        )
    return channel


def can_read(guild: discord.Guild, channel: discord.abc.GuildChannel) -> bool:
    return channel.permissions_for(guild.me).view_channel


def missing_post_permissions(guild: discord.Guild, channel: discord.TextChannel) -> list[str]:
    """What the bot lacks to post a digest embed in `channel`, in Discord's own words."""
    held = channel.permissions_for(guild.me)
    needed = (
        ("View Channel", held.view_channel),
        ("Send Messages", held.send_messages),
        ("Embed Links", held.embed_links),
    )
    return [name for name, ok in needed if not ok]


def readable_channels(guild: discord.Guild) -> list[Watchable]:
    """Text, news and forum channels the bot can read, in the guild's channel order."""
    channels: list[Watchable] = [*guild.text_channels, *guild.forums]
    channels.sort(key=lambda c: (c.category.position if c.category else -1, c.position, c.id))
    return [channel for channel in channels if can_read(guild, channel)]


def _kind(channel: discord.abc.GuildChannel) -> str:
    names = {discord.ChannelType.category: "category", discord.ChannelType.voice: "voice"}
    return names.get(channel.type, str(channel.type).replace("_", " "))
