"""`/clamor forget-me` and `/clamor remember-me`: any member erases what Clamor logged of them.

The erasure and the opt-out are one Store call scoped to this guild, so a member of two servers
is forgotten only where they asked. It goes through `bot.guild_configs`, which drops the guild's
cached config in the same call: the watcher checks it before every write, and must not log the
next message of someone who just opted out.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.privacy import (
    CONFIRM_CHOICES,
    FORGET_ME_DECLINED,
    forget_me_answer,
    remember_me_answer,
)
from bot.store import author_hash
from cogs._interactions import answer_quietly, guild_id_of, think_quietly

YES = "yes"

Interaction = discord.Interaction[ClamorBot]


async def forget_author(bot: ClamorBot, guild_id: int, user_id: int) -> tuple[int, bool]:
    """Erase `user_id`'s rows in `guild_id` and stop logging them there.

    Returns how many rows were erased and whether they had already opted out.
    """
    hashed = author_hash(bot.author_key, user_id)
    # In the guild's turn: a relabel waiting for it checks the author again once this is done.
    async with bot.watch_service.lock(guild_id):
        already = hashed in await bot.store.opted_out_authors(guild_id)
        erased = await bot.guild_configs.opt_out_author(guild_id, hashed, bot.clock())
    return erased, already


# A Cog subclass only so the command decorators type-check; the commands land in `/clamor`.
class MemberPrivacyCommands(commands.Cog):
    """Mixed into the `/clamor` GroupCog."""

    bot: ClamorBot

    @app_commands.command(
        name="forget-me",
        description="Erase every message Clamor logged of you in this server and stop logging you",
    )
    @app_commands.describe(confirm="yes erases now and cannot be undone")
    @app_commands.choices(
        confirm=[app_commands.Choice(name=name, value=v) for v, name in CONFIRM_CHOICES.items()]
    )
    async def forget_me(self, interaction: Interaction, confirm: str) -> None:
        guild_id = guild_id_of(interaction)
        if confirm != YES:
            text = FORGET_ME_DECLINED
        else:
            await think_quietly(interaction)
            erased, already = await forget_author(self.bot, guild_id, interaction.user.id)
            text = forget_me_answer(erased, already=already)
        await answer_quietly(interaction, text)

    @app_commands.command(
        name="remember-me", description="Undo forget-me: let Clamor count your messages again"
    )
    async def remember_me(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        hashed = author_hash(self.bot.author_key, interaction.user.id)
        changed = await self.bot.guild_configs.opt_in_author(guild_id, hashed)
        await interaction.response.send_message(remember_me_answer(changed), ephemeral=True)
