"""Spike detection: the robust baseline and its floors, detect_spikes on input/expected tables
for quiet, flat, bursting and souring servers, and may_alert's cooldown."""

from __future__ import annotations

import math

import pytest

from bot.alerts import (
    COOLDOWN_SECONDS,
    HourlyCounts,
    LastAlert,
    Sensitivity,
    count_floor,
    detect_spikes,
    may_alert,
    rise_start,
    robust_baseline,
    share_floor,
)
from tests.alerts.factories import day, history, spread


@pytest.mark.parametrize(
    ("values", "floor", "median", "spread"),
    [
        ([10.0] * 14, 1.0, 10.0, 1.0),  # flat: MAD 0, the floor holds
        ([10.0] * 14, math.sqrt(10), 10.0, math.sqrt(10)),
        ([8.0, 10, 12, 10, 9, 11, 10], 0.0, 10.0, 1.4826),  # MAD 1
        # One past wave (200) moves neither the median nor the MAD.
        ([8.0, 10, 12, 10, 9, 11, 200], 0.0, 10.0, 1.4826),
        ([0.0, 0, 0, 0, 0, 0, 0], 1.0, 0.0, 1.0),
        ([1.0, 2], 0.0, 1.5, 0.5 * 1.4826),
    ],
)
def test_median_and_scaled_mad(
    values: list[float], floor: float, median: float, spread: float
) -> None:
    base = robust_baseline(values, floor)
    assert base.median == pytest.approx(median)
    assert base.spread == pytest.approx(spread)
    assert base.days == len(values)


def test_an_empty_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        robust_baseline([], 1.0)


@pytest.mark.parametrize(("median", "floor"), [(0, 1.0), (0.5, 1.0), (1, 1.0), (16, 4.0)])
def test_count_floor_is_poisson_noise_at_least_one(median: float, floor: float) -> None:
    assert count_floor(median) == pytest.approx(floor)


@pytest.mark.parametrize(
    ("usual", "today", "floor"),
    [
        (0.0, 20, 0.05),  # never sour before: 5 points
        (0.5, 25, 0.1),  # sqrt(.25 / 25)
        (0.2, 400, 0.05),  # many messages: the noise is small, the floor holds
        (0.3, 0, 1.0),  # no messages today: nothing can be a spike
    ],
)
def test_share_floor(usual: float, today: int, floor: float) -> None:
    assert share_floor(usual, today) == pytest.approx(floor)


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


H = 3600
DAY_START = 100 * 24 * H  # midnight of "today"


@pytest.mark.parametrize(
    ("name", "level", "last", "now", "expected"),
    [
        ("never alerted", 20, None, DAY_START + 10 * H, True),
        ("within the cooldown", 500, LastAlert("volume", DAY_START + 9 * H, 20),
         DAY_START + 10 * H, False),
        ("just inside", 500, LastAlert("volume", DAY_START + 4 * H, 20),
         DAY_START + 4 * H + COOLDOWN_SECONDS - 1, False),
        ("after it, same day, no growth", 35, LastAlert("volume", DAY_START + 1 * H, 20),
         DAY_START + 8 * H, False),
        ("after it, same day, doubled", 40, LastAlert("volume", DAY_START + 1 * H, 20),
         DAY_START + 8 * H, True),
        ("after it, alerted yesterday", 21, LastAlert("volume", DAY_START - 5 * H, 20),
         DAY_START + 2 * H, True),
        ("yesterday, still in cooldown", 99, LastAlert("volume", DAY_START - 1 * H, 20),
         DAY_START + 2 * H, False),
    ],
)  # fmt: skip
def test_may_alert(
    name: str, level: int, last: LastAlert | None, now: float, expected: bool
) -> None:
    assert may_alert(level, last, now=now, window_start=DAY_START) is expected, name
