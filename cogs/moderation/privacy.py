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
from cogs._interactions import answer_quietly, guild_id_of, think_quietly
from cogs._member_privacy import forget_author

Interaction = discord.Interaction[ClamorBot]


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
        guild_id = guild_id_of(interaction)
        await think_quietly(interaction)
        erased, already = await forget_author(self.bot, guild_id, user.id)
        await answer_quietly(
            interaction, forget_member_answer(user.mention, erased, already=already)
        )

    @privacy.command(name="retention", description="Days message text and authors are kept")
    @app_commands.describe(days=f"{MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS}; 90 by default")
    async def privacy_retention(
        self,
        interaction: Interaction,
        # Range shapes Discord's picker (discord.py passes ints through unchecked); the
        # body refuses out-of-range days in one line should a client send them anyway.
        days: app_commands.Range[int, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS],
    ) -> None:
        guild_id = guild_id_of(interaction)
        wanted = checked_retention_days(days)
        previous = (await self.bot.store.privacy_settings(guild_id)).retention_days
        if wanted != previous:
            await self.bot.guild_configs.set_retention_days(guild_id, wanted)
        await answer_quietly(interaction, retention_answer(wanted, previous))

    @privacy.command(name="content", description="keep or drop the text of request messages")
    @app_commands.describe(mode="drop erases the text already stored and stores no more")
    async def privacy_content(self, interaction: Interaction, mode: ContentMode) -> None:
        guild_id = guild_id_of(interaction)
        previous = (await self.bot.store.privacy_settings(guild_id)).content_mode
        erased = 0
        if mode != previous:
            await think_quietly(interaction)
            # In the guild's turn, as forget-me: a relabel waiting for it stores no text after.
            async with self.bot.watch_service.lock(guild_id):
                erased = await self.bot.guild_configs.set_content_mode(guild_id, mode)
        await answer_quietly(interaction, content_mode_answer(mode, previous, erased))

    @privacy.command(name="show", description="What Clamor keeps about this server, and how long")
    async def privacy_show(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        settings = await self.bot.store.privacy_settings(guild_id)
        opted_out = len(await self.bot.store.opted_out_authors(guild_id))
        grace = self.bot.settings.leave_grace_days
        await answer_quietly(interaction, describe_privacy(settings, opted_out, grace))
