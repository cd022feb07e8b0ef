"""render_trend: a valid PNG of the promised size, the same bytes for the same data, and the
colours where they belong."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from bot.charts.render import nice_step, render_trend
from bot.charts.style import BARS, CARD, TONE, category_colour
from bot.charts.trend_series import TrendSeries
from tests.charts.factory import busy, series

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def colours(data: bytes) -> set[tuple[int, ...]]:
    image = pytest.importorskip("PIL.Image").open(io.BytesIO(data)).convert("RGBA")
    return {pixel[:3] for _, pixel in image.getcolors(maxcolors=1 << 20) if pixel[3] == 255}


CASES = {
    "one day": series([3]),
    "a week with gaps": series([0, 2, 0, 0, 5, 1, 0]),
    "30 days": busy(30),
    "90 days": busy(90),
    "quiet": series([0] * 30),
    "no tones at all": series([2, 3], tones=[None, None]),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize(("compact", "size"), [(False, (1000, 500)), (True, (800, 300))])
def test_every_shape_renders_at_its_size(name: str, compact: bool, size: tuple[int, int]) -> None:
    assert png_size(render_trend(CASES[name], compact=compact)) == size


def test_same_data_same_bytes() -> None:
    first = render_trend(busy(30))
    assert render_trend(busy(30)) == first
    assert render_trend(busy(31)) != first
    assert b"Software" not in first  # no version stamp in the metadata


def test_a_users_matplotlibrc_changes_nothing(tmp_path: Path) -> None:
    rc = tmp_path / "matplotlibrc"
    rc.write_text("font.size: 22\naxes.facecolor: red\nlines.linewidth: 9\nfont.family: serif\n")
    script = (
        "import sys; from bot.charts.render import render_trend; "
        "from tests.charts.factory import busy; "
        "sys.stdout.buffer.write(render_trend(busy(30)))"
    )
    environ = {**os.environ, "MATPLOTLIBRC": str(rc), "MPLCONFIGDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, check=True
    )
    assert done.stdout == render_trend(busy(30))


def test_bars_tone_and_mix_are_drawn_in_their_colours() -> None:
    drawn = colours(render_trend(series([5, 0, 4, 9, 2, 0, 6])))
    for colour in (CARD, BARS, TONE, *(category_colour(n) for n in CASES["30 days"].categories)):
        assert rgb(colour) in drawn, colour


def test_a_quiet_chart_draws_no_bars_and_no_tone() -> None:
    drawn = colours(render_trend(series([0] * 14), compact=True))
    assert rgb(CARD) in drawn
    assert rgb(BARS) not in drawn
    assert rgb(TONE) not in drawn


def test_corners_are_transparent_and_the_card_is_opaque() -> None:
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.open(io.BytesIO(render_trend(busy(14)))).convert("RGBA")
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((999, 499))[3] == 0
    assert image.getpixel((12, 250)) == (*rgb(CARD), 255)


def test_importing_the_chart_modules_does_not_import_matplotlib() -> None:
    script = (
        "import sys, bot.charts, bot.charts.render, bot.trends, cogs._trend_command; "
        "from bot.charts import render_trend, trend_from_store; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_a_long_title_is_shortened_not_spilled() -> None:
    long_name = TrendSeries(**{**_fields(busy(7)), "title": "x" * 100 + " \u00b7 #" + "y" * 100})
    assert png_size(render_trend(long_name)) == (1000, 500)
    assert png_size(render_trend(long_name, compact=True)) == (800, 300)


def _fields(data: TrendSeries) -> dict[str, object]:
    return {name: getattr(data, name) for name in TrendSeries.__slots__}


@pytest.mark.parametrize(
    ("at_least", "expected"),
    [
        (0.1, 1),
        (1, 1),
        (1.2, 2),
        (2.6, 3),
        (7, 8),
        (9, 10),
        (11, 15),
        (26.7, 30),
        (41, 50),
        (900, 1000),
    ],
)
def test_nice_step(at_least: float, expected: int) -> None:
    assert nice_step(at_least) == expected
