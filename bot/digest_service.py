"""The digest service: a guild's digest as the bot posts it, and when the next one is due.

The digest itself is pure (`bot.digest`: rows -> Digest -> embed dict; `bot.digest_schedule`:
when one is due); this adds what needs Discord's cache and the Store: which channels every member
can read (the only ones a digest may quote or name), their names, archived threads looked up, and
the digests posted so far. The bot holds one (`bot.digests`); the cogs that post or answer ask it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import discord

from bot.digest.contents import Period, Places
from bot.digest.from_store import CHART_FILE, PlaceLookup, digest_report
from bot.digest.render import to_embed
from bot.digest_schedule import NextDigest, PostedRun, covered_until, next_digest
from bot.store import Store, StoreError
from bot.store.records import GuildSettings
from bot.store.threads import ThreadSeen
from bot.watch.writer import RequestWriter

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 3600.0
# Threads archived out of the cache are looked up one request each; a digest asks about at most
# this many (the rest are counted under their own id rather than their channel).
MAX_THREAD_LOOKUPS = 10


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
    """Looks up threads the cache does not know (archived ones), for `bot.digest.from_store`;
    the threads found are remembered in the Store, so the next digest need not ask Discord
    again."""

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


class DigestService:
    """The digest of a guild as the bot posts it, and when the next one is due: the daily loop
    (`cogs/daily_digest.py`), `/clamor digest`, `/clamor status` and `/clamor-mod digest` all ask
    here, so what is posted and what moderators are told can never differ."""

    def __init__(self, store: Store, writer: RequestWriter) -> None:
        self._store = store
        self._writer = writer

    async def upcoming(self, settings: GuildSettings, now: float) -> NextDigest:
        """The guild's next daily digest (one owed now, or the next to come): what the posting
        loop posts and what moderators are told, from the schedule, the digests posted so far
        and the last failed post (retried an hour later; a moderator's new setting clears it)."""
        store = self._store
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

    async def post(
        self,
        guild: discord.Guild,
        period: Period,
        *,
        today: date,
        channel: discord.abc.GuildChannel | None = None,
    ) -> DigestPost:
        """What both the daily post and `/clamor digest` send, so they can never differ."""
        await self._writer.flush()  # with the request rows grouped a moment ago
        report = await digest_report(
            self._store,
            guild_id=guild.id,
            guild_name=guild.name if channel is None else f"{guild.name} · #{channel.name}",
            period=period,
            places=guild_places(guild),
            channel_id=None if channel is None else channel.id,
            lookup=thread_lookup(guild, self._store),
            today=today,
        )
        image = CHART_FILE if report.chart is not None else None
        embed = discord.Embed.from_dict(to_embed(report.digest, image=image))
        return DigestPost(embed=embed, chart=report.chart)
