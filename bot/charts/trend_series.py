"""The data a trend chart draws: one value per local day. Pure, no plotting import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """Daily figures of one guild (optionally one channel) over consecutive local days.

    `requests[i]`, `mean_tone[i]` (None on a day without requests) and each
    `categories[name][i]` belong to `days[i]`; `messages[i]` is every watched message that day
    (None when volume is unknown, e.g. history read before volume was counted).
    """

    title: str
    timezone: str
    days: tuple[date, ...]
    requests: tuple[int, ...]
    mean_tone: tuple[float | None, ...]
    categories: dict[str, tuple[int, ...]] = field(default_factory=dict)
    messages: tuple[int | None, ...] = ()
