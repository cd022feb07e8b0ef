"""Spike alerts: one post when a wave of open-sourcing talk starts (to be written)."""

from __future__ import annotations

from discord.ext import commands

from bot.client import ClamorBot


class SpikeAlerts(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(SpikeAlerts(bot))
