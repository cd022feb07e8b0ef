"""Daily privacy upkeep: the retention purge, and erasing guilds Clamor has left.

An hourly tick scrubs the copies of deleted text (`Database.finish_scrub`: deletions owe
it, and an erasure another connection's reader held back; at start-up, whatever a crashed
process owed), and runs the purge at start-up and then once per UTC day
(`bot.privacy.purge_due`): `erase_expired` blanks text, cues and author hashes past each
guild's retention, and `erase_departed` deletes everything of guilds Clamor left more than
CLAMOR_LEAVE_GRACE_DAYS ago.

Leaving is noticed three ways, because Discord only says so while the bot is connected: the
GUILD_DELETE event (`on_guild_remove`), a guild with settings missing when the bot becomes ready
(it was removed while the bot was down), and the reverse before every purge: a departed guild
the bot can see again (re-added, maybe while it was down) is marked present and kept.

Several processes (CLAMOR_SHARD_IDS): each notices departures only for guilds of its own shards
(another shard's guild is missing from this process's cache, not gone), and each marks present
the departed guilds it serves again; the erasing itself (retention and departed guilds, both
for the whole database) runs in the process that runs shard 0, so once per day overall.
"""

from __future__ import annotations

import logging
from datetime import date

import discord
from discord.ext import commands

from bot.client import ClamorBot
from bot.privacy import describe_purge, grace_seconds, purge_due, utc_day
from cogs._periodic import PeriodicCog

log = logging.getLogger(__name__)

TICK_SECONDS = 3600.0


class PrivacyUpkeep(PeriodicCog):
    tick_seconds = TICK_SECONDS
    tick_failure = "privacy purge failed"

    def __init__(self, bot: ClamorBot) -> None:
        super().__init__(bot)
        self.last_purge_day: date | None = None
        self._first_scrub_done = False  # tried, held back or not

    async def run_tick(self) -> None:
        await self.purge_if_due()  # first: a failing scrub must not hold up the day's purge
        await self._finish_scrub()

    async def _finish_scrub(self) -> None:
        # An erasure whose scrub another connection's reader held back (a CLI digest, another
        # shard's process), or deletions since the last tick, left copies in the database's
        # files (SQLite's write-ahead log, PostgreSQL's dead rows): finish it within the hour.
        # At start-up, scrub whether owed or not: a process that crashed took what it owed
        # with it.
        store = self.bot.store
        done = await (store.finish_scrub() if self._first_scrub_done else store.scrub_now())
        self._first_scrub_done = True
        if not done:
            log.warning(
                "erased text may still be in the database's files (another connection's"
                " reader or open transaction held the scrub back); trying again in an hour"
            )

    async def purge_if_due(self) -> None:
        now = self.bot.clock()
        if not purge_due(self.last_purge_day, now):
            return
        await self.purge(now)
        self.last_purge_day = utc_day(now)

    async def purge(self, now: float) -> None:
        await self._keep_guilds_still_served()
        if not self.bot.runs_global_jobs:
            return  # the process running shard 0 erases, for every shard
        expired = await self.bot.guild_configs.erase_expired(now)
        grace = grace_seconds(self.bot.settings.leave_grace_days)
        departed = await self.bot.guild_configs.erase_departed(now, grace)
        log.info(describe_purge(expired, departed))

    async def _keep_guilds_still_served(self) -> None:
        for guild_id in await self.bot.store.departed_guilds():
            if self.bot.get_guild(guild_id) is not None:
                await self.bot.store.mark_guild_present(guild_id)
                log.info("guild %s is served again: its data is kept", guild_id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self._mark_left(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.store.remember_guilds([guild.id])
        if await self.bot.store.mark_guild_present(guild.id):
            log.info("added back to guild %s before its data was erased: it is kept", guild.id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Removed while the bot was down: no GUILD_DELETE came, the guild is simply missing.
        # Only guilds with a settings row count: the bot writes one for every guild it serves
        # (below), while log rows may come from `clamor analyze --db` imports of servers the
        # bot never joined. (Guilds
        # Discord reports unavailable stay in the cache, so an outage is not a departure; and
        # the purge re-checks presence before it erases anything.)
        defaults = self.bot.settings
        configured = await self.bot.store.all_guild_settings(
            default_time=defaults.digest_time, default_timezone=defaults.timezone
        )
        for settings in configured:
            # A guild of another process's shards is never in this cache: not a departure.
            mine = self.bot.serves_guild(settings.guild_id)
            if mine and self.bot.get_guild(settings.guild_id) is None:
                await self._mark_left(settings.guild_id)
        await self.bot.store.remember_guilds(guild.id for guild in self.bot.guilds)

    async def _mark_left(self, guild_id: int) -> None:
        if self.bot.settings.leave_grace_days == 0:
            # The operator chose no grace: erase now, not at the next daily purge.
            await self.bot.guild_configs.forget_guild(guild_id)
            log.info("left guild %s: erased every row of it (no grace period)", guild_id)
            return
        # Marking again keeps the first time: the grace period runs from the first notice.
        await self.bot.store.mark_guild_left(guild_id, self.bot.clock())
        days = self.bot.settings.leave_grace_days
        log.info("left guild %s: its data is erased after %d days unless re-added", guild_id, days)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(PrivacyUpkeep(bot))
