"""The palette reads on Discord's dark and light themes: contrast checked, not eyeballed."""

from __future__ import annotations

import pytest

from bot.charts import style

GRAPHICS = [style.BARS, style.TONE, *style.CATEGORY_COLOURS.values()]


@pytest.mark.parametrize(("first", "second", "ratio"), [("#000000", "#ffffff", 21.0)])
def test_contrast_formula(first: str, second: str, ratio: float) -> None:
    assert style.contrast(first, second) == pytest.approx(ratio)
    assert style.contrast(first, first) == pytest.approx(1.0)


def test_text_on_the_card_meets_wcag_aa() -> None:
    for colour in (style.TEXT, style.MUTED, style.TONE):  # TONE labels the right axis
        assert style.contrast(colour, style.CARD) >= 4.5, colour


@pytest.mark.parametrize("colour", GRAPHICS)
def test_marks_stand_out_on_the_card(colour: str) -> None:
    assert style.contrast(colour, style.CARD) >= 3.0


def test_the_card_stands_apart_from_both_themes() -> None:
    # Dark theme: the border draws the edge; light theme: the card itself.
    assert style.contrast(style.BORDER, style.DISCORD_DARK) >= 1.3
    assert style.contrast(style.CARD, style.DISCORD_LIGHT) >= 4.5
