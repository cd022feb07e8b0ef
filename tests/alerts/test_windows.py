"""Windows: today so far against the same local hours of the days before; hourly counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.alerts import Window, day_windows, detect_spikes, hourly_counts, on_record, today_windows
from tests.alerts.factories import history

MADRID = ZoneInfo("Europe/Madrid")


def local(text: str, zone: ZoneInfo = MADRID) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=zone).timestamp()


def test_today_so_far_against_the_same_local_hours_of_14_days() -> None:
    now = local("2026-03-20T10:30")
    windows = today_windows(now, "Europe/Madrid")
    assert len(windows) == 15
    assert windows[0] == Window(date(2026, 3, 20), local("2026-03-20T00:00"), now)
    assert windows[1] == Window(
        date(2026, 3, 19), local("2026-03-19T00:00"), local("2026-03-19T10:30")
    )
    assert windows[14].day == date(2026, 3, 6)
    assert windows[14].end == local("2026-03-06T10:30")


def test_across_a_daylight_saving_change_the_local_clock_is_kept() -> None:
    # Madrid skipped 02:00-03:00 on 2026-03-29: midnight to 10:00 was 9 hours that day.
    windows = today_windows(local("2026-03-30T10:00"), "Europe/Madrid", days=2)
    assert [w.end - w.start for w in windows] == [36_000, 32_400, 36_000]
    assert windows[2].end == local("2026-03-28T10:00")


def test_whole_days() -> None:
    windows = day_windows(date(2026, 3, 14), "UTC", days=2)
    assert [(w.day, w.end - w.start) for w in windows] == [
        (date(2026, 3, 14), 86_400), (date(2026, 3, 13), 86_400), (date(2026, 3, 12), 86_400),
    ]  # fmt: skip
    assert windows[0].start == datetime(2026, 3, 14, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("first_seen", "known"),
    [
        (None, 0),
        ("2026-03-19T23:00", 1),
        ("2026-03-13T09:00", 7),  # part of a day counts as that day on record
        ("2026-01-01T00:00", 14),
    ],
)
def test_days_before_the_first_record_are_unknown(first_seen: str | None, known: int) -> None:
    windows = today_windows(local("2026-03-20T10:30"), "Europe/Madrid")
    start = None if first_seen is None else local(first_seen)
    assert on_record(windows, start, "Europe/Madrid") == known


def test_hourly_counts_fill_every_hour_and_ignore_strays() -> None:
    windows = [Window(date(2026, 3, 20), 0, 2.5 * 3600), Window(date(2026, 3, 19), 0, 3600)]
    rows = [(0, 0, 2, 1), (0, 2, 5, 0), (1, 0, 4, 4), (1, 5, 9, 9), (7, 0, 1, 1)]
    today, yesterday = hourly_counts(windows, rows)
    assert (today.requests, today.sour) == ((2, 0, 5), (1, 0, 0))
    assert (yesterday.requests, yesterday.sour) == ((4,), (4,))
    assert (today.total, today.total_sour) == (7, 1)
    assert today.share == pytest.approx(1 / 7)


def test_a_day_in_progress_is_judged_against_the_same_hours() -> None:
    """Mornings are quiet and evenings busy: 25 by 10:30 is a wave, though a whole usual day
    holds 50 messages."""
    now = local("2026-03-20T10:30")
    windows = today_windows(now, "Europe/Madrid")
    rows = []
    for index in range(1, 15):  # 10 each morning; the 40 of each evening fall outside
        rows.append((index, 9, 10, 0))
    rows.append((0, 9, 25, 0))
    counts = hourly_counts(windows, rows)
    (spike,) = detect_spikes(counts[0], counts[1:], "normal")
    assert (spike.observed, spike.baseline.median, spike.since_hour) == (25, 10, 9)
    # After 10:30 is outside every window; judged against whole days it would be no wave.
    evening = [(index, 20, 40, 0) for index in range(15)]
    assert sum(day.total for day in hourly_counts(windows, evening)) == 0
    assert detect_spikes(counts[0], history([50] * 14), "normal") == []
