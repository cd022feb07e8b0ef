"""`/clamor trend [days:<7-90>] [channel]`: a chart of the last days, answered in public."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.charts.embed import CHART_FILENAME, trend_embed, trend_title
from bot.charts.render import render_trend
from bot.client import ClamorBot
from bot.digest.contents import Period, today_in
from bot.digest_service import public_channels
from bot.errors import UserFacingError
from bot.store import Store
from bot.trends import trend_from_store
from cogs.moderation.channels import WATCHABLE_TYPES, ChannelOption, ChannelRef

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 7, 90, 30
Days = app_commands.Range[int, MIN_DAYS, MAX_DAYS]
TrendChannel = app_commands.Transform[ChannelRef, ChannelOption(*WATCHABLE_TYPES)]


async def channel_and_threads(store: Store, guild: discord.Guild, channel_id: int) -> set[int]:
    """The channel and its threads and forum posts: those in discord.py's cache (active ones)
    and those the watcher remembered (archived ones too). A thread's messages are logged under
    the thread's own id."""
    cached = {thread.id: thread.parent_id for thread in guild.threads}
    stored = await store.threads_under(guild.id, channel_id)
    # The cache is the newer word on a thread it holds under another channel.
    return (
        {channel_id}
        | {thread_id for thread_id, parent_id in cached.items() if parent_id == channel_id}
        | {thread_id for thread_id in stored if cached.get(thread_id, channel_id) == channel_id}
    )


def _can_read(channel: ChannelRef) -> bool:
    """Whether the asker may read the channel: Discord sends their permissions there with the
    option (``permissions`` of a resolved channel)."""
    allowed = channel.permissions
    return allowed.view_channel and allowed.read_message_history


def chart_title(guild: discord.Guild, channel_id: int | None) -> str:
    if channel_id is None:
        return trend_title(guild.name)
    channel = guild.get_channel_or_thread(channel_id)
    name = channel.name if channel is not None else str(channel_id)
    return trend_title(guild.name, name, public=channel_id in public_channels(guild))


class TrendCommands(commands.Cog):
    """Mixed into the `/clamor` GroupCog."""

    bot: ClamorBot

    @app_commands.command(name="trend", description="A chart of open-sourcing talk, day by day")
    @app_commands.describe(
        days=f"How many days back, today included ({MIN_DAYS}-{MAX_DAYS}; default {DEFAULT_DAYS})",
        channel="Only this channel (its threads and forum posts included)",
    )
    async def trend(
        self,
        interaction: discord.Interaction[ClamorBot],
        days: Days = DEFAULT_DAYS,
        channel: TrendChannel | None = None,
    ) -> None:
        guild = interaction.guild
        if guild is None:
            raise app_commands.NoPrivateMessage()
        # Discord's client enforces the range; a raw API call does not.
        if not MIN_DAYS <= days <= MAX_DAYS:
            raise UserFacingError(f"days must be between {MIN_DAYS} and {MAX_DAYS}.")
        if channel is not None and channel.type not in WATCHABLE_TYPES:
            raise UserFacingError(f"<#{channel.id}> is not a text, announcement or forum channel.")
        config = await self.bot.guild_configs.get(guild.id)
        timezone = config.settings.timezone
        today = today_in(timezone, self.bot.clock())
        period = Period(today - timedelta(days=days - 1), today, timezone)
        # A channel not every member can read: its numbers only for someone who can read it,
        # and only privately (as /clamor digest does).
        private = channel is not None and channel.id not in public_channels(guild)
        if channel is not None and private and not _can_read(channel):
            raise UserFacingError(
                f"You cannot read <#{channel.id}>, so I cannot show you its trend."
            )
        await interaction.response.defer(thinking=True, ephemeral=private)
        series = await trend_from_store(
            self.bot.store,
            guild_id=guild.id,
            period=period,
            title=chart_title(guild, None if channel is None else channel.id),
            channel_ids=None
            if channel is None
            else await channel_and_threads(self.bot.store, guild, channel.id),
        )
        png = await asyncio.to_thread(render_trend, series)
        await interaction.followup.send(
            embed=discord.Embed.from_dict(trend_embed(series)),
            file=discord.File(io.BytesIO(png), filename=CHART_FILENAME),
            ephemeral=private,
        )
