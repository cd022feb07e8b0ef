"""`/clamor-mod backfill days:<1-30> [channel]`: read history from before Clamor joined (or
from any of the last days) into the log, showing progress by editing the answer."""

from __future__ import annotations

import logging
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.store import StoreError
from bot.watch.history import (
    BACKFILL_MAX_DAYS,
    BACKFILL_MIN_DAYS,
    Throttle,
    describe_progress,
    plan_backfill,
)
from bot.watch.rules import watch_key
from bot.watch.service import Readable, ScanResult, readable_targets
from cogs.moderation.channels import ChannelOption, ChannelRef

log = logging.getLogger(__name__)

Interaction = discord.Interaction[ClamorBot]
BACKFILL_TYPES = (
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.forum,
    discord.ChannelType.public_thread,
    discord.ChannelType.news_thread,
)
BackfillOption = app_commands.Transform[ChannelRef, ChannelOption(*BACKFILL_TYPES)]
Days = app_commands.Range[int, BACKFILL_MIN_DAYS, BACKFILL_MAX_DAYS]

# Guilds with a backfill running, per bot (the cog is made once per bot).
_running: dict[int, set[int]] = {}


def _readable(guild: discord.Guild, channel: Readable) -> bool:
    allowed = channel.permissions_for(guild.me)
    return allowed.view_channel and allowed.read_message_history


def chosen_channels(guild: discord.Guild, option: ChannelRef) -> list[Readable]:
    """The channel picked (a forum: its active posts), if the bot can read it."""
    channel = guild.get_channel_or_thread(option.id)
    if channel is None:
        raise UserFacingError(f"I cannot see <#{option.id}>: give me View Channel there first.")
    if isinstance(channel, discord.ForumChannel):
        chosen: list[Readable] = list(channel.threads)
    elif isinstance(channel, discord.TextChannel | discord.Thread):
        chosen = [channel]
    else:
        raise UserFacingError(f"{channel.mention} has no messages to read.")
    if not chosen:
        raise UserFacingError(f"{channel.mention} has no open posts to read.")
    if not all(_readable(guild, c) for c in chosen):
        raise UserFacingError(
            f"I cannot read {channel.mention}: give me View Channel and Read Message History."
        )
    return chosen


class BackfillCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server.
    (A Cog subclass so that app_commands accepts the methods as a cog's commands.)"""

    bot: ClamorBot

    @app_commands.command(name="backfill", description="Read the last days of history into the log")
    @app_commands.describe(
        days=f"How many days back ({BACKFILL_MIN_DAYS}-{BACKFILL_MAX_DAYS})",
        channel="One channel, forum or thread (default: every watched channel)",
    )
    async def backfill(
        self, interaction: Interaction, days: Days, channel: BackfillOption | None = None
    ) -> None:
        guild = interaction.guild
        if guild is None:
            raise app_commands.NoPrivateMessage()
        running = _running.setdefault(id(self.bot), set())
        if guild.id in running:
            raise UserFacingError("A backfill is already running in this server; try when it ends.")
        if channel is not None:
            targets = chosen_channels(guild, channel)
        else:
            config = await self.bot.guild_configs.get(guild.id)
            targets = [
                c
                for _, c in readable_targets([guild])
                if config.watches(
                    watch_key(c.id, c.parent_id if isinstance(c, discord.Thread) else None)
                )
            ]
        running.add(guild.id)
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._backfill(interaction, guild, targets, days)
        finally:
            running.discard(guild.id)

    async def _backfill(
        self,
        interaction: Interaction,
        guild: discord.Guild,
        targets: list[Readable],
        days: int,
    ) -> None:
        throttle = Throttle()
        totals = {"done": 0, "scanned": 0, "found": 0, "already": 0}
        skipped: list[str] = []

        async def show(current: ScanResult | None = None, *, finished: bool = False) -> None:
            if not finished and not throttle.due(time.monotonic()):
                return
            extra = current or ScanResult()
            text = describe_progress(
                days=days,
                done=totals["done"],
                total=len(targets),
                scanned=totals["scanned"] + extra.scanned,
                found=totals["found"] + extra.requests,
                already=totals["already"] + extra.already_logged,
                finished=finished,
            )
            if finished and skipped:
                text += f"\nSkipped (cannot read): {', '.join(skipped)}."
            await interaction.edit_original_response(content=text)

        await show()
        for channel in targets:
            try:
                # Real time, not bot.clock: history is addressed by message ids, which carry
                # Discord's wall clock (as in gap filling).
                spec = plan_backfill(days=days, now=time.time())
                result = await self.bot.watch_service.scan_history(
                    guild.id, channel, spec, on_page=show
                )
            except (discord.HTTPException, StoreError) as exc:
                log.warning("backfill skipped #%s in guild %s: %s", channel.name, guild.id, exc)
                skipped.append(channel.mention)
                continue
            finally:
                totals["done"] += 1
            totals["scanned"] += result.scanned
            totals["found"] += result.requests
            totals["already"] += result.already_logged
            await show()
        await show(finished=True)
