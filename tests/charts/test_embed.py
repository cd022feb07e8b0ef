"""The embed around a chart, field by field, and what a public title may name."""

from __future__ import annotations

import pytest

from bot.charts.embed import trend_description, trend_embed, trend_title
from tests.charts.factory import series


@pytest.mark.parametrize(
    ("channel", "public", "expected"),
    [
        (None, True, "Lounge"),
        ("general", True, "Lounge \u00b7 #general"),
        ("mods-only", False, "Lounge \u00b7 a private channel"),
    ],
)
def test_title_names_only_public_channels(channel: str | None, public: bool, expected: str) -> None:
    assert trend_title("Lounge", channel, public=public) == expected


def test_embed_of_a_busy_series() -> None:
    embed = trend_embed(series([4, 0, 1], tones=[-0.5, None, 0.5], title="Lounge"))
    assert embed["title"] == "Open-sourcing trend \u00b7 Lounge"
    assert embed["description"] == (
        "5 request messages \u00b7 mean tone \u22120.30 \u00b7 mostly optimism (40%) in 3 days.\n"
        "Busiest day: Mar 13 (4 requests)."
    )
    assert embed["image"] == {"url": "attachment://trend.png"}
    assert embed["footer"]["text"] == "Mar 13 \u2013 Mar 15, 2026 \u00b7 days in Europe/Madrid"


def test_embed_of_a_quiet_series() -> None:
    assert trend_description(series([0] * 14)) == "Nothing about open-sourcing in these 14 days."


def test_title_fits_discords_limit() -> None:
    embed = trend_embed(series([1], title="n" * 300), filename="chart.png")
    assert len(embed["title"]) == 256
    assert embed["image"]["url"] == "attachment://chart.png"
