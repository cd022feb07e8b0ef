"""Store aggregates -> TrendSeries: one point per local day of a period. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.analysis.results import CATEGORIES
from bot.charts.trend_series import TrendSeries
from bot.digest.contents import Period
from bot.store.trends import RequestDay


def day_starts(period: Period) -> list[float]:
    """The boundaries of the period's local days: each local midnight (DST-aware), then the
    midnight after the last day. Day i is [starts[i], starts[i + 1])."""
    return [period.day_start(day) for day in period.each_day()] + [period.end]


def build_series(
    period: Period,
    request_days: Iterable[RequestDay],
    volume: Sequence[int] = (),
    *,
    title: str = "",
) -> TrendSeries:
    """`request_days` index the period's days (see `day_starts`); `volume` is the messages seen
    per day, empty when unknown. A day's `messages` is None when its volume cannot be right:
    nothing counted that day, or fewer messages than the request messages logged (history
    logged before volume was counted)."""
    days = period.each_day()
    length = len(days)
    requests = [0] * length
    compound = [0.0] * length
    categories = {name: [0] * length for name in CATEGORIES}
    for row in request_days:
        if not 0 <= row.day < length:
            continue
        requests[row.day] += row.requests
        compound[row.day] += row.compound_sum
        if row.category in categories:
            categories[row.category][row.day] += row.requests
    seen = list(volume) if volume else [0] * length
    return TrendSeries(
        title=title,
        timezone=period.timezone,
        days=tuple(days),
        requests=tuple(requests),
        # Float sums can land a hair outside [-1, 1]; the chart's tone axis is exactly that.
        mean_tone=tuple(
            None if count == 0 else max(-1.0, min(1.0, total / count))
            for count, total in zip(requests, compound, strict=True)
        ),
        categories={name: tuple(counts) for name, counts in categories.items()},
        messages=tuple(
            None if messages == 0 or messages < count else messages
            for messages, count in zip(seen, requests, strict=True)
        ),
    )
