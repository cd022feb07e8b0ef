"""When a guild's next daily digest is due (local time of day in an IANA zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm


def next_digest_at(now: datetime, digest_time: str, timezone: str) -> datetime:
    """The first moment after `now` (aware) when the local clock in `timezone` shows `digest_time`.

    A time skipped by a daylight-saving jump resolves the way zoneinfo does (fold 0: the
    offset before the jump), so the digest still comes once that day, an hour later.
    """
    zone = ZoneInfo(timezone)
    hour, minute = parse_hhmm(digest_time)
    local_now = now.astimezone(zone)
    day = local_now.date()
    for _ in range(3):
        due = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        # Timestamps, not datetimes: same-zone comparisons ignore the offset around DST changes.
        if due.timestamp() > now.timestamp():
            return due
        day += timedelta(days=1)
    raise AssertionError("a local time of day recurs within three days")  # pragma: no cover
