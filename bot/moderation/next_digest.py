"""When a guild's next daily digest is due, as the moderator is told it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest_schedule import due_at, due_day


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


def upcoming_digest(
    now: datetime, digest_time: str, timezone: str, last_run_day: date | None
) -> datetime | None:
    """When the next digest goes out; None when one is due at once.

    A moderator who moves the time earlier, after the new time has passed today but before
    today's digest went out, gets today's digest within the posting loop's next tick, not
    tomorrow. A guild that never had a digest starts at the next due time (see `due_day`).
    """
    if last_run_day is not None:
        pending = due_day(
            digest_time=digest_time,
            timezone=timezone,
            now=now.timestamp(),
            last_run_day=last_run_day,
            armed_at=now.timestamp(),
        )
        if pending is not None:
            return None
    return next_digest_at(now, digest_time, timezone)
