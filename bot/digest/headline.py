"""The words a digest is read by: one headline sentence and the small phrases around numbers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.digest.contents import Digest, Period, Totals

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
    # Adding 0.0 turns a rounded -0.0 into 0.0: "+0.00", never "-0.00".
    return f"{round(value, digits) + 0.0:+.{digits}f}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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


def when(period: Period, today: date | None) -> str:
    """The period as a reader says it: "today", "yesterday", "on Sat 14 Mar", "over 7 days"."""
    if period.days > 1:
        return f"over {period.days} days"
    if today is not None and period.first == today:
        return "today"
    if today is not None and period.first == today - timedelta(days=1):
        return "yesterday"
    return f"on {period.first:%a %d %b}"


def reaction_phrase(totals: Totals) -> str | None:
    """Says "mostly frustration" when one reaction has 40% or more, "frustration leads" when it
    is ahead with less, and "optimism and skepticism tied" when several share the lead."""
    top = max(totals.categories.values(), default=0)
    if top == 0 or not totals.requests:
        return None
    leaders = [CATEGORY_LABELS.get(name, name) for name, n in totals.categories.items() if n == top]
    if len(leaders) > 1:
        return f"{', '.join(leaders[:-1])} and {leaders[-1]} tied"
    share = top / totals.requests
    return f"mostly {leaders[0]}" if share >= 0.4 else f"{leaders[0]} leads"


def headline(digest: Digest) -> str:
    """One sentence: "Open-sourcing talk doubled yesterday: 84 messages, mostly frustration."."""
    current = digest.totals
    said_when = when(digest.period, digest.today)
    if current.requests == 0:
        return f"Nothing about open-sourcing {said_when}."
    sentence = f"{_trend_verb(current, digest.previous)} {said_when}: "
    sentence += plural(current.requests, "message")
    reaction = reaction_phrase(current)
    sentence += f", {reaction}" if reaction else f", tone {tone_word(current.mean_compound)}"
    return sentence + "."


def context_line(digest: Digest) -> str:
    """The baseline in one line, for a day with nothing to show (empty when not gathered)."""
    base = digest.baseline
    if base is None:
        return ""
    days = digest.baseline_days
    if base.requests == 0:
        return f"None in the {days} days before either."
    line = (
        f"The {days} days before: {plural(base.requests, 'message')} "
        f"({base.requests / days:.1f} a day)"
    )
    reaction = reaction_phrase(base)
    return line + (f", {reaction}." if reaction else ".")
