"""`/clamor-mod`: moderators choose watched channels, the daily digest and the guild's terms."""

from bot.client import ClamorBot
from cogs.moderation.cog import Moderation


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(Moderation(bot))
