"""`/clamor trend`: a chart of the last weeks (to be written)."""

from __future__ import annotations

from discord.ext import commands


class TrendCommands(commands.Cog):
    """Mixed into the `/clamor` GroupCog."""
