"""Gap filling: after a restart, read what each watched channel said while Clamor was away.

Runs on every READY (start-up, or a new session after Discord dropped the old one), not on a
RESUME: Discord replays those events itself. Also runs for the channels whose writes a full
queue had to drop, once the database is writable again, and for those whose messages the watcher
shed in a flood, once it is idle again. One channel at a time, a background task; a channel that
cannot be read is logged and skipped. On READY it also takes out the rows of channels deleted
while Clamor was away, which no later event names.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import discord
from discord.ext import commands

from bot.client import ClamorBot
from bot.store import StoreError
from bot.watch.history import DAY, GAP_FILL_MAX_DAYS, GapPlan, plan_gap_fill, snowflake_at
from bot.watch.rules import watch_key
from bot.watch.service import DeletedChannelSweep, Readable, readable_targets

log = logging.getLogger(__name__)


Target = tuple[discord.Guild, Readable]


@dataclass(slots=True)
class GapSummary:
    channels: int = 0
    seeded: int = 0
    skipped: int = 0
    limited: int = 0
    scanned: int = 0
    requests: int = 0
    removed: int = 0
    deleted_channels: int = 0

    def line(self, limit: int) -> str:
        return (
            f"gap filling: {self.channels} channels checked ({self.seeded} new), "
            f"{self.scanned} messages read, {self.requests} requests logged, "
            f"{self.removed} rows removed, {self.limited} channels stopped at {limit} messages, "
            f"{self.skipped} unreadable, {self.deleted_channels} deleted channels taken out"
        )


class GapFill(commands.Cog):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        self.runs = 0  # finished runs, for tests and status
        self.requests_logged = 0  # by all runs
        self.last: GapSummary | None = None
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._connected_at: float | None = None

    async def cog_load(self) -> None:
        self._unsubscribe = [
            self.bot.request_writer.on_recovery(self._after_recovery),
            self.bot.watch_service.on_shed(self._after_shedding),
        ]

    async def cog_unload(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        self._connected_at = time.time()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self._start(readable_targets(list(self.bot.guilds)), only_dropped=False)

    def _after_recovery(self) -> None:
        if self.bot.request_writer.dropped:
            self._start(readable_targets(list(self.bot.guilds)), only_dropped=True)

    def _after_shedding(self) -> None:
        self._start(readable_targets(list(self.bot.guilds)), only_dropped=True)

    def _start(self, targets: list[Target], *, only_dropped: bool) -> None:
        if self.bot.settings.gap_fill_messages == 0:
            return
        watch = self.bot.watch_service
        # Held from now on: live messages flushed meanwhile must not move a cursor past
        # history not read yet (the flush keeps them in memory until the channel is done).
        # Flushes wait while the run sorts out which channels need reading (a few queries).
        for guild, channel in targets:
            watch.activity.hold(guild.id, channel.id)
        watch.flushing.begin_settling()
        previous = self._task
        # When the gateway connected, not when a channel's turn comes: a cursor seeded later
        # would pass over live messages that arrived in between. Real time: message ids carry
        # it, whatever the schedules' clock says.
        started = min(time.time(), self._connected_at or time.time())
        self._task = asyncio.create_task(
            self._run(targets, previous, only_dropped, started), name="clamor: gap fill"
        )

    async def _run(
        self,
        targets: list[Target],
        previous: asyncio.Task[None] | None,
        only_dropped: bool,
        started: float,
    ) -> None:
        watch = self.bot.watch_service
        held = list(targets)
        settling = True
        summary = GapSummary()
        try:
            dropped = self.bot.request_writer.take_dropped()
            for channel_key, oldest in watch.take_shed().items():
                dropped[channel_key] = min(dropped.get(channel_key, oldest), oldest)
            plans: list[tuple[discord.Guild, Readable, GapPlan]] = []
            for guild, channel in targets:
                dropped_from = dropped.get((guild.id, channel.id))
                plan = None
                if not only_dropped or dropped_from is not None:
                    plan = await self._plan(guild, channel, dropped_from, started, summary)
                if plan is not None and plan.scans:
                    plans.append((guild, channel, plan))
                else:
                    held.remove((guild, channel))
                    watch.activity.release(guild.id, channel.id)
            watch.flushing.end_settling()
            settling = False
            if previous is not None:  # one reader at a time
                await asyncio.gather(previous, return_exceptions=True)
            for guild, channel, plan in plans:
                await self._read(guild, channel, plan, summary)
                held.remove((guild, channel))
                watch.activity.release(guild.id, channel.id)
            if not only_dropped:
                sweep = DeletedChannelSweep()
                guilds = list({guild.id: guild for guild, _ in targets}.values())
                for guild in random.sample(guilds, len(guilds)):  # the archived budget, shared
                    await watch.forget_deleted_channels(guild, self.bot.fetch_channel, sweep)
                summary.deleted_channels = sweep.taken_out
            self.runs += 1
            self.last = summary
            log.info(summary.line(self.bot.settings.gap_fill_messages))
        except Exception:
            log.exception("gap filling stopped early")
        finally:
            if settling:
                watch.flushing.end_settling()
            for guild, channel in held:
                watch.activity.release(guild.id, channel.id)

    async def _plan(
        self,
        guild: discord.Guild,
        channel: Readable,
        dropped_from: int | None,
        now: float,
        summary: GapSummary,
    ) -> GapPlan | None:
        """What to read in one channel (None: not watched or not readable); seeds new ones."""
        config = await self.bot.guild_configs.get(guild.id)
        parent = channel.parent_id if isinstance(channel, discord.Thread) else None
        if not config.watches(watch_key(channel.id, parent)):
            return None
        summary.channels += 1
        store = self.bot.store
        try:
            cursor = await store.cursor(guild.id, channel.id)
            oldest_logged = None
            if cursor is not None:
                week = snowflake_at(now - GAP_FILL_MAX_DAYS * DAY)
                logged = await store.logged_message_ids(guild.id, channel.id, week, cursor)
                oldest_logged = min(logged, default=None)
            plan = plan_gap_fill(
                cursor=cursor,
                last_message_id=channel.last_message_id,
                oldest_logged=oldest_logged,
                now=now,
                limit=self.bot.settings.gap_fill_messages,
                dropped_from=dropped_from,
            )
            if plan.seed is not None:
                summary.seeded += await store.seed_cursor(guild.id, channel.id, plan.seed)
        except StoreError as exc:
            summary.skipped += 1
            log.warning("gap filling skipped #%s in guild %s: %s", channel.name, guild.id, exc)
            return None
        return plan

    async def _read(
        self,
        guild: discord.Guild,
        channel: Readable,
        plan: GapPlan,
        summary: GapSummary,
    ) -> None:
        try:
            for spec in plan.scans:
                result = await self.bot.watch_service.scan_history(guild.id, channel, spec)
                summary.scanned += result.scanned
                summary.requests += result.requests
                self.requests_logged += result.requests
                summary.removed += result.removed
                summary.limited += not result.exhausted
        except (discord.HTTPException, StoreError) as exc:
            summary.skipped += 1
            log.warning("gap filling skipped #%s in guild %s: %s", channel.name, guild.id, exc)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(GapFill(bot))
