"""next_digest / due_at: once per local day, catch-up after downtime, DST days, changes of
time and zone."""

from datetime import UTC, date, datetime

import pytest

from bot.digest_schedule import (
    NextDigest,
    PostedRun,
    covered_day,
    covered_until,
    day_start,
    due_at,
    next_digest,
)


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def due_day(
    *,
    digest_time: str,
    timezone: str,
    now: float,
    last_run_day: date | None,
    armed_at: float,
) -> date | None:
    """The local day whose digest `next_digest` says is owed now (the last one posted on
    `last_run_day` in the same zone), or None."""
    covered = None if last_run_day is None else day_start(last_run_day, timezone)
    upcoming = next_digest(
        digest_time=digest_time, timezone=timezone, now=now, covered=covered, armed_at=armed_at
    )
    return upcoming.posting_day if upcoming.due(now) else None


ARMED = "2026-03-14T06:00"  # when the loop first saw the schedule (07:00 in Madrid)


@pytest.mark.parametrize(
    ("now", "last_run", "expected"),
    [
        # Before 09:00 local (Madrid is UTC+1 in March): nothing due for a fresh schedule.
        ("2026-03-14T07:59", None, None),
        # At and after the time: today's digest.
        ("2026-03-14T08:00", None, date(2026, 3, 14)),
        ("2026-03-14T20:00", None, date(2026, 3, 14)),
        ("2026-03-14T20:00", date(2026, 3, 13), date(2026, 3, 14)),
        # Already posted today: nothing, however often asked.
        ("2026-03-14T20:00", date(2026, 3, 14), None),
        # Before today's time, yesterday's was missed while the bot was down: post it once.
        ("2026-03-14T06:00", date(2026, 3, 12), date(2026, 3, 13)),
        # Down for days: only the most recent missed day, never a backlog.
        ("2026-03-14T06:00", date(2026, 3, 1), date(2026, 3, 13)),
        # Yesterday's ran: wait for today's time.
        ("2026-03-14T06:00", date(2026, 3, 13), None),
    ],
)
def test_due_day(now: str, last_run: date | None, expected: date | None) -> None:
    found = due_day(
        digest_time="09:00",
        timezone="Europe/Madrid",
        now=utc(now),
        last_run_day=last_run,
        armed_at=utc(ARMED),
    )
    assert found == expected


@pytest.mark.parametrize(
    ("armed", "now", "expected"),
    [
        # Set up at noon for 09:00: the first digest is tomorrow's, as the moderator was told.
        ("2026-03-14T11:00", "2026-03-14T11:00:30", None),
        ("2026-03-14T11:00", "2026-03-15T07:59", None),
        ("2026-03-14T11:00", "2026-03-15T08:00", date(2026, 3, 15)),
        # Set up before the time: today's.
        ("2026-03-14T07:00", "2026-03-14T08:00", date(2026, 3, 14)),
    ],
)
def test_a_new_schedule_starts_at_its_next_time(
    armed: str, now: str, expected: date | None
) -> None:
    found = due_day(
        digest_time="09:00",
        timezone="Europe/Madrid",
        now=utc(now),
        last_run_day=None,
        armed_at=utc(armed),
    )
    assert found == expected


def test_local_day_not_utc_day() -> None:
    # 23:30 UTC on the 13th is 08:30 on the 14th in Tokyo: the 14th's 08:00 digest is due.
    found = due_day(
        digest_time="08:00",
        timezone="Asia/Tokyo",
        now=utc("2026-03-13T23:30"),
        last_run_day=None,
        armed_at=utc("2026-03-13T12:00"),
    )
    assert found == date(2026, 3, 14)


@pytest.mark.parametrize(
    ("day", "time", "expected_utc"),
    [
        (date(2026, 3, 29), "02:30", "2026-03-29T01:30"),  # skipped hour: runs, once
        (date(2026, 10, 25), "02:30", "2026-10-25T00:30"),  # repeated hour: the first one
        (date(2026, 6, 1), "09:00", "2026-06-01T07:00"),
    ],
)
def test_due_at_on_dst_days(day: date, time: str, expected_utc: str) -> None:
    assert due_at(day, time, "Europe/Madrid") == utc(expected_utc)


def test_spring_forward_day_runs_once() -> None:
    kwargs = {"digest_time": "02:30", "timezone": "Europe/Madrid", "armed_at": 0.0}
    before = due_day(now=utc("2026-03-29T01:29"), last_run_day=date(2026, 3, 28), **kwargs)
    after = due_day(now=utc("2026-03-29T01:31"), last_run_day=date(2026, 3, 28), **kwargs)
    again = due_day(now=utc("2026-03-29T05:00"), last_run_day=date(2026, 3, 29), **kwargs)
    assert (before, after, again) == (None, date(2026, 3, 29), None)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-10-25T00:29", None),  # 02:29 the first time round (CEST)
        ("2026-10-25T00:30", date(2026, 10, 25)),  # 02:30 the first time: due
        ("2026-10-25T01:30", None),  # 02:30 again (CET): already posted
    ],
)
def test_fall_back_day_runs_once(now: str, expected: date | None) -> None:
    last = date(2026, 10, 25) if now == "2026-10-25T01:30" else date(2026, 10, 24)
    found = due_day(
        digest_time="02:30", timezone="Europe/Madrid", now=utc(now), last_run_day=last,
        armed_at=0.0,
    )  # fmt: skip
    assert found == expected


def test_covered_day_is_the_day_before() -> None:
    assert covered_day(date(2026, 3, 1)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("armed", "expected_utc"),
    [
        ("2026-03-14T08:59:55", "2026-03-14T09:00"),  # seconds before: today
        ("2026-03-14T09:00", "2026-03-14T09:00"),  # at the very time: today, owed at once
        ("2026-03-14T09:00:01", "2026-03-15T09:00"),  # just after: tomorrow
    ],
)
def test_a_new_schedule_is_promised_what_it_gets(armed: str, expected_utc: str) -> None:
    upcoming = next_digest(
        digest_time="09:00", timezone="UTC", now=utc(armed), covered=None, armed_at=utc(armed)
    )
    assert upcoming.at == utc(expected_utc)


def test_a_zone_moved_west_after_todays_post_gets_its_own_day() -> None:
    # UTC posted on 03-14 at 07:00 (covering UTC's 03-13); at 07:01 the zone becomes Los
    # Angeles, where 03-13 ends at 07:00 UTC on the 14th: its digest is still owed.
    covered = covered_until([PostedRun(date(2026, 3, 14), "UTC")], "America/Los_Angeles")
    upcoming = next_digest(
        digest_time="09:00",
        timezone="America/Los_Angeles",
        now=utc("2026-03-14T07:01"),
        covered=covered,
        armed_at=0.0,
    )
    assert (upcoming.posting_day, upcoming.at) == (date(2026, 3, 14), utc("2026-03-14T16:00"))


def test_a_zone_moved_east_after_todays_post_does_not_repeat_it() -> None:
    # UTC posted on 03-14 at 07:00; at 07:30 the zone becomes Tokyo (16:30 there), whose 03-13
    # ended before UTC's: the next is Tokyo's 03-15 post, covering its 03-14.
    covered = covered_until([PostedRun(date(2026, 3, 14), "UTC")], "Asia/Tokyo")
    upcoming = next_digest(
        digest_time="09:00",
        timezone="Asia/Tokyo",
        now=utc("2026-03-14T07:30"),
        covered=covered,
        armed_at=0.0,
    )
    assert (upcoming.posting_day, upcoming.at) == (date(2026, 3, 15), utc("2026-03-15T00:00"))


@pytest.mark.parametrize(
    ("new_time", "expected_utc"),
    [("06:00", "2026-03-15T06:00"), ("08:00", "2026-03-15T08:00")],
)
def test_a_time_moved_after_todays_post_waits_for_tomorrow(
    new_time: str, expected_utc: str
) -> None:
    upcoming = next_digest(
        digest_time=new_time,
        timezone="UTC",
        now=utc("2026-03-14T07:30"),
        covered=day_start(date(2026, 3, 14), "UTC"),
        armed_at=0.0,
    )
    assert upcoming.at == utc(expected_utc)


def test_runs_recorded_without_a_zone_are_read_in_the_guilds() -> None:
    runs = [PostedRun(date(2026, 3, 14), ""), PostedRun(date(2026, 3, 13), "UTC")]
    assert covered_until(runs, "Asia/Tokyo") == utc("2026-03-13T15:00")
    assert covered_until([], "UTC") is None


def test_after_a_failed_post_nothing_is_due_before_the_retry() -> None:
    retry = utc("2026-03-14T10:00")

    def upcoming(now: str) -> NextDigest:
        return next_digest(
            digest_time="09:00",
            timezone="UTC",
            now=utc(now),
            covered=None,
            armed_at=0.0,
            not_before=retry,
        )

    waiting = upcoming("2026-03-14T09:10")
    assert (waiting.posting_day, waiting.at) == (date(2026, 3, 14), retry)
    assert not waiting.due(utc("2026-03-14T09:59"))
    later = upcoming("2026-03-15T12:00")
    assert (later.posting_day, later.at) == (date(2026, 3, 15), utc("2026-03-15T09:00"))
