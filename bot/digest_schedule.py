"""When a guild's daily digest is due. Pure: the clock is an argument.

The digest posted on local day D, at the guild's HH:MM, covers the complete local day D-1, and
is recorded in digest runs under D, so it is posted at most once per local day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm


def due_at(day: date, digest_time: str, timezone: str) -> float:
    """The instant `digest_time` is shown on `day` in `timezone`.

    A time skipped by a daylight-saving jump resolves with the offset before the jump (so it
    still happens once that day); a repeated time resolves to its first occurrence.
    """
    hour, minute = parse_hhmm(digest_time)
    zone = ZoneInfo(timezone)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).timestamp()


def due_day(
    *,
    digest_time: str,
    timezone: str,
    now: float,
    last_run_day: date | None,
    armed_at: float,
) -> date | None:
    """The local day whose digest should be posted now, or None.

    Today's, once its time has passed. Yesterday's too, if it was missed (the bot was down at
    the time), but only the most recent missed day, never a backlog. A guild whose digest has
    never run starts at the first due time after `armed_at` (when the schedule was first seen),
    so a moderator who sets 09:00 at noon gets the first digest tomorrow, as they were told.
    """
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    due_today = due_at(today, digest_time, timezone)
    if last_run_day is None:
        return today if armed_at <= due_today <= now else None
    candidate = today if now >= due_today else today - timedelta(days=1)
    return None if last_run_day >= candidate else candidate


def covered_day(posting_day: date) -> date:
    """The day a digest posted on `posting_day` reports on."""
    return posting_day - timedelta(days=1)
