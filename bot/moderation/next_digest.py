"""When a guild's next daily digest is due, as the moderator is told it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest_schedule import due_at


def next_digest_at(now: datetime, digest_time: str, timezone: str) -> datetime:
    """The first moment after `now` (aware) when the local clock in `timezone` shows `digest_time`.

    The same instants the posting loop uses (`bot.digest_schedule.due_at`), so what a moderator
    is told and what happens cannot drift apart.
    """
    zone = ZoneInfo(timezone)
    day = now.astimezone(zone).date()
    for _ in range(3):
        due = due_at(day, digest_time, timezone)
        if due > now.timestamp():
            return datetime.fromtimestamp(due, zone)
        day += timedelta(days=1)
    raise AssertionError("a local time of day recurs within three days")  # pragma: no cover
