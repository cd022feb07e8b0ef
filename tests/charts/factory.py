"""TrendSeries built by hand for the chart tests."""

from __future__ import annotations

from datetime import date, timedelta

from bot.analysis.results import CATEGORIES
from bot.charts.trend_series import TrendSeries

LAST_DAY = date(2026, 3, 15)


def series(
    requests: list[int],
    *,
    tones: list[float | None] | None = None,
    title: str = "Open Models Fan Club",
    timezone: str = "Europe/Madrid",
    last: date = LAST_DAY,
) -> TrendSeries:
    """Days ending on `last`; each day's requests split over the categories in turn; tones
    default to a slow wave (None on days without requests)."""
    count = len(requests)
    days = tuple(last - timedelta(days=count - 1 - i) for i in range(count))
    categories = {name: [0] * count for name in CATEGORIES}
    for i, total in enumerate(requests):
        for n in range(total):
            categories[CATEGORIES[(i + n) % len(CATEGORIES)]][i] += 1
    if tones is None:
        tones = [None if total == 0 else ((i % 9) - 4) / 5 for i, total in enumerate(requests)]
    return TrendSeries(
        title=title,
        timezone=timezone,
        days=days,
        requests=tuple(requests),
        mean_tone=tuple(tones),
        categories={name: tuple(values) for name, values in categories.items()},
    )


def busy(days: int) -> TrendSeries:
    """A lively series: a weekly rhythm, quiet days, one spike."""
    values = [(7 * i) % 23 + (40 if i == days - 5 else 0) for i in range(days)]
    values = [0 if i % 11 == 3 else v for i, v in enumerate(values)]
    return series(values)
