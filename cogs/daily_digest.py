"""The daily digest: posted by a loop in each guild's digest channel at its local time.

What is due and what is posted come from `bot.digests` (`bot.digest_service.DigestService`),
which `/clamor digest`, `/clamor-mod digest` and `/clamor status` use too: the loop posts exactly
what moderators are told. This cog only posts, and records the outcome. A channel it cannot
post in is recorded as the guild's digest error, shown in `/clamor status`, and tried again at
most once an hour (or at once when a moderator sets the digest again), so a broken setting never
turns into a retry storm.

When several processes share the bot (CLAMOR_SHARD_IDS), each posts only for the guilds its
shards serve, and claims the day in the database before posting, so even two processes that
both see a guild (a rolling restart, a misconfiguration) post its digest once.
"""

from __future__ import annotations

import logging
from datetime import date

import discord

from bot.client import ClamorBot
from bot.digest.contents import Period
from bot.digest_schedule import covered_day
from bot.digest_service import RETRY_AFTER_FAILURE
from bot.store.records import DigestRun, GuildSettings
from cogs._periodic import PeriodicCog
from cogs._posting import PostError, post_to

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
# A post takes seconds; a claim this old without a posted message belongs to a process that died
# mid-post, and another may take the day over.
CLAIM_STALE_SECONDS = 300.0


class DigestPostError(PostError):
    """Why a digest could not be posted, in words for `/clamor status`."""


class DailyDigest(PeriodicCog):
    tick_seconds = TICK_SECONDS
    tick_failure = "daily digest check failed"

    def __init__(self, bot: ClamorBot) -> None:
        super().__init__(bot)
        # guild -> (channel, when to try again) after an unexpected failure, which may have
        # left no trace in the Store (a locked database, say). A refused post is recorded as the
        # digest error instead, and `bot.digests.upcoming` waits for its retry.
        self._backoff: dict[int, tuple[int, float]] = {}
        # guild -> the last (local day, zone) posted by this process, in case recording it failed.
        self._posted: dict[int, tuple[date, str]] = {}

    async def run_tick(self) -> None:
        await self.post_due_digests()

    async def post_due_digests(self) -> None:
        defaults = self.bot.settings
        for settings in await self.bot.store.all_guild_settings(
            default_time=defaults.digest_time, default_timezone=defaults.timezone
        ):
            guild = self.bot.get_guild(settings.guild_id)
            if settings.digest_channel_id is None or guild is None:
                continue  # no schedule, or a guild this process does not serve
            try:
                await self._post_if_due(guild, settings)
            except Exception:
                # One guild's trouble (a locked database, say) must not hold up the others.
                log.exception("daily digest for guild %s failed", guild.id)
                self._backoff[guild.id] = (
                    settings.digest_channel_id,
                    self.bot.clock() + RETRY_AFTER_FAILURE,
                )

    async def _post_if_due(self, guild: discord.Guild, settings: GuildSettings) -> None:
        now = self.bot.clock()
        upcoming = await self.bot.digests.upcoming(settings, now)
        day = upcoming.posting_day
        if (
            not upcoming.due(now)
            or self._posted.get(guild.id) == (day, settings.timezone)
            or self._backing_off(settings, now)
        ):
            return
        await self._post(guild, settings, day, now)

    def _backing_off(self, settings: GuildSettings, now: float) -> bool:
        failed = self._backoff.get(settings.guild_id)
        return failed is not None and failed[0] == settings.digest_channel_id and now < failed[1]

    async def _post(
        self, guild: discord.Guild, settings: GuildSettings, day: date, now: float
    ) -> None:
        assert settings.digest_channel_id is not None
        store, me = self.bot.store, self.bot.instance_name
        zone = settings.timezone
        claimed = await store.claim_digest_run(
            guild.id,
            day.isoformat(),
            timezone=zone,
            claimer=me,
            now=now,
            stale_after=CLAIM_STALE_SECONDS,
        )
        if not claimed:
            log.debug("the %s digest for guild %s is another process's", day, guild.id)
            return
        try:
            message = await self._send(guild, settings, day)
        except DigestPostError as exc:
            log.warning("digest for guild %s not posted: %s", guild.id, exc)
            await store.release_digest_claim(guild.id, day.isoformat(), timezone=zone, claimer=me)
            await store.set_digest_error(
                guild.id, str(exc), at=now, channel_id=settings.digest_channel_id
            )
            return
        self._backoff.pop(guild.id, None)
        self._posted[guild.id] = (day, zone)
        await self.bot.store.record_digest_run(
            DigestRun(
                guild_id=guild.id,
                local_day=day.isoformat(),
                channel_id=message.channel.id,
                message_id=message.id,
                posted_at=now,
                timezone=zone,
            )
        )
        await self.bot.store.set_digest_error(guild.id, None)
        log.info("posted the %s digest for guild %s", day, guild.id)

    async def _send(
        self, guild: discord.Guild, settings: GuildSettings, day: date
    ) -> discord.Message:
        channel_id = settings.digest_channel_id
        assert channel_id is not None
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise DigestPostError(f"the digest channel (id {channel_id}) no longer exists")
        post = await self.bot.digests.post(
            guild, Period.day(covered_day(day), settings.timezone), today=day
        )
        return await post_to(channel, DigestPostError, **post.send_options())


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(DailyDigest(bot))
