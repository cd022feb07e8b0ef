"""build_series and day_starts: per-day aggregates -> one point per local day. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.charts.series import build_series, day_starts
from bot.digest.contents import Period
from bot.store.trends import RequestDay

MADRID = Period(date(2026, 3, 28), date(2026, 3, 30), "Europe/Madrid")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # Spring forward: Mar 29 lasts 23 hours.
        (
            MADRID,
            ["2026-03-27T23:00", "2026-03-28T23:00", "2026-03-29T22:00", "2026-03-30T22:00"],
        ),
        # Fall back: Oct 25 lasts 25 hours.
        (
            Period(date(2026, 10, 25), date(2026, 10, 25), "Europe/Madrid"),
            ["2026-10-24T22:00", "2026-10-25T23:00"],
        ),
        # Half-hour and quarter-hour zones: midnights off the UTC hour.
        (
            Period(date(2026, 3, 15), date(2026, 3, 16), "Asia/Kolkata"),
            ["2026-03-14T18:30", "2026-03-15T18:30", "2026-03-16T18:30"],
        ),
        (
            Period(date(2026, 3, 15), date(2026, 3, 15), "Asia/Kathmandu"),
            ["2026-03-14T18:15", "2026-03-15T18:15"],
        ),
    ],
)
def test_day_starts_are_local_midnights(period: Period, expected: list[str]) -> None:
    assert day_starts(period) == [at(text) for text in expected]


def test_days_categories_and_tone() -> None:
    rows = [
        RequestDay(0, "demand", 2, -0.5),
        RequestDay(1, "frustration", 1, -0.9),
        RequestDay(1, "demand", 3, 0.6),
        RequestDay(1, None, 1, 0.0),  # no category: counted, in no band
        RequestDay(7, "demand", 9, 0.0),  # outside the period: ignored
    ]
    result = build_series(MADRID, rows, title="t")
    assert result.days == (date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30))
    assert result.requests == (2, 5, 0)
    assert result.mean_tone[0] == pytest.approx(-0.25)
    assert result.mean_tone[1] == pytest.approx(-0.06)
    assert result.mean_tone[2] is None
    assert result.categories == {
        "demand": (2, 3, 0),
        "frustration": (0, 1, 0),
        "optimism": (0, 0, 0),
        "skepticism": (0, 0, 0),
        "defeatism": (0, 0, 0),
    }
    assert result.messages == (None, None, None)  # no volume given
    assert (result.title, result.timezone) == ("t", "Europe/Madrid")


@pytest.mark.parametrize(
    ("volume", "requests", "expected"),
    [
        (120, 4, 120),
        (0, 0, None),  # nothing counted: unknown, not "zero messages"
        (3, 4, None),  # fewer messages than requests: logged before volume was counted
        (4, 4, 4),
    ],
)
def test_messages_per_day(volume: int, requests: int, expected: int | None) -> None:
    period = Period(date(2026, 3, 15), date(2026, 3, 15), "UTC")
    rows = [RequestDay(0, "demand", requests, 0.0)] if requests else []
    assert build_series(period, rows, [volume]).messages == (expected,)


def test_mean_tone_stays_in_range() -> None:
    period = Period(date(2026, 3, 15), date(2026, 3, 15), "UTC")
    assert build_series(period, [RequestDay(0, "demand", 3, -3.0000000001)]).mean_tone == (-1.0,)
