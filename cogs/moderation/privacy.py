"""`/clamor-mod privacy retention|content|show` and `/clamor-mod forget user:`.

Every change is scoped to the guild the command was typed in, and drops that guild's cached
config at once so the watcher applies it to the very next message.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.privacy import (
    checked_retention_days,
    content_mode_answer,
    describe_privacy,
    forget_member_answer,
    retention_answer,
)
from bot.store.records import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, ContentMode
from cogs._member_privacy import forget_author

Interaction = discord.Interaction[ClamorBot]


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:  # the group is guild-only
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def _answer(interaction: Interaction, text: str) -> None:
    # A member's mention in the answer must not ping them.
    await interaction.response.send_message(
        text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )


# A Cog subclass only so the command decorators type-check; the commands land in `/clamor-mod`,
# whose interaction_check already requires Manage Server.
class PrivacyCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

    bot: ClamorBot

    privacy = app_commands.Group(
        name="privacy", description="How long Clamor keeps message text, and whether at all"
    )

    @app_commands.command(
        name="forget", description="Erase a member's logged messages here and stop logging them"
    )
    @app_commands.describe(user="The member (or former member) who asked to be forgotten")
    async def forget(self, interaction: Interaction, user: discord.User) -> None:
        guild_id = _guild_id(interaction)
        erased, already = await forget_author(self.bot, guild_id, user.id)
        await _answer(interaction, forget_member_answer(user.mention, erased, already=already))

    @privacy.command(name="retention", description="Days message text and authors are kept")
    @app_commands.describe(days=f"{MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS}; 90 by default")
    async def privacy_retention(
        self,
        interaction: Interaction,
        # Range shapes Discord's picker (discord.py passes ints through unchecked); the
        # body refuses out-of-range days in one line should a client send them anyway.
        days: app_commands.Range[int, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS],
    ) -> None:
        guild_id = _guild_id(interaction)
        wanted = checked_retention_days(days)
        previous = (await self.bot.store.privacy_settings(guild_id)).retention_days
        if wanted != previous:
            await self.bot.guild_configs.set_retention_days(guild_id, wanted)
        await _answer(interaction, retention_answer(wanted, previous))

    @privacy.command(name="content", description="keep or drop the text of request messages")
    @app_commands.describe(mode="drop erases the text already stored and stores no more")
    async def privacy_content(self, interaction: Interaction, mode: ContentMode) -> None:
        guild_id = _guild_id(interaction)
        previous = (await self.bot.store.privacy_settings(guild_id)).content_mode
        erased = 0
        if mode != previous:
            erased = await self.bot.guild_configs.set_content_mode(guild_id, mode)
        await _answer(interaction, content_mode_answer(mode, previous, erased))

    @privacy.command(name="show", description="What Clamor keeps about this server, and how long")
    async def privacy_show(self, interaction: Interaction) -> None:
        guild_id = _guild_id(interaction)
        settings = await self.bot.store.privacy_settings(guild_id)
        opted_out = len(await self.bot.store.opted_out_authors(guild_id))
        grace = self.bot.settings.leave_grace_days
        await _answer(interaction, describe_privacy(settings, opted_out, grace))
