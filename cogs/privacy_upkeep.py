"""Daily privacy upkeep: retention purge, and erasing guilds Clamor has left."""

from __future__ import annotations

from discord.ext import commands

from bot.client import ClamorBot


class PrivacyUpkeep(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(PrivacyUpkeep(bot))
