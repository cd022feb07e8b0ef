"""TrendSeries -> PNG bytes: daily request volume as bars, mean tone as a line on a second axis,
and the reaction mix as a stacked band under the bars.

BLOCKING (a chart takes a tenth of a second or more): the bot calls it through
`asyncio.to_thread`. matplotlib is imported here, by `warm_up` once the bot is connected or
on the first chart, never during start-up.
Drawing uses the object API (Figure + FigureCanvasAgg, no pyplot state). Defaults come from
matplotlib's own style rather than a user's matplotlibrc, under a lock because rcParams are
global: the same series gives the same bytes on every machine and from every thread.
"""

from __future__ import annotations

import io
import math
import threading
from typing import TYPE_CHECKING, Any

from bot.charts import labels
from bot.charts.style import (
    BARS,
    BORDER,
    CARD,
    COMPACT,
    DPI,
    EMPTY_BAND,
    FULL,
    GRID,
    MUTED,
    TEXT,
    TONE,
    Layout,
    category_colour,
)
from bot.charts.trend_series import TrendSeries

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.text import Text

FONT = "DejaVu Sans"  # bundled with matplotlib: the same glyphs everywhere, nothing to install
_style_lock = threading.Lock()
MIN_SLOTS = 7
VALUE_LABELS_UP_TO = 16  # days; past that the counts above the bars crowd each other
GRID_STEPS = 4  # the count axis and the tone axis (-1..1) share these gridlines


def warm_up() -> None:
    """Import matplotlib and find the chart font (BLOCKING, about 2 s the first time), so the
    first chart a moderator asks for is not the one that pays for it."""
    import matplotlib.style  # noqa: F401
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    font_manager.findfont(FONT)


def render_trend(series: TrendSeries, *, compact: bool = False) -> bytes:
    """The chart as PNG bytes: 1000x500 px, or 800x300 px with `compact` (the digest's)."""
    import matplotlib as mpl
    import matplotlib.style

    layout = COMPACT if compact else FULL
    with _style_lock, mpl.rc_context():
        matplotlib.style.use("default")
        mpl.rcParams.update(
            {"font.family": FONT, "svg.hashsalt": "clamor", "axes.unicode_minus": True}
        )
        figure = _draw(series, layout, compact)
        buffer = io.BytesIO()
        # No "Software" text chunk: the bytes then do not change with matplotlib's version.
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _draw(series: TrendSeries, layout: Layout, compact: bool) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(layout.width / DPI, layout.height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.patch.set_alpha(0.0)
    _card(figure, layout)
    _titles(figure, series, layout, compact)
    left, right = (0.065, 0.935) if compact else (0.07, 0.93)
    if compact:
        main_rect, band_rect = (left, 0.355, right - left, 0.47), (left, 0.25, right - left, 0.06)
    else:
        main_rect, band_rect = (left, 0.29, right - left, 0.50), (left, 0.19, right - left, 0.055)
    bars = figure.add_axes(main_rect)
    band = figure.add_axes(band_rect, sharex=bars)
    count = len(series.days)
    positions = list(range(count))
    width = 0.72 if count <= 45 else 0.8
    quiet = max(series.requests, default=0) == 0
    _volume(bars, series, positions, width, layout)
    if not quiet:
        _tone(bars, series, positions, count, layout)
    _mix(band, series, positions, width, layout, quiet)
    # A few days keep the width of a week's bars instead of filling the chart with slabs.
    slots = max(count, MIN_SLOTS)
    spare = (slots - count) / 2
    bars.set_xlim(-0.6 - spare, count - 0.4 + spare)
    if not quiet:
        _legend(figure, series, layout, compact)
    return figure


def _card(figure: Figure, layout: Layout) -> None:
    from matplotlib.patches import FancyBboxPatch

    inset = 1.5 / layout.width  # keep the border's stroke inside the image
    card = FancyBboxPatch(
        (inset, inset * layout.width / layout.height),
        1 - 2 * inset,
        1 - 2 * inset * layout.width / layout.height,
        boxstyle="round,pad=0,rounding_size=0.012",
        mutation_aspect=layout.width / layout.height,
        transform=figure.transFigure,
        facecolor=CARD,
        edgecolor=BORDER,
        linewidth=1.0,
        zorder=-10,
    )
    figure.patches.append(card)


def _titles(figure: Figure, series: TrendSeries, layout: Layout, compact: bool) -> None:
    title = "Open-sourcing requests"
    if series.title:
        title += f" \u00b7 {series.title}"
    where = f"{labels.period_text(series.days)} \u00b7 {series.timezone}"
    if compact:
        # The digest around a compact chart already gives the totals: one row, more plot.
        top = 0.905
        right = figure.text(0.97, top, where, color=MUTED, fontsize=layout.text_size, ha="right")
        heading = figure.text(
            0.03, top, title, color=TEXT, fontsize=layout.title_size, fontweight="bold"
        )
        _fit(figure, heading, _left_edge(figure, right) - 0.02)
        return
    top = 0.915
    heading = figure.text(
        0.035, top, title, color=TEXT, fontsize=layout.title_size, fontweight="bold", va="center"
    )
    _fit(figure, heading, 0.965)
    summary = figure.text(
        0.035,
        top - 0.065,
        f"{where}   {labels.summary_line(series)}",
        color=MUTED,
        fontsize=layout.text_size,
        va="center",
    )
    _fit(figure, summary, 0.965)


def _left_edge(figure: Figure, text: Text) -> float:
    box = text.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    return float(box.x0 / figure.bbox.width)


def _fit(figure: Figure, text: Text, right_edge: float) -> None:
    """Shorten `text` with an ellipsis until it ends left of `right_edge` (figure fraction):
    guild and channel names run to 100 characters."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = right_edge * figure.bbox.width
    full = text.get_text()
    if text.get_window_extent(renderer).x1 <= limit:
        return
    # Bisect on how many characters to keep: measuring text is the slow part.
    fits, too_long = 1, len(full)
    while too_long - fits > 1:
        keep = (fits + too_long) // 2
        text.set_text(full[:keep].rstrip() + "\u2026")
        if text.get_window_extent(renderer).x1 <= limit:
            fits = keep
        else:
            too_long = keep
    text.set_text(full[:fits].rstrip() + "\u2026")


def _style_axes(axes: Axes, layout: Layout) -> None:
    axes.set_facecolor("none")
    for name, spine in axes.spines.items():
        spine.set_visible(name == "bottom")
        spine.set_color(GRID)
    axes.tick_params(colors=MUTED, labelsize=layout.tick_size, length=0, pad=4)


def _volume(
    axes: Axes, series: TrendSeries, positions: list[int], width: float, layout: Layout
) -> None:
    _style_axes(axes, layout)
    axes.tick_params(axis="x", labelbottom=False)
    peak = max(series.requests, default=0)
    if peak == 0:
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        axes.text(
            0.5,
            0.55,
            labels.quiet_text(series),
            transform=axes.transAxes,
            ha="center",
            va="center",
            color=MUTED,
            fontsize=layout.text_size + 2,
        )
        return
    bars = axes.bar(positions, series.requests, width=width, color=BARS, zorder=2, linewidth=0)
    step = nice_step(peak * 1.08 / GRID_STEPS)
    axes.set_ylim(0, step * GRID_STEPS)
    axes.set_yticks([step * n for n in range(GRID_STEPS + 1)])
    axes.grid(axis="y", color=GRID, linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)
    axes.set_ylabel("requests / day", color=MUTED, fontsize=layout.tick_size)
    if len(positions) <= VALUE_LABELS_UP_TO:
        shown = [str(count) if count else "" for count in series.requests]
        axes.bar_label(bars, shown, padding=2, color=MUTED, fontsize=layout.tick_size - 0.5)


def nice_step(at_least: float) -> int:
    """The smallest round whole step (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, ...) that is
    at least `at_least`: gridlines on round counts without wasting half the height."""
    magnitude = 1
    while True:
        for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8):
            step = factor * magnitude
            if step >= at_least and step == int(step):
                return int(step)
        magnitude *= 10


def _tone(
    axes: Axes, series: TrendSeries, positions: list[int], count: int, layout: Layout
) -> None:
    tone_axes = axes.twinx()
    _style_axes(tone_axes, layout)
    tone_axes.spines["bottom"].set_visible(False)
    tone_axes.set_ylim(-1, 1)
    tone_axes.set_yticks([-1, -0.5, 0, 0.5, 1])
    tone_axes.set_yticklabels(
        [f"{labels.MINUS}1", f"{labels.MINUS}.5", "0", "+.5", "+1"], color=TONE
    )
    tone_axes.set_ylabel("mean tone", color=TONE, fontsize=layout.tick_size)
    tone_axes.axhline(0, color=TONE, alpha=0.45, linewidth=0.8, linestyle=(0, (4, 3)), zorder=1)
    values = [math.nan if tone is None else tone for tone in series.mean_tone]
    marker_size = 6 if count <= 7 else 4.5 if count <= 31 else 2.5
    tone_axes.plot(
        positions,
        values,
        color=TONE,
        linewidth=2.0 if count <= 45 else 1.5,
        marker="o",
        markersize=marker_size,
        zorder=3,
        solid_capstyle="round",
        clip_on=False,
        solid_joinstyle="round",
    )


def _mix(
    band: Axes,
    series: TrendSeries,
    positions: list[int],
    width: float,
    layout: Layout,
    quiet: bool,
) -> None:
    """Each day's reactions as shares of that day's requests, stacked to one."""
    _style_axes(band, layout)
    band.spines["bottom"].set_visible(False)
    band.set_ylim(0, 1)
    band.set_yticks([])
    if not quiet:
        band.set_ylabel("mix", color=MUTED, fontsize=layout.tick_size, rotation=0, ha="right")
        band.yaxis.set_label_coords(-0.008, 0.25)
        band.add_collection(_mix_blocks(series, width), autolim=False)
    chosen = labels.label_positions(len(positions), layout.max_date_labels)
    band.set_xticks(chosen)
    band.set_xticklabels([labels.short_day(series.days[i]) for i in chosen])


def _mix_blocks(series: TrendSeries, width: float) -> PolyCollection:
    """One collection for the whole band: 90 days x 5 categories as separate bar patches cost
    most of a chart's drawing time."""
    from matplotlib.collections import PolyCollection

    blocks: list[list[tuple[float, float]]] = []
    colours: list[str] = []

    def block(x: int, low: float, high: float, colour: str) -> None:
        left, right = x - width / 2, x + width / 2
        blocks.append([(left, low), (right, low), (right, high), (left, high)])
        colours.append(colour)

    for x in range(len(series.days)):
        total = sum(counts[x] for counts in series.categories.values())
        if total == 0:
            # A day without requests keeps a faint slot, so the band does not look cut.
            block(x, 0.0, 1.0, EMPTY_BAND)
            continue
        low = 0.0
        for name, counts in series.categories.items():
            if counts[x]:
                high = low + counts[x] / total
                block(x, low, high, category_colour(name))
                low = high
    return PolyCollection(blocks, facecolors=colours, linewidths=0, antialiaseds=True)


def _legend(figure: Figure, series: TrendSeries, layout: Layout, compact: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [
        Patch(facecolor=BARS, label="requests"),
        Line2D([], [], color=TONE, marker="o", markersize=4, linewidth=2, label="mean tone"),
    ]
    handles += [Patch(facecolor=category_colour(name), label=name) for name in series.categories]
    legend = figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.015 if not compact else 0.0),
        ncol=len(handles),
        frameon=False,
        fontsize=layout.tick_size,
        handlelength=1.2,
        handleheight=0.9,
        columnspacing=1.4,
        handletextpad=0.5,
    )
    for text in legend.get_texts():
        text.set_color(TEXT)
    legend.set_zorder(5)
