"""Which stretches of time are compared, and the hourly counts inside them.

A day in progress is compared with the same hours of the baseline days: today from local
midnight to now against each of the 14 previous days from their local midnight to the same
local clock time. Chosen over a rolling 24-hour window because (1) it is the "today" a
moderator reads in the digest, in the guild's own timezone; (2) it compares like with like,
since a server's quiet night and busy evening fall into both sides alike; and (3) a rolling
window would still hold a wave for a whole day after it, so once the cooldown ended it would
alert again on the same wave; a day that has been alerted on needs the wave to grow (see
`may_alert`), and the next day starts from zero. A whole past day (the command line) is the
same comparison with the window ending at the next midnight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HOUR_SECONDS = 3600
# The baseline is the 14 days before today.
BASELINE_DAYS = 14


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in unix seconds, on the local `day` it starts."""

    day: date
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class HourlyCounts:
    """Counts per hour since a window's start (index 0 = its first hour)."""

    requests: tuple[int, ...]
    sour: tuple[int, ...]  # frustration + defeatism

    @property
    def total(self) -> int:
        return sum(self.requests)

    @property
    def total_sour(self) -> int:
        return sum(self.sour)

    @property
    def share(self) -> float | None:
        return self.total_sour / self.total if self.total else None


def _local(day: date, clock: time, zone: ZoneInfo) -> float:
    return datetime.combine(day, clock, tzinfo=zone).timestamp()


def today_windows(now: float, timezone: str, days: int = BASELINE_DAYS) -> list[Window]:
    """Today so far, then the same local span of each of the `days` days before (newest first)."""
    zone = ZoneInfo(timezone)
    local_now = datetime.fromtimestamp(now, zone)
    today, clock = local_now.date(), local_now.time().replace(tzinfo=None)
    windows = [Window(today, _local(today, time(0), zone), now)]
    for back in range(1, days + 1):
        day = today - timedelta(days=back)
        windows.append(Window(day, _local(day, time(0), zone), _local(day, clock, zone)))
    return windows


def day_windows(day: date, timezone: str, days: int = BASELINE_DAYS) -> list[Window]:
    """The whole local `day`, then each of the `days` whole days before it (newest first)."""
    zone = ZoneInfo(timezone)
    windows = []
    for back in range(days + 1):
        first = day - timedelta(days=back)
        windows.append(
            Window(first, _local(first, time(0), zone), _local(first + timedelta(1), time(0), zone))
        )
    return windows


def on_record(windows: Sequence[Window], history_start: float | None, timezone: str) -> int:
    """How many of the baseline windows (all but the first) fall on days Clamor was watching:
    days before the first thing it logged are unknown, not quiet. They are the newest ones."""
    if history_start is None:
        return 0
    first_day = datetime.fromtimestamp(history_start, ZoneInfo(timezone)).date()
    return sum(1 for window in windows[1:] if window.day >= first_day)


def hourly_counts(
    windows: Sequence[Window], rows: Iterable[tuple[int, int, int, int]]
) -> list[HourlyCounts]:
    """(window index, hour, requests, sour) rows -> one HourlyCounts per window, with every hour
    of the window present (zeros where nothing was said)."""
    sizes = [max(1, -(-int(w.end - w.start) // HOUR_SECONDS)) for w in windows]
    requests = [[0] * size for size in sizes]
    sour = [[0] * size for size in sizes]
    for index, hour, count, sour_count in rows:
        if 0 <= index < len(windows) and 0 <= hour < sizes[index]:
            requests[index][hour] += count
            sour[index][hour] += sour_count
    return [HourlyCounts(tuple(r), tuple(s)) for r, s in zip(requests, sour, strict=True)]
