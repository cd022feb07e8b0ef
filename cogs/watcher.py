"""Watcher: request messages from watched channels into the log, volume and cursors counted.

Threads and forum posts are watched when their parent channel is (`GuildConfig.watches` gets
the parent's id), but their rows, volume and cursor keep the thread's own channel id: a jump
link is guild/channel/message, and the message lives in the thread.

Events of one guild are handled one after another (a lock per guild): a long message analysed
in a worker thread must not let its own deletion or edit, arriving meanwhile, be applied first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord
from discord.ext import commands, tasks

from bot.analysis import Analysis, Analyzer
from bot.client import ClamorBot
from bot.ingest import request_record
from bot.store import RequestRecord
from bot.watch import (
    ActivityBuffer,
    analyse_off_loop,
    edit_needs_analysis,
    edit_outcome,
    is_member_post,
    watch_key,
)

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
FLUSH_EVERY_MESSAGES = 200


@dataclass(slots=True)
class WatchStats:
    """Counters since start: events handled, rows written and removed, handler failures."""

    handled: int = 0
    logged: int = 0
    removed: int = 0
    failures: int = 0


def _parent_id(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def _is_member_post(message: discord.Message) -> bool:
    return is_member_post(
        author_is_bot=message.author.bot,
        webhook_id=message.webhook_id,
        message_type=message.type.value,
    )


class Watcher(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        self.activity = ActivityBuffer()
        self.stats = WatchStats()
        self.flush_every = FLUSH_EVERY_MESSAGES
        self._flush_lock = asyncio.Lock()
        self._guild_locks: dict[int, asyncio.Lock] = {}

    async def cog_load(self) -> None:
        self.flusher.start()

    async def cog_unload(self) -> None:
        self.flusher.cancel()
        await self.flush()

    @tasks.loop(seconds=FLUSH_SECONDS)
    async def flusher(self) -> None:
        await self.flush()

    async def flush(self) -> None:
        """Write buffered volume and cursors in one transaction; on failure keep them for later."""
        async with self._flush_lock:
            snapshot = self.activity.drain()
            if snapshot.empty:
                return
            try:
                await self.bot.store.record_activity(snapshot.volumes, snapshot.cursors)
            except Exception:
                self.activity.restore(snapshot)
                log.exception("could not save the volume of %d messages", snapshot.messages)
            except BaseException:  # cancelled mid-write: rolled back, so keep it for the next one
                self.activity.restore(snapshot)
                raise

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._guild_locks.setdefault(guild_id, asyncio.Lock())

    async def _analyse(self, analyzer: Analyzer, text: str) -> Analysis:
        if analyse_off_loop(text):
            return await asyncio.to_thread(analyzer.analyze, text, score_all=False)
        return analyzer.analyze(text, score_all=False)

    def _record(
        self, guild_id: int, message: discord.Message, analysis: Analysis, *, edited: bool
    ) -> RequestRecord:
        return request_record(
            message_id=message.id,
            guild_id=guild_id,
            channel_id=message.channel.id,
            author_key=self.bot.author_key,
            author_id=message.author.id,
            created_at=discord.utils.snowflake_time(message.id).timestamp(),
            edited=edited,
            analysis=analysis,
        )

    async def _serially(
        self, guild_id: int, what: str, work: Callable[[], Awaitable[None]]
    ) -> None:
        """Run one event's work after the guild's earlier events; a failure is logged, and the
        watcher goes on with the next event."""
        try:
            async with self._lock(guild_id):
                await work()
        except Exception:
            self.stats.failures += 1
            log.exception("could not %s in guild %s", what, guild_id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            if message.guild is not None and _is_member_post(message):
                guild_id = message.guild.id
                await self._serially(
                    guild_id, f"log message {message.id}", lambda: self._log(guild_id, message)
                )
        finally:
            self.stats.handled += 1
        if self.activity.pending >= self.flush_every:
            await self.flush()

    async def _log(self, guild_id: int, message: discord.Message) -> None:
        config = await self.bot.guild_configs.get(guild_id)
        if not config.watches(watch_key(message.channel.id, _parent_id(message.channel))):
            return
        created_at = discord.utils.snowflake_time(message.id).timestamp()
        if not self.activity.count(guild_id, message.channel.id, message.id, created_at):
            return  # a replayed event: counted and logged already
        analysis = await self._analyse(config.analyzer, message.content)
        if analysis.request:
            await self.bot.store.upsert_request(
                self._record(guild_id, message, analysis, edited=False)
            )
            self.stats.logged += 1

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        try:
            guild_id = payload.guild_id
            message = payload.message
            # Updates without content (embed unfurls, pins) say nothing new about the text.
            if guild_id is not None and "content" in payload.data and _is_member_post(message):
                cached = payload.cached_message
                before = cached.content if cached is not None else None
                await self._serially(
                    guild_id,
                    f"update message {message.id}",
                    lambda: self._update(guild_id, message, before),
                )
        finally:
            self.stats.handled += 1

    async def _update(self, guild_id: int, message: discord.Message, before: str | None) -> None:
        stored = await self.bot.store.get_request(guild_id, message.id)
        previous = stored.content if stored is not None else None
        if not edit_needs_analysis(previous, before, message.content):
            return
        config = await self.bot.guild_configs.get(guild_id)
        channel = message.channel
        # A logged message is kept truthful even if its channel stopped being watched.
        if stored is None and not config.watches(watch_key(channel.id, _parent_id(channel))):
            return
        analysis = await self._analyse(config.analyzer, message.content)
        outcome = edit_outcome(logged=stored is not None, request=analysis.request)
        if outcome == "write":
            await self.bot.store.upsert_request(
                self._record(guild_id, message, analysis, edited=True)
            )
            self.stats.logged += 1
        elif outcome == "remove":
            await self.bot.store.delete_request(guild_id, message.id)
            self.stats.removed += 1

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, sorted(payload.message_ids))

    async def _remove(self, guild_id: int | None, message_ids: list[int]) -> None:
        try:
            if guild_id is not None:
                await self._serially(
                    guild_id,
                    f"remove {len(message_ids)} deleted messages",
                    lambda: self._delete(guild_id, message_ids),
                )
        finally:
            self.stats.handled += 1

    async def _delete(self, guild_id: int, message_ids: list[int]) -> None:
        self.stats.removed += await self.bot.store.delete_requests(guild_id, message_ids)
        # A moderator's correction keeps the text too; a deleted message leaves no trace.
        await self.bot.store.delete_label_corrections(guild_id, message_ids)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(Watcher(bot))
