"""The digest's content as titled sections of short lines, shared by every renderer.

Renderers differ in markup (terminal, Markdown, Discord embed) but must never differ in what they
say, so the wording lives here once and each renderer only decides how a link, a moment and a
quoted message look (`Markup`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.analysis.results import CATEGORIES
from bot.digest.comparison import comparison_sections
from bot.digest.contents import Digest, Example, Period
from bot.digest.headline import context_line, plural, signed, tone_word

LinkFormat = Callable[[str, str], str]  # (label, url) -> markup
BAR_WIDTH = 12
RANKED_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: list[str]
    inline: bool = False  # a hint for embeds: short sections sit side by side
    monospace: bool = False  # columns that only line up in a fixed-width font


def plain_link(label: str, url: str) -> str:
    return f"{label} <{url}>"


def local_stamp(unix: float, period: Period) -> str:
    """A moment as the guild's clock shows it, for renderers without Discord's timestamps."""
    return f"{datetime.fromtimestamp(unix, period.zone):%d %b %H:%M}"


def plain_quote(text: str) -> str:
    return f"“{text}”"


@dataclass(frozen=True, slots=True)
class Markup:
    link: LinkFormat = plain_link
    stamp: Callable[[float, Period], str] = local_stamp
    quote: Callable[[str], str] = plain_quote
    inline: Callable[[str], str] = plain_quote  # a member's words inside a line of ours


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def _volume_lines(digest: Digest) -> list[str]:
    now = digest.totals
    lines = [plural(now.requests, "request message")]
    if now.share is not None and now.seen > now.requests:
        lines.append(f"{now.share:.1%} of {now.seen:,} seen")
    if now.mean_compound is not None:
        lines.append(f"tone {signed(now.mean_compound)} ({tone_word(now.mean_compound)})")
    return lines


def _category_lines(digest: Digest) -> list[str]:
    """One bar per reaction, the largest first; the change against the period before."""
    total = digest.totals.requests
    counts = digest.totals.categories
    order = sorted(CATEGORIES, key=lambda name: (-counts.get(name, 0), CATEGORIES.index(name)))
    lines = []
    for name in order:
        count = counts.get(name, 0)
        before = digest.previous.categories.get(name, 0)
        fraction = count / total if total else 0.0
        delta = f" ({count - before:+d})" if digest.previous.requests else ""
        lines.append(f"`{name:<11}` {bar(fraction)} {count:>3} {fraction:>4.0%}{delta}")
    return lines


def _ranked(items: list[tuple[str, int]]) -> list[str]:
    return [f"{name} · {count:,}" for name, count in items[:RANKED_SHOWN]] or ["none"]


def _day_lines(digest: Digest) -> list[str]:
    peak = max((point.requests for point in digest.days), default=0) or 1
    lines = []
    for point in digest.days:
        tone = "" if point.mean_compound is None else f"  {signed(point.mean_compound)}"
        lines.append(
            f"{point.day:%a %d %b} {bar(point.requests / peak, 8)} "
            f"{point.requests:>3}/{point.seen:<5,}{tone}"
        )
    return lines


def example_line(example: Example, period: Period, markup: Markup = Markup()) -> str:
    """Two lines: why it was picked (linked to the message) and when, then the message."""
    meta = f"{example.reason} · {example.category or 'request'} · {signed(example.compound)}"
    heading = f"{markup.link(meta, example.url)} · {markup.stamp(example.created_at, period)}"
    if example.answers:
        heading += f"\n↪ replying to {markup.inline(example.answers)}"
    return f"{heading}\n{markup.quote(example.content)}"


def quiet_lines(digest: Digest) -> list[str]:
    """What a period without request messages says instead of an empty table (else nothing)."""
    if digest.totals.requests:
        return []
    lines = []
    if digest.totals.seen:
        lines.append(f"{plural(digest.totals.seen, 'message')} seen, none about it.")
    context = context_line(digest)
    return lines + ([context] if context else [])


def digest_sections(digest: Digest, markup: Markup = Markup()) -> list[Section]:
    """The sections below the headline; none on a quiet period (see `quiet_lines`)."""
    if not digest.totals.requests:
        return []
    sections = [Section("Volume", _volume_lines(digest), inline=True)]
    sections.extend(
        Section(title, lines, inline=True) for title, lines in comparison_sections(digest)
    )
    sections.append(Section("Reactions", _category_lines(digest)))
    sections.append(Section("Targets", _ranked(digest.targets), inline=True))
    sections.append(Section("Alternatives", _ranked(digest.alternatives), inline=True))
    sections.append(Section("Channels", _ranked(digest.channels), inline=True))
    if digest.period.days > 1:
        sections.append(Section("By day", _day_lines(digest), monospace=True))
    if digest.examples:
        lines = [example_line(example, digest.period, markup) for example in digest.examples]
        sections.append(Section("Worth reading", lines))
    return sections


def title(digest: Digest) -> str:
    return f"Clamor digest · {digest.guild_name} · {digest.period.label()}"
