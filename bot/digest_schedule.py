"""When a guild's daily digest is due. Pure: the clock is an argument.

The digest posted on local day D, at the guild's HH:MM, covers the complete local day D-1, and
is recorded in digest runs under D and the timezone it was posted in. `next_digest` is the one
answer to "when is the next digest": the posting loop posts what it returns once its time has
come, and `/clamor-mod digest` and `/clamor status` tell moderators the same instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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


def day_start(day: date, timezone: str) -> float:
    """Local midnight at the start of `day`: the end of the day a digest posted on `day`
    covers (the same instant `bot.digest.contents.Period` ends that day at)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).timestamp()


def covered_day(posting_day: date) -> date:
    """The day a digest posted on `posting_day` reports on."""
    return posting_day - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PostedRun:
    """A digest that went out: the local day it was posted on, in the zone it was posted in."""

    posting_day: date
    timezone: str


def covered_until(runs: Iterable[PostedRun], timezone: str) -> float | None:
    """Where the digests posted so far stop: the end of the latest local day they covered,
    whatever zone each was posted in. A run recorded before runs carried their zone (timezone
    "") is read in the guild's `timezone`, as it was posted then."""
    ends = [day_start(run.posting_day, run.timezone or timezone) for run in runs]
    return max(ends, default=None)


@dataclass(frozen=True, slots=True)
class NextDigest:
    """The digest a guild gets next: posted on local `posting_day`, due at `at` (Unix time). An
    `at` not after now means it is owed now."""

    posting_day: date
    at: float

    def due(self, now: float) -> bool:
        return self.at <= now


def _first_day_due_from(instant: float, digest_time: str, timezone: str) -> date:
    day = datetime.fromtimestamp(instant, ZoneInfo(timezone)).date() - timedelta(days=1)
    while due_at(day, digest_time, timezone) < instant:
        day += timedelta(days=1)
    return day


def _first_day_ending_after(instant: float, timezone: str) -> date:
    day = datetime.fromtimestamp(instant, ZoneInfo(timezone)).date()
    while day_start(day, timezone) <= instant:
        day += timedelta(days=1)
    return day


def next_digest(
    *,
    digest_time: str,
    timezone: str,
    now: float,
    covered: float | None,
    armed_at: float,
    not_before: float | None = None,
) -> NextDigest:
    """The guild's next daily digest: one owed now, or the first one to come.

    `covered` is where the digests posted so far stop (`covered_until`); `armed_at` is when the
    schedule was set up. The rules, across any change of time or zone:

    - a digest is only posted for a local day that ends after `covered`, so no stretch of time
      is reported twice in one zone, and a zone moved west still gets the days it has not had;
    - of the days owed, only the latest is posted (a bot down for a week posts one digest on
      return, not a backlog), and it is owed at once: a missed time, a time moved earlier,
      another channel after a failed post;
    - a guild that never had a digest starts at the first due time at or after `armed_at`, so
      a moderator who sets 09:00 at noon gets the first digest tomorrow, as they were told, and
      one who sets it at 08:59:55 gets it today;
    - after a failed post, nothing is tried before `not_before`, so a channel that refuses
      posts is not hammered (and moderators are told when the retry comes).
    """
    zone = ZoneInfo(timezone)
    today = datetime.fromtimestamp(now, zone).date()
    latest = today if due_at(today, digest_time, timezone) <= now else today - timedelta(days=1)
    if covered is None:
        earliest = _first_day_due_from(armed_at, digest_time, timezone)
    else:
        earliest = _first_day_ending_after(covered, timezone)
    day = max(latest, earliest)
    due = due_at(day, digest_time, timezone)
    return NextDigest(posting_day=day, at=due if not_before is None else max(due, not_before))
