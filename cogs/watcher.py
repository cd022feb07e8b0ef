"""Watcher: the gateway's message events (new, edited, deleted) handed to `bot.watch_service`,
which counts volume and logs request messages; and the timer that flushes what it buffers.

Events of one guild are handled one after another, in the service's turn for the guild (its
lock); gap filling and backfill read history through the same service, under the same lock. A
failing event is logged here, and the watcher goes on with the next one.

The intake is bounded: a message is counted as it arrives, and when its guild already has
`intake_limit` events waiting (a flood), it is shed: not analysed, its channel re-read by gap
filling once the flood is over. Edits and deletions always wait their turn (a deletion must
follow the message it deletes, and both are rare).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord.ext import commands, tasks

from bot.client import ClamorBot
from bot.watch.activity import ThreadMemory
from bot.watch.rules import INTENT_HELP, arrived_without_text
from bot.watch.service import FLUSH_EVERY_MESSAGES, WatchStats, is_member_message
from bot.watch.writer import FLUSH_SECONDS

log = logging.getLogger(__name__)


class Watcher(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        self.watch = bot.watch_service
        self.flush_every = FLUSH_EVERY_MESSAGES
        self._flushing_volume = False
        # Shed messages are read again by gap filling: with it off, every message waits its turn.
        self._may_shed = bot.settings.gap_fill_messages > 0

    @property
    def stats(self) -> WatchStats:
        return self.watch.stats

    @property
    def threads(self) -> ThreadMemory:
        return self.watch.threads

    async def cog_load(self) -> None:
        self.flusher.start()

    async def cog_unload(self) -> None:
        self.flusher.cancel()
        await self.flush()
        await self.bot.request_writer.close()

    @tasks.loop(seconds=FLUSH_SECONDS)
    async def flusher(self) -> None:
        await self.flush()

    async def flush(self) -> None:
        await self.watch.flush()

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        # A READY, not a RESUME: events missed since the last session are history now.
        self.watch.activity.new_session()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # The active threads the gateway announced, so a digest right after a restart knows
        # them before anyone posts; written with the next flush.
        for thread in guild.threads:
            self.watch.see_thread(guild.id, thread)

    async def _serially(
        self, guild_id: int, what: str, work: Callable[[], Awaitable[None]]
    ) -> None:
        """Run one event's work after the guild's earlier events; a failure is logged, and the
        watcher goes on with the next event."""
        try:
            async with self.watch.turn(guild_id):
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
                    if not self._may_shed:
                        async with self.watch.turn(guild_id):
                            await self.watch.take(guild_id, message)
                    elif await self.watch.arrive(guild_id, message):
                        if self.watch.intake_full(guild_id):
                            self.watch.shed(guild_id, message)
                        else:
                            async with self.watch.turn(guild_id):
                                await self.watch.take(guild_id, message)
                except Exception:
                    self.stats.failures += 1
                    log.exception("could not log message %s in guild %s", message.id, guild_id)
        finally:
            self.stats.handled += 1
        if self.watch.activity.pending >= self.flush_every and not self._flushing_volume:
            # One at a time: under a flood every event that ends during a flush would start
            # another (hundreds of small transactions a second).
            self._flushing_volume = True
            try:
                await self.flush()
            finally:
                self._flushing_volume = False

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
                "is off, so only forum posts' titles can be read as requests. Switch it on: %s",
                INTENT_HELP,
            )
        elif change == "back":
            log.warning("members' message text arrives again: the Message Content intent is on")

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
                    lambda: self.watch.update(guild_id, message, before),
                )
        finally:
            self.stats.handled += 1

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._remove(payload.guild_id, payload.channel_id, sorted(payload.message_ids))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        # Discord deletes the messages of a deleted thread or forum post without a deletion
        # event for each: their rows go with the thread.
        guild_id, thread_id = payload.guild_id, payload.thread_id
        try:
            await self._serially(
                guild_id,
                f"remove the messages of deleted thread {thread_id}",
                lambda: self.watch.delete_thread(guild_id, thread_id),
            )
        finally:
            self.stats.handled += 1

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        # As for a thread: Discord sends no deletion of each message in a deleted channel.
        guild_id, channel_id = channel.guild.id, channel.id
        try:
            await self._serially(
                guild_id,
                f"remove the messages of deleted channel {channel_id}",
                lambda: self.watch.delete_channel(guild_id, channel_id),
            )
        finally:
            self.stats.handled += 1

    async def _remove(self, guild_id: int | None, channel_id: int, message_ids: list[int]) -> None:
        try:
            if guild_id is not None:
                await self._serially(
                    guild_id,
                    f"remove {len(message_ids)} deleted messages",
                    lambda: self.watch.delete(guild_id, channel_id, message_ids),
                )
        finally:
            self.stats.handled += 1


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(Watcher(bot))
