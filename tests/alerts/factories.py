"""Hourly counts for detector tables: a day is a few (hour, requests, sour) bursts."""

from __future__ import annotations

from collections.abc import Iterable

from bot.alerts import HourlyCounts

HOURS = 24


def day(*bursts: tuple[int, int, int], hours: int = HOURS) -> HourlyCounts:
    """A day with `requests` (of them `sour`) in each given hour; nothing elsewhere."""
    requests, sour = [0] * hours, [0] * hours
    for hour, count, sour_count in bursts:
        requests[hour] += count
        sour[hour] += sour_count
    return HourlyCounts(tuple(requests), tuple(sour))


def spread(total: int, sour: int = 0, hours: int = HOURS) -> HourlyCounts:
    """`total` requests (`sour` of them sour) spread as evenly as possible over the hours."""
    requests = [total // hours + (1 if h < total % hours else 0) for h in range(hours)]
    sours = [sour // hours + (1 if h < sour % hours else 0) for h in range(hours)]
    return HourlyCounts(tuple(requests), tuple(sours))


def history(totals: Iterable[int], sour_share: float = 0.0) -> list[HourlyCounts]:
    return [spread(total, round(total * sour_share)) for total in totals]
