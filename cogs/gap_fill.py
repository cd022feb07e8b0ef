"""Gap filling: after a restart, read what each watched channel said while Clamor was away."""

from __future__ import annotations

from discord.ext import commands

from bot.client import ClamorBot


class GapFill(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(GapFill(bot))
