"""`/clamor-mod alerts` (to be written)."""

from __future__ import annotations

from discord.ext import commands


class AlertCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""
