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
    """An answer only the user sees, in which a member's mention pings no one; after
    `think_quietly`, as its follow-up."""
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=mentions)


async def think_quietly(interaction: Interaction) -> None:
    """Acknowledge now, answer later (only the user sees either). Discord drops a first answer
    that comes after 3 seconds; an erasure may wait longer, up to the Store's lock wait
    (about 9 s), for another process's readers before it cuts the write-ahead log."""
    await interaction.response.defer(ephemeral=True, thinking=True)
