"""Whether a spike may be posted, given the guild's last alert of the same kind."""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts.thresholds import COOLDOWN_SECONDS, REALERT_GROWTH, Kind


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
