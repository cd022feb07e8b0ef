"""Spike detection, pure: sensitivities and their thresholds, a guild's robust baseline, the
spikes of today against it, and the cooldown between alerts.

Median and MAD, not mean and standard deviation, so that one or two odd days (a past wave, an
outage) do not move a guild's normal level. Which days are compared is `bot.alerts.windows`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Literal, get_args

from bot.alerts.windows import HourlyCounts

Sensitivity = Literal["low", "normal", "high"]
SENSITIVITIES: tuple[Sensitivity, ...] = get_args(Sensitivity)
DEFAULT_SENSITIVITY: Sensitivity = "normal"

Kind = Literal["volume", "share"]
KINDS: tuple[Kind, ...] = get_args(Kind)
# The categories whose share of request messages the `share` kind watches.
SOUR_CATEGORIES = ("frustration", "defeatism")

# A guild needs 7 of its BASELINE_DAYS on record: before that, its "normal" is not known and
# every busy day would look like a wave.
MIN_BASELINE_DAYS = 7
# A share baseline only uses days with a few request messages (a day of one message has a
# share of 0 or 1, which says nothing), and needs several of them.
MIN_SHARE_DAY_REQUESTS = 3
MIN_SHARE_BASELINE_DAYS = 5

# At most one alert of a kind per guild in this long. A day that stays high gets one alert; the
# same day alerts again only once the wave has grown by REALERT_GROWTH since the last alert.
COOLDOWN_SECONDS = 6 * 3600
REALERT_GROWTH = 2.0

# MAD -> standard deviation for normally distributed data.
MAD_SCALE = 1.4826
# A share's spread is never taken below this (5 percentage points).
MIN_SHARE_SPREAD = 0.05


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What a rise must clear to be a spike.

    z: robust z-score (deviations of the median, in scaled MADs) for both kinds.
    min_count: request messages today, at least (volume), and the denominator of a share.
    min_ratio: today's volume over the baseline median, at least: on a big, steady server a
        few dozen extra messages can be many deviations yet not a wave anyone would notice.
    min_sour: frustrated or defeatist messages today, at least (share).
    min_share_rise: the share above its usual level, at least (share, in 0..1).
    """

    z: float
    min_count: int
    min_ratio: float
    min_sour: int
    min_share_rise: float


THRESHOLDS: dict[Sensitivity, Thresholds] = {
    "low": Thresholds(z=5.0, min_count=30, min_ratio=3.0, min_sour=15, min_share_rise=0.25),
    "normal": Thresholds(z=3.5, min_count=20, min_ratio=2.0, min_sour=10, min_share_rise=0.15),
    "high": Thresholds(z=2.5, min_count=10, min_ratio=1.5, min_sour=5, min_share_rise=0.10),
}


def checked_sensitivity(value: str) -> Sensitivity:
    if value not in SENSITIVITIES:
        raise ValueError(f"{value!r} is not a sensitivity ({', '.join(SENSITIVITIES)})")
    return value


@dataclass(frozen=True, slots=True)
class Baseline:
    """median: the usual value; spread: the scaled MAD, floored; days: how many days it rests on."""

    median: float
    spread: float
    days: int

    def z(self, value: float) -> float:
        return (value - self.median) / self.spread


def robust_baseline(values: Sequence[float], floor: float) -> Baseline:
    """Median and MAD * 1.4826 of `values`, the spread raised to at least `floor`.

    Median and MAD ignore one or two odd days (a past wave, an outage) that would drag a mean
    and a standard deviation. The floor matters when the baseline is flat: seven days of
    exactly 10 messages have a MAD of 0, and without a floor an 11th message would be a spike.
    """
    if not values:
        raise ValueError("a baseline needs at least one day")
    middle = median(values)
    mad = median(abs(value - middle) for value in values)
    return Baseline(median=middle, spread=max(mad * MAD_SCALE, floor), days=len(values))


def count_floor(median_count: float) -> float:
    """The least spread of a daily count: the Poisson noise sqrt(median), and never below 1.

    Counts of independent messages vary by about the square root of their mean even on a
    perfectly ordinary day, so a flat history does not make ordinary noise look exceptional.
    """
    return max(1.0, math.sqrt(median_count))


def share_floor(usual_share: float, requests_today: int) -> float:
    """The least spread of a share: the sampling noise of a share over today's messages
    (sqrt(p(1-p)/n)), and never below 5 percentage points."""
    if requests_today <= 0:
        return 1.0
    noise = math.sqrt(usual_share * (1.0 - usual_share) / requests_today)
    return max(MIN_SHARE_SPREAD, noise)


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


@dataclass(frozen=True, slots=True)
class LastAlert:
    kind: Kind
    posted_at: float
    level: int  # Spike.level when it was posted


def may_alert(level: int, last: LastAlert | None, *, now: float, window_start: float) -> bool:
    """True when nothing of this kind was posted in the last COOLDOWN_SECONDS and, if the last
    alert fell inside today's window, the wave has since grown REALERT_GROWTH times: a day that
    simply stays high is one alert, not one every six hours."""
    if last is None:
        return True
    if now - last.posted_at < COOLDOWN_SECONDS:
        return False
    if last.posted_at >= window_start:
        return level >= REALERT_GROWTH * last.level
    return True
