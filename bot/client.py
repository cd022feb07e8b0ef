"""ClamorBot: the Discord client. Resources come in from outside; cogs do the Discord I/O."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis import warm_up
from bot.config import Settings
from bot.digest_service import DigestService
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfigs
from bot.store import Store
from bot.watch.rules import ConversationMemory, MessageTextWatch
from bot.watch.service import WatchService
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


def instance_name() -> str:
    """Names this process in the database's claims (digest runs, alert checks): host, pid and a
    random part, since two bots in one process (tests) or a reused pid must not look alike."""
    return f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"


def _report_warm_up_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("%s failed", task.get_name().removeprefix("clamor: "), exc_info=error)


def keep_tables_out_of_gc(task: asyncio.Task[Any] | None = None) -> None:
    """Once per process, after the analyser warm-up: what exists by then (the analysers'
    tables, hundreds of thousands of objects that live as long as the process) is left out of
    garbage collection, which under a flood otherwise walks it all in pauses of 0.35-0.8 s
    (bench/stream.py)."""
    if task is not None and (task.cancelled() or task.exception() is not None):
        return
    if not gc.get_freeze_count():
        gc.freeze()


def _warm_up_charts() -> None:
    from bot.charts.render import warm_up

    warm_up()


class ClamorBot(commands.Bot):
    """The bot on one gateway connection: unsharded, or the one shard CLAMOR_SHARD_IDS names.

    `create_bot` picks this class or `ShardedClamorBot` from the settings; the rest of the code
    types against ClamorBot, which both are.
    """

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
            **(self._shard_options(settings) | options),
        )
        self.settings = settings
        self.instance_name = instance_name()
        self.store = store
        self.author_key = author_key
        # What time it is, for schedules; tests move it instead of waiting for 09:00.
        self.clock = clock
        self.guild_configs = GuildConfigs(store, settings)
        # Every request row the bot writes goes through it: privacy, and a queue for outages.
        self.request_writer = RequestWriter(
            store, self.guild_configs, queue_size=settings.write_queue_size, clock=clock
        )
        # Members' messages arriving without text: the Message Content intent is off.
        self.message_text = MessageTextWatch()
        # What each recent message was judged, for the replies that answer it.
        self.conversations = ConversationMemory()
        # Messages into volume and rows, live (the watcher cog) or from history (gap filling,
        # backfill): one holder of what both share.
        self.watch_service = WatchService(
            store,
            self.guild_configs,
            self.request_writer,
            self.conversations,
            author_key=author_key,
            clock=clock,
        )
        # The digest as posted and when the next is due, for the loop and the commands alike.
        self.digests = DigestService(store, self.request_writer)
        self.analyser_warm_up: asyncio.Task[Any] | None = None
        # Set once setup_hook is done (cogs loaded, commands synced): a stop asked for earlier
        # waits for it, so no cog is loaded after the close.
        self.set_up = asyncio.Event()
        self.charts_warm_up: asyncio.Task[None] | None = None

    @classmethod
    def _shard_options(cls, settings: Settings) -> dict[str, Any]:
        served = settings.served_shards()
        if served is None:
            return {}
        if len(served) != 1:
            raise ValueError(f"one connection cannot run shards {served}: use create_bot()")
        return {"shard_id": served[0], "shard_count": settings.shard_count}

    def served_shards(self) -> frozenset[int]:
        """The shards whose guilds this process sees (an unsharded bot is shard 0 of 1)."""
        return frozenset({self.shard_id or 0})

    def serves_guild(self, guild_id: int) -> bool:
        """Whether the guild belongs to one of this process's shards, as Discord assigns them;
        unlike `get_guild`, also true for a guild of ours that is gone or not loaded yet."""
        return (guild_id >> 22) % (self.shard_count or 1) in self.served_shards()

    @property
    def runs_global_jobs(self) -> bool:
        """Whether jobs for the whole database (the privacy purge) run here: in the process
        that runs shard 0, so exactly once however many processes share the bot."""
        return 0 in self.served_shards()

    async def setup_hook(self) -> None:
        # Build the analysers (VADER, rule tables) in a thread while the bot loads its cogs and
        # connects, rather than before: it takes longer than the rest of start-up together
        # (bench/startup.py). A message that arrives first builds what it needs itself.
        self.analyser_warm_up = asyncio.create_task(
            asyncio.to_thread(warm_up),
            name="clamor: analyser warm-up",
        )
        self.analyser_warm_up.add_done_callback(_report_warm_up_failure)
        self.analyser_warm_up.add_done_callback(keep_tables_out_of_gc)
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
        self.set_up.set()

    async def close(self) -> None:
        await super().close()
        # A thread cannot be cancelled: a warm-up still running is waited for, so nothing of
        # the bot outlives close().
        running = [t for t in (self.analyser_warm_up, self.charts_warm_up) if t and not t.done()]
        if running:
            await asyncio.wait(running)

    async def on_ready(self) -> None:
        shards = ", ".join(str(shard) for shard in sorted(self.served_shards()))
        log.info(
            "logged in as %s in %d servers (shard %s of %d)",
            self.user,
            len(self.guilds),
            shards,
            self.shard_count or 1,
        )
        # matplotlib's import is paid once connected (not while connecting, which it would
        # slow down), rather than by the first moderator who asks for a chart.
        if self.charts_warm_up is None:
            self.charts_warm_up = asyncio.create_task(
                asyncio.to_thread(_warm_up_charts), name="clamor: chart warm-up"
            )
            self.charts_warm_up.add_done_callback(_report_warm_up_failure)


class ShardedClamorBot(ClamorBot, commands.AutoShardedBot):
    """Several shards in one process: CLAMOR_SHARD_IDS lists more than one, or CLAMOR_SHARDS is
    set without it (all of them), or neither is set (Discord's recommended count)."""

    @classmethod
    def _shard_options(cls, settings: Settings) -> dict[str, Any]:
        served = settings.served_shards()
        if served is None:
            return {}  # discord.py asks GET /gateway/bot for the count at connect
        return {"shard_count": settings.shard_count, "shard_ids": list(served)}

    def served_shards(self) -> frozenset[int]:
        if self.shard_ids is not None:
            return frozenset(self.shard_ids)
        return frozenset(range(self.shard_count or 1))


def create_bot(
    settings: Settings,
    store: Store,
    *,
    author_key: bytes,
    clock: Callable[[], float] = time.time,
    **options: Any,
) -> ClamorBot:
    """The bot for these settings: one plain connection when this process runs exactly one
    shard, AutoShardedBot otherwise (discord.py picks Discord's recommended count when
    CLAMOR_SHARDS is unset)."""
    served = settings.served_shards()
    kind = ClamorBot if served is not None and len(served) == 1 else ShardedClamorBot
    return kind(settings, store, author_key=author_key, clock=clock, **options)
