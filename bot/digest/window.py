"""One fetched stretch of rows cut into what a digest compares. Pure.

A digest reads its period, the period of the same length before it, and the `BASELINE_DAYS`
days before it (for the "7-day average"). These overlap, so the Store is asked once for the
whole window (`window_of`) and the cutting happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.digest.build import build_digest
from bot.digest.contents import Digest, Period, Places
from bot.store.records import RequestRecord

BASELINE_DAYS = 7


def baseline_period(period: Period) -> Period:
    """The `BASELINE_DAYS` whole local days just before `period`."""
    return Period(
        period.first - timedelta(days=BASELINE_DAYS),
        period.first - timedelta(days=1),
        period.timezone,
    )


def window_of(period: Period) -> Period:
    """Every day a digest of `period` reads: the period, the one before it, and the baseline."""
    earliest = min(period.previous().first, baseline_period(period).first)
    return Period(earliest, period.last, period.timezone)


def _rows_in(rows: Sequence[RequestRecord], start: float, end: float) -> list[RequestRecord]:
    return [row for row in rows if start <= row.created_at < end]


def seen_in(volume_hours: Sequence[tuple[int, int]], start: float, end: float) -> int:
    # The same rule as the Store's volume queries: an hour counts where it starts.
    return sum(count for hour, count in volume_hours if start <= hour < end)


def digest_from_window(
    *,
    guild_id: int,
    guild_name: str,
    period: Period,
    rows: Sequence[RequestRecord],
    volume_hours: Sequence[tuple[int, int]],
    places: Places | None = None,
    today: date | None = None,
) -> Digest:
    """The digest of `period` from the rows and hourly volume of `window_of(period)`."""
    before, baseline = period.previous(), baseline_period(period)
    return build_digest(
        guild_id=guild_id,
        guild_name=guild_name,
        period=period,
        rows=_rows_in(rows, period.start, period.end),
        volume_hours=[(h, c) for h, c in volume_hours if period.start <= h < period.end],
        previous_rows=_rows_in(rows, before.start, before.end),
        previous_seen=seen_in(volume_hours, before.start, before.end),
        places=places,
        baseline_rows=_rows_in(rows, baseline.start, baseline.end),
        baseline_seen=seen_in(volume_hours, baseline.start, baseline.end),
        baseline_days=baseline.days,
        today=today,
    )
