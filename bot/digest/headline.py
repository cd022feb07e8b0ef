"""The words a digest is read by: one headline sentence and the small phrases around numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.digest.model import Digest, Totals

CATEGORY_LABELS = {
    "demand": "demands",
    "frustration": "frustration",
    "optimism": "optimism",
    "skepticism": "skepticism",
    "defeatism": "defeatism",
}


def tone_word(compound: float | None) -> str:
    if compound is None:
        return "no tone"
    if compound <= -0.35:
        return "very negative"
    if compound <= -0.05:
        return "negative"
    if compound < 0.05:
        return "neutral"
    if compound < 0.35:
        return "positive"
    return "very positive"


def signed(value: float, digits: int = 2) -> str:
    return f"{value:+.{digits}f}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def change_phrase(now: int, before: int) -> str:
    """How a count moved, in words a moderator reads at a glance."""
    if before == 0:
        return "new" if now else "none before either"
    ratio = now / before
    if ratio >= 2.5:
        return f"{ratio:.1f}x as many as before"
    if ratio >= 1.8:
        return "about double"
    if ratio >= 1.15:
        return f"up {round((ratio - 1) * 100)}%"
    if ratio > 0.87:
        return "about the same"
    if ratio > 0.4:
        return f"down {round((1 - ratio) * 100)}%"
    return "far fewer"


def _trend_verb(current: Totals, previous: Totals) -> str:
    if previous.requests == 0:
        return "Open-sourcing talk"
    ratio = current.requests / previous.requests
    if ratio >= 2.5:
        return f"Open-sourcing talk jumped {ratio:.0f}x"
    if ratio >= 1.8:
        return "Open-sourcing talk doubled"
    if ratio >= 1.15:
        return "Open-sourcing talk rose"
    if ratio > 0.87:
        return "Open-sourcing talk held steady"
    if ratio > 0.4:
        return "Open-sourcing talk eased"
    return "Open-sourcing talk quieted down"


def headline(digest: Digest) -> str:
    current, previous = digest.totals, digest.previous
    period = digest.period
    when = f"on {period.first:%a %d %b}" if period.days == 1 else f"over {period.days} days"
    if current.requests == 0:
        return f"Nothing about open-sourcing {when}: all quiet."
    parts = [f"{_trend_verb(current, previous)}: {plural(current.requests, 'message')}"]
    if current.share is not None and current.seen > current.requests:
        parts[0] += f" of {current.seen:,} ({current.share:.0%})"
    dominant = current.dominant_category()
    if dominant is not None:
        share = current.categories[dominant] / current.requests
        label = CATEGORY_LABELS[dominant]
        parts.append(f"mostly {label}" if share >= 0.4 else f"{label} leads")
    parts.append(f"tone {tone_word(current.mean_compound)}")
    return ", ".join(parts) + "."
