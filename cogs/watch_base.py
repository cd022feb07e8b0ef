"""What the watcher's parts share: its state (volume buffer, thread memory, counters, the ids
already handled, one lock per guild) and turning a message into a row.

Events of one guild are handled one after another (`_lock`): a long message analysed in a
worker thread must not let its own deletion or edit, arriving meanwhile, be applied first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import discord
from discord.ext import commands

from bot.analysis import Analysis, Analyzer
from bot.client import ClamorBot
from bot.ingest import request_record
from bot.store import RequestRecord
from bot.watch import (
    ActivityBuffer,
    RecentIds,
    ThreadMemory,
    analyse_off_loop,
    posted_at,
)
from bot.watch.flushing import ActivityFlusher
from cogs._messages import conversation_context

# Under load a flush (one transaction) every this many messages, besides the 2 s timer. A
# crash loses no volume by it: cursors are written with the volume, so gap filling re-reads
# and counts what the last flush did not write.
FLUSH_EVERY_MESSAGES = 1000
PAGE_PAUSE = 0.1  # seconds between history pages: discord.py honours 429s, we also stay polite


@dataclass(slots=True)
class WatchStats:
    """Counters since start: events handled, rows written and removed, handler failures."""

    handled: int = 0
    logged: int = 0
    removed: int = 0
    failures: int = 0


def parent_id_of(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


class WatcherBase(commands.Cog):
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
        self.flushing = ActivityFlusher(bot.store, self.activity, self.threads)
        self._guild_locks: dict[int, asyncio.Lock] = {}

    def _see_thread(self, guild_id: int, thread: discord.Thread) -> None:
        # Written once per thread and process (ThreadMemory drops repeats).
        self.threads.see(guild_id, thread.id, thread.parent_id, thread.is_private())

    def _lock(self, guild_id: int) -> asyncio.Lock:
        lock = self._guild_locks.get(guild_id)
        if lock is None:
            lock = self._guild_locks[guild_id] = asyncio.Lock()
        return lock

    async def _analyse(
        self, guild_id: int, analyzer: Analyzer, message: discord.Message
    ) -> Analysis:
        """The hot-path analysis of a member's message, read with what it answers; the verdict
        is remembered for the replies that will answer it."""
        context = await conversation_context(self.bot, guild_id, message, analyzer)
        text = message.content
        if analyse_off_loop(text):
            analysis = await asyncio.to_thread(
                analyzer.analyze, text, score_all=False, context=context
            )
        else:
            analysis = analyzer.analyze(text, score_all=False, context=context)
        self.bot.conversations.note(message.id, analysis.request)
        return analysis

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
