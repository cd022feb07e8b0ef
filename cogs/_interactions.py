"""What the slash-command cogs share about answering an interaction."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import ClamorBot

Interaction = discord.Interaction[ClamorBot]


def guild_id_of(interaction: Interaction) -> int:
    """The server the command was used in; the groups are guild-only, so a DM cannot get here."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def answer_quietly(interaction: Interaction, text: str) -> None:
    """An answer only the user sees, in which a member's mention pings no one."""
    await interaction.response.send_message(
        text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )
