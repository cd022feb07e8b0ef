"""When the privacy purge runs, and the log line it leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.privacy import describe_purge, grace_seconds, purge_due, utc_day


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (None, "2026-03-14T10:00", True),  # start-up
        (date(2026, 3, 14), "2026-03-14T00:00", False),
        (date(2026, 3, 14), "2026-03-14T23:59:59", False),
        (date(2026, 3, 14), "2026-03-15T00:00", True),  # a new UTC day
        (date(2026, 3, 14), "2026-04-20T12:00", True),  # back after weeks away
        (date(2026, 3, 15), "2026-03-14T12:00", True),  # the clock went back: run, harmless
    ],
)
def test_purge_runs_at_start_up_then_once_per_utc_day(
    last: date | None, now: str, due: bool
) -> None:
    assert purge_due(last, at(now)) is due


def test_utc_day_ignores_the_hosts_timezone() -> None:
    assert utc_day(at("2026-03-14T23:30")) == date(2026, 3, 14)


@pytest.mark.parametrize(("days", "seconds"), [(0, 0.0), (1, 86_400.0), (30, 2_592_000.0)])
def test_grace_days_in_seconds(days: int, seconds: float) -> None:
    assert grace_seconds(days) == seconds


@pytest.mark.parametrize(
    ("expired", "departed", "line"),
    [
        ({}, [], "privacy purge: nothing to erase"),
        (
            {22: 3, 11: 2},
            [],
            "privacy purge: erased text and authors of 5 rows (11: 2, 22: 3)",
        ),
        (
            {},
            [9, 4],
            "privacy purge: erased every row of 2 departed guilds (4, 9)",
        ),
        (
            {11: 1},
            [4],
            "privacy purge: erased text and authors of 1 row (11: 1); "
            "erased every row of 1 departed guild (4)",
        ),
    ],
)
def test_purge_log_line(expired: dict[int, int], departed: list[int], line: str) -> None:
    assert describe_purge(expired, departed) == line
