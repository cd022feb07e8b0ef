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
import contextlib
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
from bot.watch.service import Readable, readable_targets

log = logging.getLogger(__name__)

# Channels with rows that the cache does not know are asked about one request each; a run asks
# about at most this many per guild (others at the next start).
MAX_DELETED_LOOKUPS = 25
UNKNOWN_CHANNEL = 10003  # Discord's JSON error code

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
                for guild in {guild for guild, _ in targets}:
                    await self._forget_deleted_channels(guild, summary)
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

    async def _forget_deleted_channels(self, guild: discord.Guild, summary: GapSummary) -> None:
        """Take out the rows of the channels and threads deleted while Clamor was away (or
        whose removal a stop lost): Discord announces a deletion once, to whoever is
        connected. A channel the cache lacks may only be a thread Discord archived, so only
        Discord's "Unknown Channel" counts, asked about those not remembered under a channel
        that is still there: at most MAX_DELETED_LOOKUPS a run, in a new order each run, and
        a thread Discord still has is remembered under its channel, not asked about again."""
        watch, store = self.bot.watch_service, self.bot.store
        try:
            unknown = [c for c in await store.logged_channels(guild.id) if not _known(guild, c)]
            parents = await store.thread_parents(guild.id, unknown) if unknown else {}
        except StoreError as exc:
            log.warning("deleted channels of guild %s not looked for: %s", guild.id, exc)
            return
        suspects = [
            channel_id
            for channel_id in unknown
            if channel_id not in parents or not _known(guild, parents[channel_id].parent_id)
        ]
        for channel_id in random.sample(suspects, min(len(suspects), MAX_DELETED_LOOKUPS)):
            try:
                found = await self.bot.fetch_channel(channel_id)
            except discord.NotFound as exc:
                if exc.code != UNKNOWN_CHANNEL:
                    continue  # a 404 of something else (a proxy?): asked again next time
            except (discord.HTTPException, discord.InvalidData):
                continue  # there but hidden, of a type discord.py lacks, or no answer
            else:
                if isinstance(found, discord.Thread) and found.parent_id is not None:
                    seen = (guild.id, found.id, found.parent_id, found.is_private())
                    with contextlib.suppress(StoreError):
                        await store.remember_threads([seen])
                continue
            async with watch.lock(guild.id):
                await watch.delete_channel(guild.id, channel_id)
            summary.deleted_channels += 1

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


def _known(guild: discord.Guild, channel_id: int) -> bool:
    return guild.get_channel_or_thread(channel_id) is not None
