"""may_alert: one alert per kind per cooldown, and a day that stays high alerts once."""

from __future__ import annotations

import pytest

from bot.alerts import COOLDOWN_SECONDS, LastAlert, may_alert

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
