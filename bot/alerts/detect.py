"""Spikes: today's counts against the guild's own baseline, for volume and for sour share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from bot.alerts.baseline import Baseline, count_floor, robust_baseline, share_floor
from bot.alerts.thresholds import (
    MIN_BASELINE_DAYS,
    MIN_SHARE_BASELINE_DAYS,
    MIN_SHARE_DAY_REQUESTS,
    THRESHOLDS,
    Kind,
    Sensitivity,
)
from bot.alerts.windows import HourlyCounts


@dataclass(frozen=True, slots=True)
class Spike:
    """What rose, against which baseline, and from which hour of today's window.

    observed: today's request count (volume) or sour share in 0..1 (share).
    level: the count that must grow for the same day to alert again: today's requests (volume)
        or today's frustrated and defeatist messages (share).
    requests / sour: today's counts, for the words around the numbers.
    since_hour: the hour of the window (0 = its first) the rise began.
    """

    kind: Kind
    observed: float
    baseline: Baseline
    z: float
    level: int
    requests: int
    sour: int
    since_hour: int

    @property
    def ratio(self) -> float | None:
        """How many times the usual level (None when the usual level is 0)."""
        return self.observed / self.baseline.median if self.baseline.median > 0 else None

    @property
    def rise(self) -> float:
        """Above the usual level: messages (volume) or share points in 0..1 (share)."""
        return self.observed - self.baseline.median


def detect_spikes(
    today: HourlyCounts, history: Sequence[HourlyCounts], sensitivity: Sensitivity
) -> list[Spike]:
    """The spikes of today (volume first, then share); `history` holds only days on record.

    Nothing is decided on fewer than MIN_BASELINE_DAYS days of history.
    """
    if len(history) < MIN_BASELINE_DAYS:
        return []
    spikes = [_volume_spike(today, history, sensitivity), _share_spike(today, history, sensitivity)]
    return [spike for spike in spikes if spike is not None]


def _volume_spike(
    today: HourlyCounts, history: Sequence[HourlyCounts], sensitivity: Sensitivity
) -> Spike | None:
    limits = THRESHOLDS[sensitivity]
    totals = [float(day.total) for day in history]
    base = robust_baseline(totals, floor=count_floor(median(totals)))
    count = today.total
    if count < limits.min_count or count < limits.min_ratio * base.median:
        return None
    if base.z(count) < limits.z:
        return None
    usual = _hourly_medians([day.requests for day in history], len(today.requests))
    excess = [
        _beyond_noise(seen, expected) for seen, expected in zip(today.requests, usual, strict=True)
    ]
    return Spike(
        kind="volume",
        observed=float(count),
        baseline=base,
        z=base.z(count),
        level=count,
        requests=count,
        sour=today.total_sour,
        since_hour=rise_start(excess),
    )


def _share_spike(
    today: HourlyCounts, history: Sequence[HourlyCounts], sensitivity: Sensitivity
) -> Spike | None:
    limits = THRESHOLDS[sensitivity]
    shares = [day.total_sour / day.total for day in history if day.total >= MIN_SHARE_DAY_REQUESTS]
    share = today.share
    if len(shares) < MIN_SHARE_BASELINE_DAYS or share is None:
        return None
    if today.total < limits.min_count or today.total_sour < limits.min_sour:
        return None
    usual = median(shares)
    base = robust_baseline(shares, floor=share_floor(usual, today.total))
    if share - base.median < limits.min_share_rise or base.z(share) < limits.z:
        return None
    # Sour messages beyond what the usual share of each hour's requests would give.
    excess = [
        _beyond_noise(sour, usual * seen)
        for sour, seen in zip(today.sour, today.requests, strict=True)
    ]
    return Spike(
        kind="share",
        observed=share,
        baseline=base,
        z=base.z(share),
        level=today.total_sour,
        requests=today.total,
        sour=today.total_sour,
        since_hour=rise_start(excess),
    )


def _beyond_noise(seen: float, expected: float) -> float:
    """An hour's count above what was expected, less that hour's ordinary Poisson noise: a
    message or two more than usual hours before a wave is not where the wave began."""
    return seen - expected - math.sqrt(max(expected, 1.0))


def _hourly_medians(days: Sequence[Sequence[int]], hours: int) -> list[float]:
    return [
        median(day[hour] if hour < len(day) else 0 for day in days) if days else 0.0
        for hour in range(hours)
    ]


def rise_start(excess: Sequence[float]) -> int:
    """The hour the rise began: the start of the run of hours up to now whose summed excess
    over the usual level is largest (the latest such start when several tie). Hours before
    it, taken together, added nothing; it is where the messages above normal began to pile up.
    0 when no hour had any excess."""
    best_start, best_sum, running = 0, 0.0, 0.0
    for hour in range(len(excess) - 1, -1, -1):
        running += excess[hour]
        if running > best_sum:
            best_start, best_sum = hour, running
    return best_start
