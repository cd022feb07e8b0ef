"""Watcher: request messages from watched channels into the log, volume and cursors counted.

Threads and forum posts are watched when their parent channel is (`GuildConfig.watches` gets
the parent's id), but their rows, volume and cursor keep the thread's own channel id: a jump
link is guild/channel/message, and the message lives in the thread. Which channel each thread
belongs to is remembered (`bot.watch.ThreadMemory`, once per thread and process) and written
with the activity flush, so channel filters find the thread after Discord archives it.

Events of one guild are handled one after another (a lock per guild): a long message analysed
in a worker thread must not let its own deletion or edit, arriving meanwhile, be applied first.
History read by gap filling and backfill (`scan_history`) takes the same lock, page by page.

Every row goes through `bot.request_writer` (privacy; a queue while the database is down).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord
from discord.ext import commands, tasks

from bot.analysis import Analysis, Analyzer
from bot.buckets import volume_bucket
from bot.client import ClamorBot
from bot.guilds import GuildConfig
from bot.ingest import request_record
from bot.store import RequestRecord
from bot.store.errors import StoreUnavailableError
from bot.store.threads import ThreadSeen
from bot.watch import (
    ActivityBuffer,
    ActivitySnapshot,
    RecentIds,
    ThreadMemory,
    analyse_off_loop,
    edit_needs_analysis,
    edit_outcome,
    is_member_post,
    posted_at,
    watch_key,
)
from bot.watch.history import ScanSpec, rows_to_remove

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
FLUSH_EVERY_MESSAGES = 200
SETTLE_WAIT_SECONDS = 5.0
HISTORY_PAGE = 100  # Discord's largest page
PAGE_PAUSE = 0.1  # seconds between history pages: discord.py honours 429s, we also stay polite

# What history can be read from: text and news channels, threads and forum posts.
Readable = discord.TextChannel | discord.Thread


@dataclass(slots=True)
class WatchStats:
    """Counters since start: events handled, rows written and removed, handler failures."""

    handled: int = 0
    logged: int = 0
    removed: int = 0
    failures: int = 0


@dataclass(slots=True)
class ScanResult:
    """What one history read did; `volumes` holds the backfill's (guild, channel, bucket, 1)."""

    scanned: int = 0
    requests: int = 0
    removed: int = 0
    newest: int | None = None
    exhausted: bool = True
    volumes: list[tuple[int, int, int, int]] = field(default_factory=list)


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
        # Which channel each thread belongs to, for channel filters once it is archived.
        self.threads = ThreadMemory()
        self.stats = WatchStats()
        self.flush_every = FLUSH_EVERY_MESSAGES
        self.page_pause = PAGE_PAUSE
        # Ids whose event was handled to the end: a replay of one is skipped, but a message
        # whose write failed is tried again when its event comes back.
        self._handled = RecentIds()
        self._flush_lock = asyncio.Lock()
        self._flush_failing = False
        # Gap filling holds channels, then releases those with nothing to read: a flush
        # waits for that (a few queries) rather than keep volume back from a fresh channel.
        self._settling = 0
        self._settled = asyncio.Event()
        self._settled.set()
        self._guild_locks: dict[int, asyncio.Lock] = {}

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
        self._settling += 1
        self._settled.clear()

    def end_settling(self) -> None:
        self._settling -= 1
        if self._settling <= 0:
            self._settling = 0
            self._settled.set()

    async def flush(self) -> None:
        """Write threads first seen, then buffered volume and cursors in one transaction; on
        failure keep what was not written for later."""
        try:
            async with asyncio.timeout(SETTLE_WAIT_SECONDS):
                await self._settled.wait()
        except TimeoutError:
            pass  # held channels stay held; the others are written now
        async with self._flush_lock:
            snapshot = self.activity.drain()
            threads = self.threads.drain()
            if snapshot.empty and not threads:
                return
            store = self.bot.store
            try:
                # Threads first: writing one twice is harmless, counting volume twice is not,
                # so whatever fails below, the volume is the last write and rolls back alone.
                await store.remember_threads(threads)
                threads = []
                if not snapshot.empty:
                    await store.record_activity(snapshot.volumes, snapshot.cursors, snapshot.floors)
            except StoreUnavailableError as exc:
                self._keep(snapshot, threads)
                if not self._flush_failing:  # once per outage, not every 2 s
                    log.error(
                        "cannot save the volume of %d messages (%s): kept in memory, retried "
                        "every %.0f s",
                        snapshot.messages,
                        exc,
                        FLUSH_SECONDS,
                    )
                self._flush_failing = True
                return
            except Exception:
                self._keep(snapshot, threads)
                log.exception("could not save the volume of %d messages", snapshot.messages)
                return
            except BaseException:  # cancelled mid-write: rolled back, so keep it for the next one
                self._keep(snapshot, threads)
                raise
            if self._flush_failing:
                self._flush_failing = False
                log.warning("saved the message volume kept in memory during the outage")

    def _keep(self, snapshot: ActivitySnapshot, threads: list[ThreadSeen]) -> None:
        self.activity.restore(snapshot)
        self.threads.restore(threads)

    def _see_thread(self, guild_id: int, thread: discord.Thread) -> None:
        # Written once per thread and process (ThreadMemory drops repeats).
        self.threads.see(guild_id, thread.id, thread.parent_id, thread.is_private())

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # The active threads the gateway announced, so a digest right after a restart knows
        # them before anyone posts; written with the next flush.
        for thread in guild.threads:
            self._see_thread(guild.id, thread)

    def _lock(self, guild_id: int) -> asyncio.Lock:
        lock = self._guild_locks.get(guild_id)
        if lock is None:
            lock = self._guild_locks[guild_id] = asyncio.Lock()
        return lock

    async def _analyse(self, analyzer: Analyzer, text: str) -> Analysis:
        if analyse_off_loop(text):
            return await asyncio.to_thread(analyzer.analyze, text, score_all=False)
        return analyzer.analyze(text, score_all=False)

    def _record(
        self,
        guild_id: int,
        message: discord.Message,
        analysis: Analysis,
        *,
        edited: bool,
        created_at: float | None = None,
    ) -> RequestRecord:
        """The row for a message, as analysed; the writer applies the guild's privacy."""
        return request_record(
            message_id=message.id,
            guild_id=guild_id,
            channel_id=message.channel.id,
            author_key=self.bot.author_key,
            author_id=message.author.id,
            created_at=posted_at(message.id) if created_at is None else created_at,
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
            # `_serially` inlined: this runs for every message in every watched guild.
            if message.guild is not None and _is_member_post(message):
                guild_id = message.guild.id
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

    async def _log(self, guild_id: int, message: discord.Message) -> None:
        config = await self.bot.guild_configs.get(guild_id)
        if not config.watches(watch_key(message.channel.id, _parent_id(message.channel))):
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
        analysis = await self._analyse(config.analyzer, message.content)
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
        writer = self.bot.request_writer
        stored = await writer.current(guild_id, message.id)
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
        self.stats.removed += await self.bot.request_writer.remove(
            guild_id, message_ids, channel_id=channel_id
        )

    # -- history (gap filling, backfill) -------------------------------------------------------

    async def scan_history(
        self,
        guild_id: int,
        channel: Readable,
        spec: ScanSpec,
        on_page: Callable[[ScanResult], Awaitable[None]] | None = None,
    ) -> ScanResult:
        """Read `channel`'s history as `spec` says, oldest first, a page at a time: count
        volume, log requests (edited ones with their current text) and remove logged rows of
        the range that Discord no longer has or that stopped being requests."""
        result = ScanResult()
        still_requests: set[int] = set()
        page: list[discord.Message] = []
        read = 0
        history = channel.history(
            limit=spec.limit,
            after=discord.Object(spec.after),
            before=None if spec.before is None else discord.Object(spec.before),
            oldest_first=True,
        )
        async for message in history:
            read += 1
            page.append(message)
            if len(page) == HISTORY_PAGE:
                await self._take_page(guild_id, channel.id, spec, page, result, still_requests)
                page = []
                if on_page is not None:
                    await on_page(result)
                await asyncio.sleep(self.page_pause)
        if page:
            await self._take_page(guild_id, channel.id, spec, page, result, still_requests)
        result.exhausted = spec.limit is None or read < spec.limit
        top = spec.top(newest_read=result.newest, exhausted=result.exhausted)
        if top is not None and top > spec.after:
            async with self._lock(guild_id):
                writer = self.bot.request_writer
                logged = await writer.logged_ids(guild_id, channel.id, spec.after, top)
                gone = rows_to_remove(logged, still_requests)
                if gone:
                    await writer.remove(guild_id, gone, channel_id=channel.id)
                    result.removed += len(gone)
        return result

    async def _take_page(
        self,
        guild_id: int,
        channel_id: int,
        spec: ScanSpec,
        page: list[discord.Message],
        result: ScanResult,
        still_requests: set[int],
    ) -> None:
        config = await self.bot.guild_configs.get(guild_id)
        async with self._lock(guild_id):
            for message in page:
                result.scanned += 1
                result.newest = max(result.newest or 0, message.id)
                if _is_member_post(message) and await self._take_message(
                    guild_id, channel_id, config, spec, message, result
                ):
                    still_requests.add(message.id)

    async def _take_message(
        self,
        guild_id: int,
        channel_id: int,
        config: GuildConfig,
        spec: ScanSpec,
        message: discord.Message,
        result: ScanResult,
    ) -> bool:
        """Count and log one message read from history; whether it is a request to keep."""
        at = posted_at(message.id)
        bucket = volume_bucket(at, config.settings.timezone)
        if message.id > spec.count_above:
            self.activity.count(guild_id, channel_id, message.id, bucket=bucket)
        channel = message.channel
        if isinstance(channel, discord.Thread) and channel.id not in self.threads:
            self._see_thread(guild_id, channel)
        if spec.count_up_to is not None and message.id <= spec.count_up_to:
            result.volumes.append((guild_id, channel_id, bucket, 1))
        edited = message.edited_at is not None
        writer = self.bot.request_writer
        if spec.recheck:
            stored = await writer.current(guild_id, message.id)
            if stored is None and not edited:
                return False  # analysed when it was posted: not a request
            if stored is not None and stored.content == message.content:
                return True  # unchanged
        analysis = await self._analyse(config.analyzer, message.content)
        self._handled.add(message.id)
        if not analysis.request:
            return False
        record = self._record(guild_id, message, analysis, edited=edited, created_at=at)
        if await writer.write(record):
            result.requests += 1
        return config.logs_author(record.author_hash)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(Watcher(bot))
