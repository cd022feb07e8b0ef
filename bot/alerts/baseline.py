"""A guild's normal level: the median of the baseline days and a robust spread around it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from bot.alerts.thresholds import MAD_SCALE, MIN_SHARE_SPREAD


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
