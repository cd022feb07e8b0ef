"""ClamorBot: the Discord client. Resources come in from outside; cogs do the Discord I/O."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis import analyze
from bot.config import Settings
from bot.errors import UserFacingError
from bot.guilds import GuildConfigs
from bot.store import Store
from bot.watch.writer import RequestWriter

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.watcher",
    "cogs.digest_commands",
    "cogs.moderation",
    "cogs.daily_digest",
    "cogs.gap_fill",
    "cogs.privacy_upkeep",
    "cogs.spike_alerts",
)

UNEXPECTED = "Something went wrong on Clamor's side. It has been logged for the bot's operator."


def clamor_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    return intents


async def answer_privately(interaction: discord.Interaction[Any], message: str) -> None:
    """An ephemeral answer whether or not the interaction was already answered or deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True)
    else:
        await interaction.response.send_message(message, ephemeral=True)


def describe_failure(error: app_commands.AppCommandError) -> str | None:
    """The sentence a member sees for an expected failure; None for a bug."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(cause, UserFacingError):
        return str(cause)
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the Manage Server permission to change Clamor's settings."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "Clamor's commands work inside a server, not in direct messages."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(error.missing_permissions)
        return f"I am missing permissions here: {missing}."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


class ClamorTree(app_commands.CommandTree["ClamorBot"]):
    async def on_error(
        self, interaction: discord.Interaction[ClamorBot], error: app_commands.AppCommandError
    ) -> None:
        message = describe_failure(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("/%s failed in guild %s", command, interaction.guild_id, exc_info=error)
            message = UNEXPECTED
        try:
            await answer_privately(interaction, message)
        except discord.HTTPException:
            log.warning("could not tell the user about a failed command", exc_info=True)


class ClamorBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        author_key: bytes,
        clock: Callable[[], float] = time.time,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=clamor_intents(),
            help_command=None,
            tree_cls=ClamorTree,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.store = store
        self.author_key = author_key
        # What time it is, for schedules; tests move it instead of waiting for 09:00.
        self.clock = clock
        self.guild_configs = GuildConfigs(store, settings)
        # Every request row the bot writes goes through it: privacy, and a queue for outages.
        self.request_writer = RequestWriter(
            store, self.guild_configs, queue_size=settings.write_queue_size, clock=clock
        )

    async def setup_hook(self) -> None:
        # Build the analysers (VADER, rule tables) now, in a thread, not on the first message.
        await asyncio.to_thread(analyze, "warm up: open source the weights")
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d servers", self.user, len(self.guilds))
