"""How easily a guild is alerted: the three sensitivities and the constants every check shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Sensitivity = Literal["low", "normal", "high"]
SENSITIVITIES: tuple[Sensitivity, ...] = get_args(Sensitivity)
DEFAULT_SENSITIVITY: Sensitivity = "normal"

Kind = Literal["volume", "share"]
KINDS: tuple[Kind, ...] = get_args(Kind)
# The categories whose share of request messages the `share` kind watches.
SOUR_CATEGORIES = ("frustration", "defeatism")

# The baseline is the 14 days before today, and a guild needs 7 of them on record: before
# that, its "normal" is not known and every busy day would look like a wave.
BASELINE_DAYS = 14
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
