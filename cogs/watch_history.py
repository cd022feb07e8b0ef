"""Reading channel history (gap filling after downtime, `/clamor-mod backfill`): the same
counting and logging as live messages, a page at a time under the guild's lock, and removal of
logged rows that Discord no longer has or that stopped being requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.buckets import volume_bucket
from bot.guild_settings import GuildConfig
from bot.store import RequestRecord
from bot.watch import posted_at
from bot.watch.history import ScanSpec, rows_to_remove
from cogs._messages import is_member_message
from cogs.watch_base import WatcherBase

HISTORY_PAGE = 100  # Discord's largest page

# What history can be read from: text and news channels, threads and forum posts.
Readable = discord.TextChannel | discord.Thread


@dataclass(slots=True)
class ScanResult:
    """What one history read did: `requests` newly logged, `already_logged` requests that were
    in the log before (rewritten if edited)."""

    scanned: int = 0
    requests: int = 0
    already_logged: int = 0
    removed: int = 0
    newest: int | None = None
    exhausted: bool = True


class HistoryScanning(WatcherBase):
    async def scan_history(
        self,
        guild_id: int,
        channel: Readable,
        spec: ScanSpec,
        on_page: Callable[[ScanResult], Awaitable[None]] | None = None,
    ) -> ScanResult:
        """Read `channel`'s history as `spec` says, oldest first, a page at a time: count
        volume (the Store counts an id once, however often it is read), log requests (edited
        ones with their current text) and remove logged rows of the range that Discord no
        longer has or that stopped being requests."""
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
                # Read in full from `after` up to the newest message read.
                self.activity.mark_read(guild_id, channel.id, spec.after, message.id)
                if on_page is not None:
                    await on_page(result)
                await asyncio.sleep(self.page_pause)
        if page:
            await self._take_page(guild_id, channel.id, spec, page, result, still_requests)
        result.exhausted = spec.limit is None or read < spec.limit
        top = spec.top(newest_read=result.newest, exhausted=result.exhausted)
        if top is not None:
            self.activity.mark_read(guild_id, channel.id, spec.after, top)
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
                if is_member_message(message) and await self._take_message(
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
        self.activity.count(guild_id, channel_id, message.id, bucket=bucket, live=False)
        channel = message.channel
        if isinstance(channel, discord.Thread) and channel.id not in self.threads:
            self._see_thread(guild_id, channel)
        edited = message.edited_at is not None
        writer = self.bot.request_writer
        stored: RequestRecord | None = None
        if spec.recheck:
            stored = await writer.current(guild_id, message.id)
            if stored is None and not edited:
                return False  # analysed when it was posted: not a request
            if stored is not None and stored.content == message.content:
                result.already_logged += 1
                return True  # unchanged
        analysis = await self._analyse(guild_id, config.analyzer, message)
        self._handled.add(message.id)
        if not analysis.request:
            return False
        if not spec.recheck:
            # Looked up for requests only (a few in a hundred messages read), so that a second
            # backfill of the same days says it found nothing new.
            stored = await writer.current(guild_id, message.id)
        record = self._record(guild_id, message, analysis, edited=edited, created_at=at)
        if await writer.write(record):
            if stored is None:
                result.requests += 1
            else:
                result.already_logged += 1
        return config.logs_author(record.author_hash)
