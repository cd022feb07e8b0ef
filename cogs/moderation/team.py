"""`/clamor-mod team add|remove|list`: the roles of the server's own team, whose messages answer
requests and are never counted as requests (bot/watch/team.py)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.moderation import ANSWERS_NOT_REQUESTS, describe_team, team_limit_reached
from bot.store import TeamLimitError
from cogs._interactions import answer_quietly, guild_id_of

Interaction = discord.Interaction[ClamorBot]


class TeamCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server (a
    Cog subclass only so the command decorators type-check)."""

    bot: ClamorBot

    team = app_commands.Group(
        name="team", description="Roles whose members answer requests rather than make them"
    )

    @team.command(name="add", description="Count a role's members as the team: answers only")
    @app_commands.describe(role="The role of this server's own team (maintainers, staff)")
    async def team_add(self, interaction: Interaction, role: discord.Role) -> None:
        guild_id = guild_id_of(interaction)
        if role.is_default():
            raise UserFacingError("Every member has @everyone: pick the role only the team has.")
        try:
            added = await self.bot.guild_configs.add_team_role(guild_id, role.id)
        except TeamLimitError:
            raise UserFacingError(team_limit_reached()) from None
        if added:
            text = (
                f"{role.mention} is on the team: from now on {ANSWERS_NOT_REQUESTS}. "
                "Messages already logged stay until read again."
            )
        else:
            text = f"{role.mention} already is a team role; nothing changed."
        await answer_quietly(interaction, text)

    @team.command(name="remove", description="Stop counting a role's members as the team")
    @app_commands.describe(role="A team role, as listed")
    async def team_remove(self, interaction: Interaction, role: discord.Role) -> None:
        guild_id = guild_id_of(interaction)
        if await self.bot.guild_configs.remove_team_role(guild_id, role.id):
            text = f"{role.mention} is no longer a team role: its members' requests count."
        else:
            text = f"{role.mention} is not a team role; nothing changed."
        await answer_quietly(interaction, text)

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        # A deleted role cannot be picked to be removed; it leaves the team with itself.
        await self.bot.guild_configs.remove_team_role(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._forget_deleted_roles(guild.id)

    async def _forget_deleted_roles(self, guild_id: int) -> frozenset[int]:
        """The guild's team without the roles deleted while Clamor was away; only from a guild
        whose roles are cached (before its GUILD_CREATE, discord.py knows none of them)."""
        team = (await self.bot.guild_configs.get(guild_id)).team_roles
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.unavailable or not guild.roles:
            return team
        for role_id in team - {role.id for role in guild.roles}:
            await self.bot.guild_configs.remove_team_role(guild_id, role_id)
        return (await self.bot.guild_configs.get(guild_id)).team_roles

    @team.command(name="list", description="The team's roles")
    async def team_list(self, interaction: Interaction) -> None:
        team = await self._forget_deleted_roles(guild_id_of(interaction))
        await answer_quietly(interaction, describe_team(team))
