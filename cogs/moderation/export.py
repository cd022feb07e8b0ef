"""`/clamor-mod export` (to be written)."""

from __future__ import annotations

from discord.ext import commands


class ExportCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""
