"""Draw a Discord embed dict the way Discord's dark theme shows it, with matplotlib (Agg).

Only for the README's picture: it reads the SAME dict the bot sends (`bot.digest.render.to_embed`)
so the picture cannot drift from the bot. It knows the little Markdown a digest uses: **bold**,
[links](url), `inline code`, ```code blocks```, "> " quotes, backslash escapes and `<t:…:R>`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.image import imread
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.transforms import Affine2D

WIDTH = 620  # px: Discord draws an embed at most ~520 px wide, plus the message's margins
CHAT_BG, EMBED_BG, CODE_BG = "#313338", "#2b2d31", "#1e1f22"
TEXT, MUTED, WHITE, LINK = "#dbdee1", "#b5bac1", "#f2f3f5", "#00a8fc"
LEFT, PAD, BAR = 72, 16, 4  # message indent (after the avatar), embed padding, colour bar
INNER = WIDTH - LEFT - 16 - BAR - 2 * PAD
SANS = FontProperties(family="DejaVu Sans", size=10.5)
BOLD = FontProperties(family="DejaVu Sans", size=10.5, weight="bold")
MONO = FontProperties(family="DejaVu Sans Mono", size=9.5)
SMALL = FontProperties(family="DejaVu Sans", size=9)
TITLE = FontProperties(family="DejaVu Sans", size=12, weight="bold")
LINE = 19  # px per line of body text

_TOKENS = re.compile(r"\*\*(.+?)\*\*|\[(.+?)\]\((\S+?)\)|`([^`]+)`|<t:(\d+):R>|\\(.)")

Draw = Callable[[Figure, float], None]


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    font: FontProperties
    colour: str
    code: bool = False


class Page:
    """Measures text and collects draw calls top-down; `png()` lays them on one figure."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.ops: list[Draw] = []
        self._scratch = Figure(figsize=(1, 1), dpi=100)
        self._renderer = FigureCanvasAgg(self._scratch).get_renderer()  # type: ignore[no-untyped-call]

    def width(self, text: str, font: FontProperties) -> float:
        w, _, _ = self._renderer.get_text_width_height_descent(text, font, ismath=False)
        return float(w)  # Agg measures in px of its 100 dpi figure

    def text(self, x: float, y: float, run: Run) -> None:
        def draw(fig: Figure, height: float) -> None:
            if run.code:
                w = self.width(run.text, run.font)
                box = Rectangle((x - 2, height - y - 16), w + 4, 17, color=CODE_BG, lw=0)
                fig.add_artist(_px(fig, box))
            fig.text(x / WIDTH, 1 - (y + 13) / height, run.text, fontproperties=run.font,
                     color=run.colour, va="baseline")  # fmt: skip

        self.ops.append(draw)

    def rect(
        self, x: float, y: float, w: float, h: float, colour: str, round_: bool = False
    ) -> None:
        def draw(fig: Figure, height: float) -> None:
            style = "round,pad=0,rounding_size=4" if round_ else "square,pad=0"
            box = FancyBboxPatch((x, height - y - h), w, h, boxstyle=style, color=colour, lw=0)
            fig.add_artist(_px(fig, box))

        self.ops.append(draw)

    def image(self, png: bytes, x: float, y: float, w: float) -> float:
        pixels = imread(io.BytesIO(png), format="png")
        h = float(w * pixels.shape[0] / pixels.shape[1])

        def draw(fig: Figure, height: float) -> None:
            axes = fig.add_axes((x / WIDTH, 1 - (y + h) / height, w / WIDTH, h / height))
            axes.imshow(pixels, aspect="auto", interpolation="antialiased")
            axes.set_axis_off()
            axes.set_zorder(2)  # above the card, which is a figure-level patch

        self.ops.append(draw)
        return h

    def png(self, height: float) -> bytes:
        fig = Figure(figsize=(WIDTH / 100, height / 100), dpi=100, facecolor=CHAT_BG)
        for op in self.ops:
            op(fig, height)
        FigureCanvasAgg(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=130, facecolor=CHAT_BG, pil_kwargs={"optimize": True})
        return out.getvalue()


def _px(fig: Figure, patch: Any) -> Any:
    # Layout is in px of a 100 dpi figure; dpi_scale_trans takes inches.
    patch.set_transform(Affine2D().scale(1 / 100) + fig.dpi_scale_trans)
    return patch


def relative(unix: float, now: float) -> str:
    """`<t:…:R>` as Discord words it, relative to the moment the picture pretends to be."""
    seconds = now - unix
    for size, unit, one in (
        (86400, "day", "a day"),
        (3600, "hour", "an hour"),
        (60, "minute", "a minute"),
    ):
        count = int(seconds // size)
        if count > 1:
            return f"{count} {unit}s ago"
        if count == 1:
            return f"{one} ago"
    return "a few seconds ago"


def _drawable(text: str) -> str:
    # DejaVu has no emoji (outside the Basic Multilingual Plane); Discord would draw them.
    return "".join(char if ord(char) <= 0xFFFF else "◇" for char in text)


def runs(line: str, base: Run, now: float) -> list[Run]:
    line = _drawable(line)
    out: list[Run] = []
    at = 0
    for match in _TOKENS.finditer(line):
        if match.start() > at:
            out.append(Run(line[at : match.start()], base.font, base.colour))
        bold, label, _url, code, stamp, escaped = match.groups()
        if bold is not None:
            out.append(Run(bold, BOLD, WHITE))
        elif label is not None:
            out.append(Run(label, base.font, LINK))
        elif code is not None:
            out.append(Run(code, MONO, TEXT, code=True))
        elif stamp is not None:
            out.append(Run(relative(float(stamp), now), base.font, TEXT, code=True))
        else:
            out.append(Run(escaped, base.font, base.colour))
        at = match.end()
    if at < len(line):
        out.append(Run(line[at:], base.font, base.colour))
    return out


def paragraph(page: Page, text: str, x: float, y: float, width: float, base: Run) -> float:
    """Draw wrapped Markdown at (x, y) within `width`; return the y below it."""
    in_code = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            page.rect(x, y, width, LINE + 2, CODE_BG)
            page.text(x + 6, y + 1, Run(line, MONO, TEXT))
            y += LINE
            continue
        left = x
        if line.startswith("> "):
            page.rect(x, y, 3, LINE, "#4e5058")
            left, line = x + 12, line[2:]
        y = _wrapped(page, runs(line, base, page.now), left, y, x + width)
    return y


def _wrapped(page: Page, line_runs: list[Run], left: float, y: float, right: float) -> float:
    cursor = left
    for run in line_runs:
        pieces = [run.text] if run.code else re.findall(r"\S+\s*|\s+", run.text)
        for piece in pieces:
            w = page.width(piece, run.font)
            if cursor + w > right and cursor > left and piece.strip():
                cursor, y = left, y + LINE
            page.text(cursor, y, Run(piece, run.font, run.colour, run.code))
            cursor += w + (4 if run.code else 0)
    return y + LINE


def draw_embed(embed: dict[str, Any], *, chart: bytes | None, now: float, author: str) -> bytes:
    """PNG of a bot message carrying `embed` (and `chart` as its attached image)."""
    page = Page(now)
    page.rect(16, 16, 40, 40, "#5865f2", round_=True)
    card_at = len(page.ops)  # the card goes under everything drawn after this
    page.text(25, 27, Run("C", TITLE, WHITE))
    page.text(LEFT, 14, Run(author, BOLD, WHITE))
    page.text(LEFT + page.width(author, BOLD) + 8, 14, Run("APP", SMALL, WHITE, code=True))
    top, x = 42.0, LEFT + BAR + PAD
    y = top + PAD
    body = Run("", SANS, TEXT)
    y = paragraph(page, f"**{embed['title']}**", x, y, INNER, Run("", TITLE, WHITE)) + 6
    y = paragraph(page, embed.get("description", ""), x, y, INNER, body) + 8
    fields = embed.get("fields", [])
    index = 0
    while index < len(fields):
        row = [fields[index]]
        while fields[index]["inline"] and len(row) < 3 and index + len(row) < len(fields):
            if not fields[index + len(row)]["inline"]:
                break
            row.append(fields[index + len(row)])
        gap = 12
        column = (INNER - gap * (len(row) - 1)) / len(row)
        bottom = y
        for n, item in enumerate(row):
            left = x + n * (column + gap)
            below = paragraph(page, f"**{item['name']}**", left, y, column, body)
            bottom = max(bottom, paragraph(page, item["value"], left, below, column, body))
        y, index = bottom + 8, index + len(row)
    if chart is not None and "image" in embed:
        y += page.image(chart, x, y, INNER) + 10
    footer = embed.get("footer", {}).get("text")
    if footer:
        y = paragraph(page, footer, x, y, INNER, Run("", SMALL, MUTED))
    height = y + PAD
    colour = f"#{int(embed.get('color', 0x5865F2)):06x}"
    # The card's size is known only now; its drawing goes under the text measured above.
    drawn = page.ops
    page.ops = []
    page.rect(LEFT, top, BAR + 4, height - top, colour, round_=True)
    page.rect(LEFT + BAR, top, WIDTH - LEFT - 16 - BAR, height - top, EMBED_BG, round_=True)
    page.ops = drawn[:card_at] + page.ops + drawn[card_at:]
    return page.png(height + 16)
