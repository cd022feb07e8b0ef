"""The robust baseline: median, scaled MAD and its floors."""

from __future__ import annotations

import math

import pytest

from bot.alerts import count_floor, robust_baseline, share_floor


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
