"""`/clamor-mod alerts [channel] [sensitivity] [off]`: where spike alerts go and how easily.

No option shows the current state; `channel` (with an optional `sensitivity`) turns alerts on
or moves them; `sensitivity` alone changes it while they are on; `off:True` stops them.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts import DEFAULT_SENSITIVITY, Sensitivity
from bot.alerts.render import (
    BOTH_CHANNEL_AND_OFF,
    SENSITIVITY_WHILE_OFF,
    alerts_off_answer,
    alerts_on_answer,
    alerts_state,
)
from bot.client import ClamorBot
from bot.errors import UserFacingError
from cogs.moderation.channels import (
    POSTABLE_TYPES,
    ChannelOption,
    ChannelRef,
    cached_channel,
    missing_post_permissions,
)

Interaction = discord.Interaction[ClamorBot]
AlertChannelOption = app_commands.Transform[ChannelRef, ChannelOption(*POSTABLE_TYPES)]


def _guild(interaction: Interaction) -> discord.Guild:
    if interaction.guild is None:  # the group is guild-only
        raise app_commands.NoPrivateMessage()
    return interaction.guild


def alert_channel(guild: discord.Guild, option: ChannelRef) -> discord.TextChannel:
    """The channel picked, if the bot can post alert embeds there."""
    channel = cached_channel(guild, option)
    if not isinstance(channel, discord.TextChannel):
        raise UserFacingError(
            f"{channel.mention} is not a text channel: I post alerts in a text or "
            "announcement channel."
        )
    if missing := missing_post_permissions(guild, channel):
        raise UserFacingError(
            f"I cannot post alerts in {channel.mention}: I am missing {', '.join(missing)} "
            "there. Grant it or pick another channel."
        )
    return channel


# A Cog subclass only so the command decorators type-check; the command lands in `/clamor-mod`,
# whose interaction_check already requires Manage Server.
class AlertCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

    bot: ClamorBot

    @app_commands.command(name="alerts", description="Spike alerts: where they go, how easily")
    @app_commands.describe(
        channel="A text or announcement channel I can post embeds in (turns alerts on)",
        sensitivity="low: only big waves; normal (default); high: smaller rises too",
        off="True turns spike alerts off",
    )
    async def alerts(
        self,
        interaction: Interaction,
        channel: AlertChannelOption | None = None,
        sensitivity: Sensitivity | None = None,
        off: bool = False,
    ) -> None:
        guild = _guild(interaction)
        store = self.bot.store
        current = await store.alert_settings(guild.id)
        if off and channel is not None:
            raise UserFacingError(BOTH_CHANNEL_AND_OFF)
        if off:
            text = alerts_off_answer(await store.turn_alerts_off(guild.id))
        elif channel is not None:
            target = alert_channel(guild, channel)
            chosen = sensitivity or (
                current.sensitivity if current.channel_id is not None else DEFAULT_SENSITIVITY
            )
            await store.set_alerts(guild.id, target.id, chosen)
            text = alerts_on_answer(target.mention, chosen)
        elif sensitivity is not None:
            if current.channel_id is None:
                raise UserFacingError(SENSITIVITY_WHILE_OFF)
            await store.set_alerts(guild.id, current.channel_id, sensitivity)
            text = alerts_on_answer(f"<#{current.channel_id}>", sensitivity)
        else:
            text = await self._alert_state(guild.id)
        await interaction.response.send_message(text, ephemeral=True)

    async def _alert_state(self, guild_id: int) -> str:
        settings = await self.bot.store.alert_settings(guild_id)
        channel = None if settings.channel_id is None else f"<#{settings.channel_id}>"
        posted = await self.bot.store.posted_alerts(guild_id, limit=1)
        last = (posted[0].kind, int(posted[0].posted_at)) if posted else None
        text = alerts_state(channel, settings.sensitivity, last)
        if channel is not None and settings.last_error is not None:
            text += f" Last error: {settings.last_error}."
        return text
