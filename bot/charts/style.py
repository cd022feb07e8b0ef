"""Colours and sizes of Clamor's charts. Pure: no plotting import.

Discord shows an image on a near-black chat (dark theme, #313338) or a white one (light theme),
and a transparent chart cannot have one text colour that reads on both. So the chart carries its
own card: a dark slate close to Discord's dark embed colour, with rounded corners (transparent
outside them), a hairline border that separates it from the dark chat, and mid-luminance colours
that keep at least 3:1 contrast against the card (WCAG's figure for graphics; text keeps 4.5:1).
On the light theme it reads as a dark card, like a screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass

CARD = "#383a40"
BORDER = "#4e5058"
TEXT = "#f2f3f5"
MUTED = "#b5bac1"
GRID = "#4e5058"
BARS = "#8e9aaf"
TONE = "#f0b429"
EMPTY_BAND = "#43454c"

CATEGORY_COLOURS: dict[str, str] = {
    "demand": "#5b8def",
    "frustration": "#ef6461",
    "optimism": "#57ab5a",
    "skepticism": "#2fb6c0",
    "defeatism": "#a371f7",
}
OTHER_CATEGORY = "#8b949e"

DISCORD_DARK = "#313338"
DISCORD_LIGHT = "#ffffff"


@dataclass(frozen=True, slots=True)
class Layout:
    """Pixel size and type sizes of one chart format (figure inches = pixels / DPI)."""

    width: int
    height: int
    title_size: float
    text_size: float
    tick_size: float
    max_date_labels: int


DPI = 100
FULL = Layout(width=1000, height=500, title_size=15, text_size=10, tick_size=9, max_date_labels=10)
COMPACT = Layout(
    width=800, height=300, title_size=11.5, text_size=8.5, tick_size=8, max_date_labels=8
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def category_colour(name: str) -> str:
    return CATEGORY_COLOURS.get(name, OTHER_CATEGORY)
