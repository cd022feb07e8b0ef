"""detect_spikes: input/expected tables for quiet, flat, bursting and souring servers."""

from __future__ import annotations

import pytest

from bot.alerts import HourlyCounts, Sensitivity, detect_spikes, rise_start
from tests.alerts.factories import day, history, spread

FLAT = history([10] * 14)
VARIED = history([8, 12, 10, 9, 11, 10, 13, 7, 10, 12, 9, 11, 10, 10])


def kinds(
    today: HourlyCounts, past: list[HourlyCounts], level: Sensitivity = "normal"
) -> list[str]:
    return [spike.kind for spike in detect_spikes(today, past, level)]


@pytest.mark.parametrize(
    ("name", "today", "past", "expected"),
    [
        # A quiet server: three messages after a fortnight of none is not a wave.
        ("quiet, 3 messages", day((12, 3, 0)), history([0] * 14), []),
        ("quiet, 19 messages", day((12, 19, 0)), history([0] * 14), []),
        ("quiet, 20 messages", day((12, 20, 0)), history([0] * 14), ["volume"]),
        # A flat baseline (MAD 0) does not make every extra message a spike.
        ("flat, +1", spread(11), FLAT, []),
        ("flat, 2x but within noise", spread(20), FLAT, []),
        ("flat, 2.5x", spread(25), FLAT, ["volume"]),
        ("varied, 15", spread(15), VARIED, []),
        ("varied, a real burst", day((0, 10, 0), (14, 50, 0)), VARIED, ["volume"]),
        # Too little history: the guild's normal is not known yet.
        ("6 days on record", day((12, 60, 0)), history([1] * 6), []),
        ("7 days on record", day((12, 60, 0)), history([1] * 7), ["volume"]),
    ],
)
def test_volume(
    name: str, today: HourlyCounts, past: list[HourlyCounts], expected: list[str]
) -> None:
    assert kinds(today, past) == expected, name


def test_a_burst_reports_size_baseline_and_the_hour_it_began() -> None:
    today = day((1, 1, 0), (9, 2, 0), (14, 40, 5), (15, 20, 3))
    (spike,) = detect_spikes(today, VARIED, "normal")
    assert spike.kind == "volume"
    assert spike.observed == 63
    assert spike.baseline.median == 10
    assert spike.ratio == pytest.approx(6.3)
    assert spike.rise == 53
    assert spike.since_hour == 14
    assert spike.level == 63
    assert (spike.requests, spike.sour) == (63, 8)


SOUR_PAST = history([30] * 14, sour_share=0.2)


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("usual share", spread(30, 6), []),
        ("share doubles, few sour", spread(30, 9), []),  # 30%: +10 points, 9 < 10 sour
        ("share jumps", day((0, 10, 1), (16, 20, 19)), ["share"]),  # 67%
        ("volume and share", day((0, 10, 1), (16, 60, 55)), ["volume", "share"]),
        ("too few requests for a share", day((16, 12, 12)), []),
    ],
)
def test_share(name: str, today: HourlyCounts, expected: list[str]) -> None:
    assert kinds(today, SOUR_PAST) == expected, name


def test_a_share_spike_counts_sour_messages_and_starts_where_they_pile_up() -> None:
    (spike,) = detect_spikes(day((0, 10, 1), (16, 20, 19)), SOUR_PAST, "normal")
    assert spike.kind == "share"
    assert spike.observed == pytest.approx(20 / 30)
    assert spike.baseline.median == pytest.approx(0.2)
    assert (spike.level, spike.requests, spike.sour) == (20, 30, 20)
    assert spike.since_hour == 16
    assert spike.ratio == pytest.approx(20 / 30 / 0.2)


def test_share_needs_enough_days_with_requests() -> None:
    sparse = history([30] * 4 + [2] * 10, sour_share=0.2)  # 4 days with >= 3 requests
    assert kinds(day((16, 30, 25)), sparse) == ["volume"]


@pytest.mark.parametrize(
    ("total", "low", "normal", "high"),
    [
        (14, False, False, False),  # below every minimum count
        (19, False, False, True),  # high: >= 10, 1.5x, z >= 2.5
        (25, False, True, True),
        (29, False, True, True),  # z = 6 but low wants 30 messages
        (45, True, True, True),
    ],
)
def test_sensitivity_moves_the_thresholds(total: int, low: bool, normal: bool, high: bool) -> None:
    today = spread(total)
    found = {level: bool(kinds(today, FLAT, level)) for level in ("low", "normal", "high")}
    assert found == {"low": low, "normal": normal, "high": high}


@pytest.mark.parametrize(
    ("excess", "start"),
    [
        ([], 0),
        ([0, 0, 0], 0),  # nothing above normal
        ([-1, -1, 5, 6], 2),
        ([3, -5, 1, 1], 2),  # an early blip that was cancelled out is not the start
        ([3, -1, 4], 0),  # a dip inside a rise does not cut it
        ([0, 0, 4, 0, 0], 2),  # the latest start among ties
        ([-0.5, 10, -0.5, -0.5], 1),  # the wave stopped, the start remains
    ],
)
def test_rise_start(excess: list[float], start: int) -> None:
    assert rise_start(excess) == start
