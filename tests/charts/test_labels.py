"""The words and numbers around a chart: table tests."""

from __future__ import annotations

from datetime import date

import pytest

from bot.charts import labels
from tests.charts.factory import series


@pytest.mark.parametrize(
    ("count", "max_labels", "expected"),
    [
        (0, 10, []),
        (1, 10, [0]),
        (7, 10, [0, 1, 2, 3, 4, 5, 6]),
        (14, 8, [1, 3, 5, 7, 9, 11, 13]),
        (30, 10, [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]),
        # Many days: a whole-week stride, so every label falls on the last day's weekday.
        (90, 10, [5, 19, 33, 47, 61, 75, 89]),
        (60, 10, [3, 10, 17, 24, 31, 38, 45, 52, 59]),
    ],
)
def test_label_positions(count: int, max_labels: int, expected: list[int]) -> None:
    assert labels.label_positions(count, max_labels) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ((), ""),
        ((date(2026, 3, 14),), "Mar 14, 2026"),
        ((date(2026, 2, 14), date(2026, 3, 15)), "Feb 14 \u2013 Mar 15, 2026"),
        ((date(2025, 12, 16), date(2026, 3, 15)), "Dec 16, 2025 \u2013 Mar 15, 2026"),
    ],
)
def test_period_text(days: tuple[date, ...], expected: str) -> None:
    assert labels.period_text(days) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.25, "+0.25"), (-0.4, "\u22120.40"), (0.0, "0.00"), (-0.001, "0.00"), (1.0, "+1.00")],
)
def test_signed(value: float, expected: str) -> None:
    assert labels.signed(value) == expected


def test_summary_of_a_series() -> None:
    data = series([4, 0, 1], tones=[-0.5, None, 0.5])
    assert labels.total_requests(data) == 5
    assert labels.overall_tone(data) == pytest.approx(-0.3)
    assert labels.busiest_day(data) == (date(2026, 3, 13), 4)
    # 4 requests on day 0 start at demand; 1 on day 2 lands on optimism: demand 1, frustration 1,
    # optimism 2, skepticism 1.
    assert labels.category_totals(data)[0] == ("optimism", 2)
    assert labels.summary_line(data) == (
        "5 request messages \u00b7 mean tone \u22120.30 \u00b7 mostly optimism (40%)"
    )


def test_a_shared_lead_is_a_tie_never_mostly() -> None:
    # 2 requests on day 0: demand 1, frustration 1.
    tied = series([2])
    assert labels.summary_line(tied).endswith(" \u00b7 demand and frustration tied (50% each)")


def test_summary_of_a_quiet_series() -> None:
    quiet = series([0] * 7)
    assert labels.busiest_day(quiet) is None
    assert labels.overall_tone(quiet) is None
    assert labels.category_totals(quiet) == []
    assert labels.summary_line(quiet) == "7 days, no request messages"
    assert labels.quiet_text(quiet) == "A quiet stretch: nothing about open-sourcing these 7 days"
    assert labels.quiet_text(series([0])).endswith("that day")


def test_month_names_do_not_follow_the_locale() -> None:
    assert [labels.short_day(date(2026, m, 1)) for m in (1, 6, 12)] == ["Jan 1", "Jun 1", "Dec 1"]
