"""Watcher: request messages from watched channels into the log, volume and cursors counted.

Threads and forum posts are watched when their parent channel is (`GuildConfig.watches` gets
the parent's id), but their rows, volume and cursor keep the thread's own channel id: a jump
link is guild/channel/message, and the message lives in the thread. Which channel each thread
belongs to is remembered (`bot.watch.ThreadMemory`, once per thread and process) and written
with the activity flush, so channel filters find the thread after Discord archives it.

Events of one guild are handled one after another (a lock per guild, `watch_base.py`); history
read by gap filling and backfill (`watch_history.py`) takes the same lock, page by page.

Every row goes through `bot.request_writer` (privacy; a queue while the database is down).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord.ext import commands, tasks

from bot.buckets import volume_bucket
from bot.client import ClamorBot
from bot.watch import edit_needs_analysis, edit_outcome, posted_at, watch_key
from bot.watch.flushing import FLUSH_SECONDS
from bot.watch.message_text import INTENT_HELP, arrived_without_text
from cogs._messages import is_member_message
from cogs.watch_base import parent_id_of
from cogs.watch_history import HistoryScanning, Readable, ScanResult

__all__ = ["Readable", "ScanResult", "Watcher"]

log = logging.getLogger(__name__)


class Watcher(HistoryScanning):
    async def cog_load(self) -> None:
        self.flusher.start()

    async def cog_unload(self) -> None:
        self.flusher.cancel()
        await self.flush()
        await self.bot.request_writer.close()

    @tasks.loop(seconds=FLUSH_SECONDS)
    async def flusher(self) -> None:
        await self.flush()

    def begin_settling(self) -> None:
        self.flushing.begin_settling()

    def end_settling(self) -> None:
        self.flushing.end_settling()

    async def flush(self) -> None:
        """Write buffered volume, ranges read and threads first seen (see ActivityFlusher)."""
        await self.flushing.flush()

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        # A READY, not a RESUME: events missed since the last session are history now.
        self.activity.new_session()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # The active threads the gateway announced, so a digest right after a restart knows
        # them before anyone posts; written with the next flush.
        for thread in guild.threads:
            self._see_thread(guild.id, thread)

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
            # `_serially` inlined: this runs for every message in every watched guild.
            if message.guild is not None and is_member_message(message):
                guild_id = message.guild.id
                self._notice_missing_text(message)
                try:
                    async with self._lock(guild_id):
                        await self._log(guild_id, message)
                except Exception:
                    self.stats.failures += 1
                    log.exception("could not log message %s in guild %s", message.id, guild_id)
        finally:
            self.stats.handled += 1
        if self.activity.pending >= self.flush_every:
            await self.flush()

    def _notice_missing_text(self, message: discord.Message) -> None:
        watch = self.bot.message_text
        if message.content and watch.missing_since is None:
            return  # nearly every message: text arrives, as it did (observing it changes nothing)
        me = self.bot.user
        if me is not None and any(user.id == me.id for user in message.mentions):
            return  # a message that mentions the bot carries its text even without the intent
        without_text = arrived_without_text(
            content=message.content,
            attachments=len(message.attachments),
            embeds=len(message.embeds),
            stickers=len(message.stickers),
            polls=0 if message.poll is None else 1,
            forwards=len(message.message_snapshots),
        )
        change = watch.observe(without_text=without_text, at=self.bot.clock())
        if change == "missing":
            log.warning(
                "Discord sends members' messages without their text: the Message Content intent "
                "is off, so none can be read as a request. Switch it on: %s",
                INTENT_HELP,
            )
        elif change == "back":
            log.warning("members' message text arrives again: the Message Content intent is on")

    async def _log(self, guild_id: int, message: discord.Message) -> None:
        config = await self.bot.guild_configs.get(guild_id)
        if not config.watches(watch_key(message.channel.id, parent_id_of(message.channel))):
            self.activity.interrupt(guild_id, message.channel.id)
            return
        if message.id in self._handled:
            return  # a replayed event: counted and logged already
        created_at = posted_at(message.id)
        # Counted at most once, even when the write below fails and the event comes back.
        bucket = volume_bucket(created_at, config.settings.timezone)
        self.activity.count(guild_id, message.channel.id, message.id, bucket=bucket)
        channel = message.channel
        # Per message an isinstance check (~50 ns); in a thread also a set lookup (~60 ns).
        if isinstance(channel, discord.Thread) and channel.id not in self.threads:
            self._see_thread(guild_id, channel)
        analysis = await self._analyse(guild_id, config.analyzer, message)
        if analysis.request and await self.bot.request_writer.write(
            self._record(guild_id, message, analysis, edited=False, created_at=created_at)
        ):
            self.stats.logged += 1
        self._handled.add(message.id)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        try:
            guild_id = payload.guild_id
            message = payload.message
            # Updates without content (embed unfurls, pins) say nothing new about the text.
            if guild_id is not None and "content" in payload.data and is_member_message(message):
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
        writer = self.bot.request_writer
        stored = await writer.current(guild_id, message.id)
        previous = stored.content if stored is not None else None
        if not edit_needs_analysis(previous, before, message.content):
            return
        config = await self.bot.guild_configs.get(guild_id)
        channel = message.channel
        # A logged message is kept truthful even if its channel stopped being watched.
        if stored is None and not config.watches(watch_key(channel.id, parent_id_of(channel))):
            return
        analysis = await self._analyse(guild_id, config.analyzer, message)
        outcome = edit_outcome(logged=stored is not None, request=analysis.request)
        if outcome == "write":
            if await writer.write(self._record(guild_id, message, analysis, edited=True)):
                self.stats.logged += 1
        elif outcome == "remove":
            await writer.remove(guild_id, [message.id], channel_id=channel.id)
            self.stats.removed += 1

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, payload.channel_id, sorted(payload.message_ids))

    async def _remove(self, guild_id: int | None, channel_id: int, message_ids: list[int]) -> None:
        try:
            if guild_id is not None:
                await self._serially(
                    guild_id,
                    f"remove {len(message_ids)} deleted messages",
                    lambda: self._delete(guild_id, channel_id, message_ids),
                )
        finally:
            self.stats.handled += 1

    async def _delete(self, guild_id: int, channel_id: int, message_ids: list[int]) -> None:
        # The writer also drops their label corrections: a deleted message leaves no trace.
        self.bot.conversations.forget(message_ids)
        self.stats.removed += await self.bot.request_writer.remove(
            guild_id, message_ids, channel_id=channel_id
        )


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(Watcher(bot))
