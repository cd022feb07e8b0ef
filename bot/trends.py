"""Store -> TrendSeries: two aggregate queries (requests and volume per local day), then the
pure build."""

from __future__ import annotations

from collections.abc import Collection

from bot.charts.series import build_series, day_starts
from bot.charts.trend_series import TrendSeries
from bot.digest.contents import Period
from bot.store import Store


async def trend_from_store(
    store: Store,
    *,
    guild_id: int,
    period: Period,
    channel_id: int | None = None,
    title: str = "",
    channel_ids: Collection[int] | None = None,
) -> TrendSeries:
    """Daily figures of the guild over `period`'s whole local days, moderators' labels applied.

    `channel_id` keeps one channel's own rows; `channel_ids` (a channel and its threads, whose
    rows carry the thread's id) keeps several. Given both, the union counts.
    """
    wanted: set[int] | None = None
    if channel_id is not None or channel_ids is not None:
        wanted = set(channel_ids or ())
        if channel_id is not None:
            wanted.add(channel_id)
    starts = day_starts(period)
    requests = await store.request_days(guild_id, starts, wanted)
    volume = await store.volume_days(guild_id, starts, wanted)
    return build_series(period, requests, volume, title=title)
