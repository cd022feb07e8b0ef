"""The digest's content as titled sections of short lines, shared by every renderer.

Renderers differ in markup (terminal, Markdown, Discord embed) but must never differ in what they
say, so the wording lives here once and each renderer only decides how a link and a bar look.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.analysis.model import CATEGORIES
from bot.digest.headline import change_phrase, plural, signed, tone_word
from bot.digest.model import Digest, Example

LinkFormat = Callable[[str, str], str]  # (label, url) -> markup
BAR_WIDTH = 12


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: list[str]
    inline: bool = False  # a hint for embeds: short sections sit side by side


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def plain_link(label: str, url: str) -> str:
    return f"{label} <{url}>"


def _volume_lines(digest: Digest) -> list[str]:
    now, before = digest.totals, digest.previous
    line = plural(now.requests, "request message")
    if now.share is not None and now.seen > now.requests:
        line += f" of {now.seen:,} seen ({now.share:.1%})"
    lines = [line]
    if before.requests or before.seen:
        lines.append(
            f"previous {digest.period.days}d: {before.requests:,} "
            f"({change_phrase(now.requests, before.requests)})"
        )
    else:
        lines.append("no earlier data to compare")
    return lines


def _tone_lines(digest: Digest) -> list[str]:
    now, before = digest.totals, digest.previous
    if now.mean_compound is None:
        return ["no request messages to score"]
    lines = [f"{signed(now.mean_compound)} ({tone_word(now.mean_compound)})"]
    if before.mean_compound is not None:
        lines.append(
            f"previous: {signed(before.mean_compound)} "
            f"({signed(now.mean_compound - before.mean_compound)})"
        )
    return lines


def _category_lines(digest: Digest) -> list[str]:
    total = digest.totals.requests
    lines = []
    for name in CATEGORIES:
        count = digest.totals.categories.get(name, 0)
        before = digest.previous.categories.get(name, 0)
        fraction = count / total if total else 0.0
        delta = f" ({count - before:+d})" if digest.previous.requests else ""
        lines.append(f"`{name:<11}` {bar(fraction)} {count:>3} {fraction:>4.0%}{delta}")
    return lines


def _ranked(items: list[tuple[str, int]]) -> list[str]:
    return [", ".join(f"{name} ({count})" for name, count in items)] if items else ["none"]


def _day_lines(digest: Digest) -> list[str]:
    peak = max((point.requests for point in digest.days), default=0) or 1
    lines = []
    for point in digest.days:
        tone = "" if point.mean_compound is None else f"  tone {signed(point.mean_compound)}"
        lines.append(
            f"`{point.day:%a %d %b}` {bar(point.requests / peak, 8)} "
            f"{point.requests:>3} of {point.seen:,}{tone}"
        )
    return lines


def example_line(example: Example, link: LinkFormat) -> str:
    category = example.category or "request"
    meta = f"{example.reason}, {category}, {signed(example.compound)}"
    return f"{link(meta, example.url)}: “{example.content}”"


def digest_sections(digest: Digest, link: LinkFormat = plain_link) -> list[Section]:
    sections = [
        Section("Volume", _volume_lines(digest), inline=True),
        Section("Tone", _tone_lines(digest), inline=True),
    ]
    if digest.totals.requests:
        sections.append(Section("Reactions", _category_lines(digest)))
        sections.append(Section("Targets", _ranked(digest.targets), inline=True))
        sections.append(Section("Alternatives", _ranked(digest.alternatives), inline=True))
        sections.append(Section("Channels", _ranked(digest.channels), inline=True))
        sections.append(Section("Languages", _ranked(digest.languages), inline=True))
    if digest.period.days > 1:
        sections.append(Section("By day", _day_lines(digest)))
    if digest.examples:
        sections.append(
            Section("Worth reading", [example_line(example, link) for example in digest.examples])
        )
    return sections


def title(digest: Digest) -> str:
    return f"Clamor digest · {digest.guild_name} · {digest.period.label()}"
