"""The next moment a guild's local clock shows its digest time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.moderation import next_digest_at, upcoming_digest


@pytest.mark.parametrize(
    ("now_utc", "digest_time", "timezone", "expected_utc"),
    [
        # later today, same zone
        (datetime(2025, 3, 10, 8, 0), "09:00", "UTC", datetime(2025, 3, 10, 9, 0)),
        # exactly due now: the next one is tomorrow
        (datetime(2025, 3, 10, 9, 0), "09:00", "UTC", datetime(2025, 3, 11, 9, 0)),
        # already past today
        (datetime(2025, 3, 10, 9, 1), "09:00", "UTC", datetime(2025, 3, 11, 9, 0)),
        # local day differs from the UTC day (Madrid is UTC+1 in winter)
        (datetime(2025, 1, 10, 23, 30), "07:05", "Europe/Madrid", datetime(2025, 1, 11, 6, 5)),
        # west of UTC: 20:00 in New York (UTC-5) is 01:00 UTC the next day
        (datetime(2025, 1, 10, 23, 0), "20:00", "America/New_York", datetime(2025, 1, 11, 1, 0)),
        # the night clocks go forward in Madrid (30 March 2025): 09:00 is UTC+2 already
        (datetime(2025, 3, 29, 12, 0), "09:00", "Europe/Madrid", datetime(2025, 3, 30, 7, 0)),
        # 02:30 does not exist that night; it resolves to 03:30 local (01:30 UTC)
        (datetime(2025, 3, 29, 12, 0), "02:30", "Europe/Madrid", datetime(2025, 3, 30, 1, 30)),
        # the night clocks go back (26 October 2025): 09:00 is UTC+1 again
        (datetime(2025, 10, 25, 12, 0), "09:00", "Europe/Madrid", datetime(2025, 10, 26, 8, 0)),
        # 02:30 happens twice that night; the first one counts
        (datetime(2025, 10, 25, 12, 0), "02:30", "Europe/Madrid", datetime(2025, 10, 26, 0, 30)),
    ],
)
def test_next_digest_at(
    now_utc: datetime, digest_time: str, timezone: str, expected_utc: datetime
) -> None:
    due = next_digest_at(now_utc.replace(tzinfo=UTC), digest_time, timezone)
    assert due.astimezone(UTC) == expected_utc.replace(tzinfo=UTC)
    local = due.astimezone(UTC).astimezone(ZoneInfo(timezone)).strftime("%H:%M")
    # Only the time skipped by the spring-forward jump shows another time on the clock.
    assert local == ("03:30" if expected_utc == datetime(2025, 3, 30, 1, 30) else digest_time)


@pytest.mark.parametrize(
    ("now_utc", "digest_time", "last_run_day", "expected_utc"),
    [
        # never posted: the first one is at the next due time, even if today's time has passed
        (datetime(2025, 3, 10, 9, 30), "09:00", None, datetime(2025, 3, 11, 9, 0)),
        # today's went out: tomorrow
        (datetime(2025, 3, 10, 9, 30), "09:00", date(2025, 3, 10), datetime(2025, 3, 11, 9, 0)),
        # moved earlier after the new time passed, today's not out yet: at once
        (datetime(2025, 3, 10, 8, 30), "08:00", date(2025, 3, 9), None),
        # moved later, still ahead today: today at the new time
        (datetime(2025, 3, 10, 8, 30), "10:00", date(2025, 3, 9), datetime(2025, 3, 10, 10, 0)),
        # yesterday's was missed (bot down): catching up at once
        (datetime(2025, 3, 10, 8, 30), "09:00", date(2025, 3, 8), None),
    ],
)
def test_upcoming_digest(
    now_utc: datetime, digest_time: str, last_run_day: date | None, expected_utc: datetime | None
) -> None:
    upcoming = upcoming_digest(now_utc.replace(tzinfo=UTC), digest_time, "UTC", last_run_day)
    if expected_utc is None:
        assert upcoming is None
    else:
        assert upcoming is not None
        assert upcoming.astimezone(UTC) == expected_utc.replace(tzinfo=UTC)
