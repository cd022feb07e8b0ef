"""What changed: the period against the one before it and against the baseline's daily average.

Each comparison is three short lines (messages, tone, the reaction that moved most), with an
arrow a moderator reads before the numbers: ▲ up, ▼ down, → about the same.
"""

from __future__ import annotations

from datetime import timedelta

from bot.analysis.results import CATEGORIES
from bot.digest.contents import Digest, Totals
from bot.digest.headline import CATEGORY_LABELS, signed

UP, DOWN, FLAT = "▲", "▼", "→"
TONE_STEP = 0.05  # tone moves smaller than this read as "about the same"
SHARE_STEP = 0.05


def arrow(change: float, step: float = 0.0) -> str:
    if change > step:
        return UP
    if change < -step:
        return DOWN
    return FLAT


def _ratio(now: float, before: float) -> str:
    if before <= 0:
        return "none before"
    ratio = now / before
    if ratio >= 1.95:
        return f"{ratio:.1f}x"
    return f"{(ratio - 1):+.0%}"


def _tone_line(now: Totals, before: Totals, suffix: bool) -> str | None:
    if now.mean_compound is None or before.mean_compound is None:
        return None
    change = now.mean_compound - before.mean_compound
    line = f"{arrow(change, TONE_STEP)} tone {signed(change)}"
    return line + (f" (avg {signed(before.mean_compound)})" if suffix else "")


def previous_title(digest: Digest) -> str:
    period = digest.period
    if period.days > 1:
        return f"vs previous {period.days} days"
    day_before = period.first - timedelta(days=1)
    if digest.today is not None and period.first in (digest.today, digest.today - timedelta(1)):
        return "vs the day before"
    return f"vs {day_before:%a %d %b}"


def against_previous(digest: Digest) -> list[str]:
    now, before = digest.totals, digest.previous
    change = now.requests - before.requests
    lines = [f"{arrow(change)} {change:+,} messages ({_ratio(now.requests, before.requests)})"]
    tone = _tone_line(now, before, suffix=False)
    if tone:
        lines.append(tone)
    if before.requests:
        moves = {name: now.categories[name] - before.categories.get(name, 0) for name in CATEGORIES}
        name = max(CATEGORIES, key=lambda n: (abs(moves[n]), -CATEGORIES.index(n)))
        if moves[name]:
            lines.append(f"{arrow(moves[name])} {CATEGORY_LABELS[name]} {moves[name]:+d}")
    return lines


def against_baseline(digest: Digest) -> list[str]:
    base = digest.baseline
    assert base is not None
    days = digest.baseline_days
    average = base.requests / days
    per_day = digest.totals.requests / digest.period.days
    change = per_day - average
    unit = "messages" if digest.period.days == 1 else "a day"
    lines = [f"{arrow(change, 0.05)} {change:+.1f} {unit} (avg {average:.1f})"]
    tone = _tone_line(digest.totals, base, suffix=True)
    if tone:
        lines.append(tone)
    if base.requests and digest.totals.requests:
        shares = {
            name: (
                digest.totals.categories[name] / digest.totals.requests,
                base.categories.get(name, 0) / base.requests,
            )
            for name in CATEGORIES
        }
        name = max(
            CATEGORIES, key=lambda n: (abs(shares[n][0] - shares[n][1]), -CATEGORIES.index(n))
        )
        now_share, base_share = shares[name]
        lines.append(
            f"{arrow(now_share - base_share, SHARE_STEP)} {CATEGORY_LABELS[name]} "
            f"{now_share:.0%} (avg {base_share:.0%})"
        )
    return lines


def comparison_sections(digest: Digest) -> list[tuple[str, list[str]]]:
    """(title, lines) for the period before and, when gathered, the baseline."""
    sections = []
    if digest.previous.requests or digest.previous.seen:
        sections.append((previous_title(digest), against_previous(digest)))
    else:
        sections.append((previous_title(digest), ["no data to compare"]))
    if digest.baseline is not None:
        title = f"vs {digest.baseline_days}-day average"
        if digest.baseline.requests or digest.baseline.seen:
            sections.append((title, against_baseline(digest)))
        else:
            sections.append((title, ["no data to compare"]))
    return sections
