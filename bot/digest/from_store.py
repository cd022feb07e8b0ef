"""Store -> Digest (and its chart): the queries a digest needs, then the pure build.

One streamed read of the request log covers the period, the period before it and the 7 days
before it (`bot.digest.window`), folded into counts as it goes (`bot.digest.tally`), so a
digest's memory does not grow with its rows; a second streamed read of the period picks the
most typical message, once the mean it is typical of is known. One read of the hourly volume
covers the same days (for one channel: of it and its threads, those in Discord's cache and
those the watcher remembered in the Store, so archived forum posts count too); the 14-day chart
adds the two aggregate queries of `bot.trends`. Rows come with moderators' label corrections
applied: a message relabelled `not-a-request` is left out, a relabelled category replaces the
logged one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.digest.build import answered_ids, digest_of, examples_of
from bot.digest.contents import Digest, Period, Places
from bot.digest.tally import DigestTally, TypicalPick, quotable
from bot.digest.window import baseline_period, seen_in, window_of
from bot.store import Store
from bot.store.records import RequestRecord
from bot.store.threads import ThreadParent

log = logging.getLogger(__name__)

CHART_DAYS = 14
CHART_FILE = "trend.png"

# Asked for places the caller's view does not know (threads archived out of Discord's cache).
PlaceLookup = Callable[[set[int]], Awaitable[Places]]


@dataclass(frozen=True, slots=True)
class DigestReport:
    digest: Digest
    chart: bytes | None  # PNG of the last `CHART_DAYS` days; None when it could not be drawn


@dataclass(frozen=True, slots=True)
class _Gathered:
    hours: list[tuple[int, int]]
    places: Places
    channel_ids: set[int] | None  # the filter as ids (a channel and its threads), or None

    def holds(self, row: RequestRecord) -> bool:
        return self.channel_ids is None or row.channel_id in self.channel_ids


async def _gather(
    store: Store,
    guild_id: int,
    period: Period,
    places: Places,
    channel_id: int | None,
    lookup: PlaceLookup | None,
) -> _Gathered:
    window = window_of(period)
    # Guild-wide even for one channel: rows carry a thread's id, and which threads belong to
    # the channel is only known once the unknown ones have been looked up.
    channels = await store.corrected_request_channels_between(guild_id, window.start, window.end)
    unknown = {channel for channel in channels if not places.knows(channel)}
    if unknown:
        # Threads the watcher remembered cost no Discord call; only the rest are looked up.
        stored = await store.thread_parents(guild_id, unknown)
        places = places.merged(stored_places(stored, places))
        unknown -= stored.keys()
    if lookup is not None and unknown:
        places = places.merged(await lookup(unknown))
    if channel_id is None:
        hours = await store.volume_hours(guild_id, window.start, window.end)
        return _Gathered(hours, places, None)
    members = places.members_of(channel_id)
    # Archived threads too, unless the guild's view puts one under another channel now.
    for thread_id in await store.threads_under(guild_id, channel_id):
        if places.channel_of(thread_id) in (thread_id, channel_id):
            members.add(thread_id)
    hours = await store.volume_hours(guild_id, window.start, window.end, channel_ids=members)
    return _Gathered(hours, places, members)


def stored_places(stored: Mapping[int, ThreadParent], known: Places) -> Places:
    """Threads known only from the Store, placed under their parents. One may be named ("a
    thread in #parent") and quoted only when it is not private and its parent is public in
    `known`, the same rule as for threads Discord's cache knows."""
    names: dict[int, str] = {}
    public: set[int] = set()
    for thread_id, where in stored.items():
        parent_public = known.public is None or where.parent_id in known.public
        if where.private or not parent_public:
            names[thread_id] = "a private channel"
            continue
        names[thread_id] = f"a thread in {known.name_of(where.parent_id)}"
        public.add(thread_id)
    parents = {thread_id: where.parent_id for thread_id, where in stored.items()}
    return Places(names=names, parents=parents, public=public)


def _places(
    places: Places | None,
    channel_names: Mapping[int, str] | None,
    quotable_channels: Collection[int] | None,
) -> Places:
    return places or Places(names=channel_names or {}, public=quotable_channels)


async def digest_from_store(
    store: Store,
    *,
    guild_id: int,
    guild_name: str,
    period: Period,
    channel_names: Mapping[int, str] | None = None,
    channel_id: int | None = None,
    quotable_channels: Collection[int] | None = None,
    places: Places | None = None,
    lookup: PlaceLookup | None = None,
    today: date | None = None,
) -> Digest:
    """The digest of `period`, optionally of one channel with its threads (`channel_id`)."""
    where = _places(places, channel_names, quotable_channels)
    gathered = await _gather(store, guild_id, period, where, channel_id, lookup)
    return await _digest(store, gathered, guild_id, guild_name, period, today)


async def _digest(
    store: Store,
    gathered: _Gathered,
    guild_id: int,
    guild_name: str,
    period: Period,
    today: date | None,
) -> Digest:
    window, before, baseline = window_of(period), period.previous(), baseline_period(period)
    tally = DigestTally(period, gathered.places, previous=before, baseline=baseline)
    async for row in store.stream_corrected_requests_between(guild_id, window.start, window.end):
        if gathered.holds(row):
            tally.add(row)
    examples = tally.examples

    def may_quote(row: RequestRecord) -> bool:
        return gathered.holds(row) and quotable(row, examples.public)

    typical = None
    pool = examples.typical_pool(tally.current.totals(0).dominant_category())
    if pool is not None:
        pick = TypicalPick(pool)
        async for row in store.stream_corrected_requests_between(
            guild_id, period.start, period.end
        ):
            if may_quote(row):
                pick.offer(row)
        typical = pick.best
    picks = examples.picks(typical)
    answered = await store.corrected_requests_with_ids(
        guild_id, period.start, period.end, answered_ids(picks)
    )
    hours = gathered.hours
    return digest_of(
        tally,
        guild_id=guild_id,
        guild_name=guild_name,
        volume_hours=[(h, c) for h, c in hours if period.start <= h < period.end],
        previous_seen=seen_in(hours, before.start, before.end),
        examples=examples_of(
            guild_id, picks, {row.message_id: row for row in answered if may_quote(row)}
        ),
        baseline_seen=seen_in(hours, baseline.start, baseline.end),
        baseline_days=baseline.days,
        today=today,
    )


def chart_period(period: Period) -> Period:
    """The days the digest's chart shows: the last `CHART_DAYS` up to the period's end, or the
    whole period when it is longer."""
    first = min(period.first, period.last - timedelta(days=CHART_DAYS - 1))
    return Period(first, period.last, period.timezone)


async def digest_chart(
    store: Store,
    *,
    guild_id: int,
    period: Period,
    channel_ids: Collection[int] | None = None,
    title: str = "",
) -> bytes:
    """The compact trend chart (PNG) of `chart_period(period)`, drawn off the event loop."""
    # Imported here: the charts pull in matplotlib, which the bot's start-up must not pay for.
    from bot.charts.render import render_trend
    from bot.trends import trend_from_store

    series = await trend_from_store(
        store,
        guild_id=guild_id,
        period=chart_period(period),
        channel_ids=channel_ids,
        title=title,
    )
    return await asyncio.to_thread(render_trend, series, compact=True)


async def digest_report(
    store: Store,
    *,
    guild_id: int,
    guild_name: str,
    period: Period,
    places: Places | None = None,
    channel_id: int | None = None,
    lookup: PlaceLookup | None = None,
    today: date | None = None,
) -> DigestReport:
    """The digest and its chart, as the daily post and `/clamor digest` show them.

    A chart that fails to draw is logged and left out: the digest itself still goes out.
    """
    gathered = await _gather(store, guild_id, period, places or Places(), channel_id, lookup)
    digest = await _digest(store, gathered, guild_id, guild_name, period, today)
    try:
        chart: bytes | None = await digest_chart(
            store,
            guild_id=guild_id,
            period=period,
            channel_ids=gathered.channel_ids,
            title=guild_name,
        )
    except Exception:
        log.exception("the digest chart for guild %s could not be drawn", guild_id)
        chart = None
    return DigestReport(digest=digest, chart=chart)
