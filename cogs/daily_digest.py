"""The daily digest: posted by a loop in each guild's digest channel at its local time.

What is due comes from `bot.digest_schedule.next_digest` (pure), through `upcoming_digest`,
which `/clamor-mod digest` and `/clamor status` use too: the loop posts exactly what moderators
are told. This cog only reads the Store, posts, and records the outcome. A channel it cannot
post in is recorded as the guild's digest error, shown in `/clamor status`, and tried again at
most once an hour (or at once when a moderator sets the digest again), so a broken setting never
turns into a retry storm.

When several processes share the bot (CLAMOR_SHARD_IDS), each posts only for the guilds its
shards serve, and claims the day in the database before posting, so even two processes that
both see a guild (a rolling restart, a misconfiguration) post its digest once.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import discord

from bot.client import ClamorBot
from bot.digest.from_store import CHART_FILE, PlaceLookup, digest_report
from bot.digest.model import Period, Places
from bot.digest.render import to_embed
from bot.digest_schedule import NextDigest, PostedRun, covered_day, covered_until, next_digest
from bot.store import Store, StoreError
from bot.store.records import DigestRun, GuildSettings
from bot.store.threads import ThreadSeen
from cogs.periodic import PeriodicCog
from cogs.posting import PostError, post_to

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
RETRY_AFTER_FAILURE = 3600.0
# A post takes seconds; a claim this old without a posted message belongs to a process that died
# mid-post, and another may take the day over.
CLAIM_STALE_SECONDS = 300.0
# Threads archived out of the cache are looked up one request each; a digest asks about at most
# this many (the rest are counted under their own id rather than their channel).
MAX_THREAD_LOOKUPS = 10


class DigestPostError(PostError):
    """Why a digest could not be posted, in words for `/clamor status`."""


def _readable_by_everyone(place: discord.abc.GuildChannel | discord.Thread) -> bool:
    # discord.py resolves a thread's permissions from its parent alone, but a private thread
    # is only for its members whatever the parent allows.
    if isinstance(place, discord.Thread) and (place.is_private() or place.parent is None):
        return False
    return place.permissions_for(place.guild.default_role).read_messages


def public_channels(guild: discord.Guild) -> set[int]:
    """Channels and threads every member can read: the only ones a digest may quote or name."""
    places: list[discord.abc.GuildChannel | discord.Thread] = [*guild.channels, *guild.threads]
    return {place.id for place in places if _readable_by_everyone(place)}


def channel_names(guild: discord.Guild, public: set[int] | None = None) -> dict[int, str]:
    """Every place's name, or "a private channel" for those not in `public`."""
    if public is None:
        public = public_channels(guild)
    places: list[discord.abc.GuildChannel | discord.Thread] = [*guild.channels, *guild.threads]
    return {
        place.id: f"#{place.name}" if place.id in public else "a private channel"
        for place in places
    }


def guild_places(guild: discord.Guild) -> Places:
    """Names, thread parents and public places of the guild, as the cache knows them."""
    public = public_channels(guild)
    return Places(
        names=channel_names(guild, public),
        parents={thread.id: thread.parent_id for thread in guild.threads},
        public=public,
    )


def thread_lookup(guild: discord.Guild, store: Store) -> PlaceLookup:
    """Looks up threads the cache does not know (archived ones), for `bot.digest.from_store`; the
    threads found are remembered in the Store, so the next digest need not ask Discord again."""

    async def lookup(place_ids: set[int]) -> Places:
        public = public_channels(guild)
        names: dict[int, str] = {}
        parents: dict[int, int] = {}
        found: set[int] = set()
        seen: list[ThreadSeen] = []
        for place_id in sorted(place_ids)[:MAX_THREAD_LOOKUPS]:
            try:
                place = await guild.fetch_channel(place_id)
            except discord.HTTPException:
                continue  # deleted, or out of the bot's sight: counted under its own id
            if not isinstance(place, discord.Thread) or place.guild.id != guild.id:
                continue
            parents[place.id] = place.parent_id
            seen.append((guild.id, place.id, place.parent_id, place.is_private()))
            visible = not place.is_private() and place.parent_id in public
            names[place.id] = f"#{place.name}" if visible else "a private channel"
            if visible:
                found.add(place.id)
        try:
            await store.remember_threads(seen)
        except StoreError:
            log.warning("could not remember %d looked-up threads", len(seen), exc_info=True)
        return Places(names=names, parents=parents, public=found)

    return lookup


async def upcoming_digest(bot: ClamorBot, settings: GuildSettings, now: float) -> NextDigest:
    """The guild's next daily digest (one owed now, or the next to come): what the posting loop
    posts and what moderators are told, from the schedule, the digests posted so far and the
    last failed post (retried an hour later; a moderator's new setting clears it)."""
    store = bot.store
    armed_at = settings.digest_armed_at
    if armed_at is None:
        armed_at = await store.arm_digest_schedule(settings.guild_id, at=now)
    posted = await store.latest_posted_digests(settings.guild_id)
    runs = [PostedRun(date.fromisoformat(run.local_day), run.timezone) for run in posted]
    failed = await store.digest_error(settings.guild_id)
    return next_digest(
        digest_time=settings.digest_time,
        timezone=settings.timezone,
        now=now,
        covered=covered_until(runs, settings.timezone),
        armed_at=armed_at,
        not_before=None if failed is None else failed[1] + RETRY_AFTER_FAILURE,
    )


@dataclass(frozen=True, slots=True)
class DigestPost:
    """The digest message: one embed and, when it could be drawn, the chart it shows."""

    embed: discord.Embed
    chart: bytes | None

    def send_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"embed": self.embed}
        if self.chart is not None:
            options["file"] = discord.File(io.BytesIO(self.chart), filename=CHART_FILE)
        return options


async def digest_post(
    bot: ClamorBot,
    guild: discord.Guild,
    period: Period,
    *,
    today: date,
    channel: discord.abc.GuildChannel | None = None,
) -> DigestPost:
    """What both the daily post and `/clamor digest` send, so they can never differ."""
    report = await digest_report(
        bot.store,
        guild_id=guild.id,
        guild_name=guild.name if channel is None else f"{guild.name} · #{channel.name}",
        period=period,
        places=guild_places(guild),
        channel_id=None if channel is None else channel.id,
        lookup=thread_lookup(guild, bot.store),
        today=today,
    )
    image = CHART_FILE if report.chart is not None else None
    embed = discord.Embed.from_dict(to_embed(report.digest, image=image))
    return DigestPost(embed=embed, chart=report.chart)


class DailyDigest(PeriodicCog):
    tick_seconds = TICK_SECONDS
    tick_failure = "daily digest check failed"

    def __init__(self, bot: ClamorBot) -> None:
        super().__init__(bot)
        # guild -> (channel, when to try again) after an unexpected failure, which may have
        # left no trace in the Store (a locked database, say). A refused post is recorded as the
        # digest error instead, and `upcoming_digest` waits for its retry.
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
        upcoming = await upcoming_digest(self.bot, settings, now)
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
        post = await digest_post(
            self.bot, guild, Period.day(covered_day(day), settings.timezone), today=day
        )
        return await post_to(channel, DigestPostError, **post.send_options())


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(DailyDigest(bot))
