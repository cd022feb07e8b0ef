"""bot.buckets.volume_bucket: one-hour volume buckets that start on the guild's local hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.buckets import is_bucket_start, volume_bucket
from bot.digest.contents import Period


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# (timezone, instant in UTC, the start of its bucket in UTC): every zone once exactly on a bucket
# edge (a local whole hour, here mostly local midnight) and once a second before it.
TABLE = [
    ("UTC", "2024-03-10T12:00:00", "2024-03-10T12:00:00"),
    ("UTC", "2024-03-10T11:59:59", "2024-03-10T11:00:00"),
    # Madrid, +1 in winter and +2 in summer: whole hours either way, and across the change.
    ("Europe/Madrid", "2024-01-14T23:00:00", "2024-01-14T23:00:00"),
    ("Europe/Madrid", "2024-01-14T22:59:59", "2024-01-14T22:00:00"),
    ("Europe/Madrid", "2024-07-14T22:00:00", "2024-07-14T22:00:00"),
    ("Europe/Madrid", "2024-07-14T21:59:59", "2024-07-14T21:00:00"),
    ("Europe/Madrid", "2024-03-31T01:00:00", "2024-03-31T01:00:00"),  # 02:00 -> 03:00 local
    ("Europe/Madrid", "2024-03-31T00:59:59", "2024-03-31T00:00:00"),
    # India, +5:30: local midnight is 18:30 UTC.
    ("Asia/Kolkata", "2024-03-10T18:30:00", "2024-03-10T18:30:00"),
    ("Asia/Kolkata", "2024-03-10T18:29:59", "2024-03-10T17:30:00"),
    ("Asia/Kolkata", "2024-03-10T19:10:00", "2024-03-10T18:30:00"),
    # Nepal, +5:45.
    ("Asia/Kathmandu", "2024-03-10T18:15:00", "2024-03-10T18:15:00"),
    ("Asia/Kathmandu", "2024-03-10T18:14:59", "2024-03-10T17:15:00"),
    # Newfoundland, -3:30 in winter and -2:30 in summer.
    ("America/St_Johns", "2024-01-15T03:30:00", "2024-01-15T03:30:00"),
    ("America/St_Johns", "2024-01-15T03:29:59", "2024-01-15T02:30:00"),
    ("America/St_Johns", "2024-07-15T02:30:00", "2024-07-15T02:30:00"),
    ("America/St_Johns", "2024-07-15T02:29:59", "2024-07-15T01:30:00"),
    # Adelaide, +9:30 in winter and +10:30 in summer: the phase stays on the half hour.
    ("Australia/Adelaide", "2024-07-14T14:30:00", "2024-07-14T14:30:00"),
    ("Australia/Adelaide", "2024-07-14T14:29:59", "2024-07-14T13:30:00"),
    ("Australia/Adelaide", "2024-01-14T13:30:00", "2024-01-14T13:30:00"),
    ("Australia/Adelaide", "2024-01-14T13:29:59", "2024-01-14T12:30:00"),
    # Lord Howe, +10:30 in winter and +11 in summer: the phase itself changes with DST.
    ("Australia/Lord_Howe", "2024-07-14T13:30:00", "2024-07-14T13:30:00"),
    ("Australia/Lord_Howe", "2024-07-14T13:29:59", "2024-07-14T12:30:00"),
    ("Australia/Lord_Howe", "2024-01-14T13:00:00", "2024-01-14T13:00:00"),
    ("Australia/Lord_Howe", "2024-01-14T12:59:59", "2024-01-14T12:00:00"),
    # ... on the day it changes, each instant goes by its own offset: 02:00 +10:30 becomes
    # 02:30 +11 at 15:30 UTC, and 02:00 +11 becomes 01:30 +10:30 at 15:00 UTC.
    ("Australia/Lord_Howe", "2024-10-05T15:29:59", "2024-10-05T14:30:00"),
    ("Australia/Lord_Howe", "2024-10-05T15:30:00", "2024-10-05T15:00:00"),
    ("Australia/Lord_Howe", "2024-04-06T14:59:59", "2024-04-06T14:00:00"),
    ("Australia/Lord_Howe", "2024-04-06T15:00:00", "2024-04-06T14:30:00"),
    # Chatham, +12:45 in winter and +13:45 in summer.
    ("Pacific/Chatham", "2024-07-14T11:15:00", "2024-07-14T11:15:00"),
    ("Pacific/Chatham", "2024-07-14T11:14:59", "2024-07-14T10:15:00"),
    ("Pacific/Chatham", "2024-01-14T10:15:00", "2024-01-14T10:15:00"),
    ("Pacific/Chatham", "2024-01-14T10:14:59", "2024-01-14T09:15:00"),
]


@pytest.mark.parametrize(("timezone", "at", "start"), TABLE)
def test_the_bucket_of_an_instant(timezone: str, at: str, start: str) -> None:
    assert volume_bucket(utc(at), timezone) == utc(start)
    assert volume_bucket(utc(at) + 0.25, timezone) == volume_bucket(utc(at), timezone)


ZONES = sorted({timezone for timezone, _, _ in TABLE})


@pytest.mark.parametrize("timezone", ZONES)
def test_every_local_day_of_a_year_starts_on_a_bucket_edge(timezone: str) -> None:
    # A local day is then a whole number of buckets, DST days included.
    period = Period(date(2024, 1, 1), date(2024, 12, 31), timezone)
    for day in period.each_day():
        start = period.day_start(day)
        assert volume_bucket(start, timezone) == start, day
        assert volume_bucket(start - 1, timezone) < start


def reference(at: float, timezone: str) -> int:
    offset = datetime.fromtimestamp(at, ZoneInfo(timezone)).utcoffset()
    assert offset is not None
    phase = -int(offset.total_seconds()) % 3600
    return int((at - phase) // 3600) * 3600 + phase


def days_of_change(timezone: str) -> list[float]:
    """The UTC days of 2024 in which `timezone`'s offset changes."""
    zone = ZoneInfo(timezone)
    first = utc("2024-01-01T00:00:00")
    days = [first + n * 86400 for n in range(366)]
    offsets = [datetime.fromtimestamp(day, zone).utcoffset() for day in days]
    changed = zip(days, offsets, offsets[1:], strict=False)  # offsets[1:] is one shorter
    return [day for day, before, after in changed if before != after]


@pytest.mark.parametrize("timezone", ZONES)
def test_the_caches_answer_as_zoneinfo_does_however_the_calls_interleave(timezone: str) -> None:
    # Backfilled messages of the days around each DST change, between live ones of today.
    live = utc("2024-11-20T10:00:00")
    for day in days_of_change(timezone) or [utc("2024-06-01T00:00:00")]:
        at = day - 86400
        while at < day + 86400:
            assert volume_bucket(at, timezone) == reference(at, timezone), at
            assert volume_bucket(live, timezone) == reference(live, timezone)
            at += 7 * 60 + 13


def test_an_unknown_timezone_is_an_error() -> None:
    with pytest.raises(Exception, match="Mars"):
        volume_bucket(utc("2024-03-10T12:00:00"), "Mars/Olympus_Mons")


H0 = 1_699_999_200  # a UTC hour


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, True),
        (H0, True),
        (H0 + 1800, True),
        (H0 + 2700, True),
        (H0 + 900.0, True),
        (1_700_000_000.0, False),
        (H0 + 0.5, False),
        (H0 + 60, False),
    ],
)
def test_what_can_be_a_bucket_start(value: float, expected: bool) -> None:
    assert is_bucket_start(value) is expected


def test_days_in_a_zone_are_far_apart_in_the_cache() -> None:
    # Years of backfill in one zone: the answers stay right when the cache starts over.
    start = utc("2016-01-01T00:10:00")
    for day in range(5000):
        at = start + day * 86400
        assert volume_bucket(at, "Asia/Kolkata") == reference(at, "Asia/Kolkata")
    assert volume_bucket(start, "Asia/Kolkata") == utc("2015-12-31T23:30:00")
