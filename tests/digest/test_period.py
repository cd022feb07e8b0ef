"""Local days cut in the guild's timezone, DST included."""

from datetime import date

import pytest

from bot.digest.contents import Period, parse_day
from tests.digest.factories import at


def test_utc_day_bounds() -> None:
    period = Period.day(date(2026, 3, 14), "UTC")
    assert period.start == at("2026-03-14T00:00")
    assert period.end == at("2026-03-15T00:00")


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)],
)
def test_dst_days_in_madrid(day: date, hours: int) -> None:
    period = Period.day(day, "Europe/Madrid")
    assert (period.end - period.start) / 3600 == hours


def test_previous_period_has_same_length() -> None:
    period = Period(date(2026, 3, 10), date(2026, 3, 16), "UTC")
    assert period.previous() == Period(date(2026, 3, 3), date(2026, 3, 9), "UTC")
    assert period.days == 7


def test_local_day_of_a_late_utc_message() -> None:
    period = Period.day(date(2026, 3, 14), "Europe/Madrid")
    assert period.local_day(at("2026-03-14T23:30")) == date(2026, 3, 15)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2026, 3, 2), date(2026, 3, 1), "UTC")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 3, 14)),
        ("Yesterday", date(2026, 3, 13)),
        ("2026-01-02", date(2026, 1, 2)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text, date(2026, 3, 14)) == expected


@pytest.mark.parametrize(
    "text", ["tomorrow", "2026-13-01", "20260101", "14/03/2026", "", "0001-01-01", "9999-12-31"]
)
def test_parse_day_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="today, yesterday or a date"):
        parse_day(text, date(2026, 3, 14))
