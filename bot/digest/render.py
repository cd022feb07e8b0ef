"""Draw a `Digest` as terminal text, Markdown, or a Discord embed payload (a plain dict).

The embed is a dict in Discord's JSON shape so this module stays free of discord imports; the bot
turns it into `discord.Embed.from_dict(...)`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bot.digest.contents import Digest, Period
from bot.digest.sections import Markup, digest_sections, quiet_lines, title

# Discord's documented embed limits.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
EMBED_COLOUR = 0x5865F2

REACTION_COLOURS = {
    "demand": 0x5865F2,
    "frustration": 0xED4245,
    "optimism": 0x57F287,
    "skepticism": 0xFEE75C,
    "defeatism": 0x99AAB5,
}
QUIET_COLOUR = 0x4E5058
EMBED_QUOTE_CHARS = 150
# Markdown, masked links ("[..](..)"), mentions/timestamps ("<..>"), headings ("#"), and the
# backslash itself: what Discord would draw as something else inside a quoted message.
_MARKDOWN_SPECIALS = "\\*_~`|>[]<#"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _footer(digest: Digest) -> str:
    return f"Days in {digest.period.timezone} time · Clamor"


def to_text(digest: Digest) -> str:
    heading = title(digest)
    out = [heading, "=" * min(len(heading), 78), digest.headline, *quiet_lines(digest), ""]
    for section in digest_sections(digest):
        out.append(section.title)
        for line in section.lines:
            out.extend(f"  {part.replace('`', '')}" for part in line.split("\n"))
        out.append("")
    out.append(_footer(digest).removesuffix(" · Clamor") + ".")
    return "\n".join(out)


def _md_link(label: str, url: str) -> str:
    return f"[{label}]({url})"


def to_markdown(digest: Digest) -> str:
    out = [f"# {title(digest)}", "", f"**{digest.headline}**", ""]
    if not digest.totals.requests:
        out.extend(part for line in quiet_lines(digest) for part in (line, ""))
    for section in digest_sections(digest, Markup(link=_md_link)):
        out.append(f"## {section.title}")
        out.append("")
        if section.monospace:
            out.extend(["```", *section.lines, "```"])
        else:
            out.extend(f"- {line}".replace("\n", "\n  ") for line in section.lines)
        out.append("")
    out.append(f"_{_footer(digest).removesuffix(' · Clamor')}._")
    return "\n".join(out)


def discord_stamp(unix: float, _period: Period) -> str:
    """Discord shows `<t:…:R>` as "3 hours ago" in each reader's own clock."""
    return f"<t:{int(unix)}:R>"


def escape_markdown(text: str) -> str:
    """A member's words shown as typed, never as Discord markup, mentions or links."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in text)


def embed_quote(text: str) -> str:
    return "> " + escape_markdown(_clip(text, EMBED_QUOTE_CHARS))


def embed_inline(text: str) -> str:
    return f"“{escape_markdown(text)}”"


EMBED_MARKUP = Markup(link=_md_link, stamp=discord_stamp, quote=embed_quote, inline=embed_inline)


def _field_value(lines: list[str], monospace: bool = False) -> str:
    """Join lines, dropping whole lines (never cutting one) to fit a field."""
    fence = "```\n" if monospace else ""
    room = EMBED_FIELD_VALUE - 2 * len(fence)
    kept: list[str] = []
    size = 0
    for line in lines:
        line = _clip(line, room)
        extra = len(line) + (1 if kept else 0)
        if size + extra > room:
            break
        kept.append(line)
        size += extra
    if not kept:
        return "—"
    body = "\n".join(kept)
    return f"{fence}{body}\n```" if monospace else body


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 limit."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        size += len(item["name"]) + len(item["value"])
    return size


def embed_colour(digest: Digest) -> int:
    """The colour bar says the day's mood before a word is read."""
    dominant = digest.totals.dominant_category()
    return QUIET_COLOUR if dominant is None else REACTION_COLOURS.get(dominant, EMBED_COLOUR)


def to_embed(digest: Digest, *, image: str | None = None) -> dict[str, Any]:
    """Discord's embed JSON; `image` names an attached file (e.g. "trend.png") to show in it."""
    description = "\n".join([f"**{digest.headline}**", *quiet_lines(digest)])
    embed: dict[str, Any] = {
        "title": _clip(title(digest), EMBED_TITLE),
        "description": _clip(description, EMBED_DESCRIPTION),
        "color": embed_colour(digest),
        "footer": {"text": _clip(_footer(digest), EMBED_FOOTER)},
        "fields": [],
    }
    if image is not None:
        embed["image"] = {"url": f"attachment://{image}"}
    for section in digest_sections(digest, EMBED_MARKUP)[:EMBED_FIELDS]:
        name = _clip(section.title, EMBED_FIELD_NAME)
        value = _field_value(section.lines, section.monospace)
        if embed_size(embed) + len(name) + len(value) > EMBED_TOTAL:
            break
        embed["fields"].append({"name": name, "value": value, "inline": section.inline})
    return embed


def to_json(digest: Digest) -> str:
    payload = asdict(digest)
    payload["period"] = {
        "first": digest.period.first.isoformat(),
        "last": digest.period.last.isoformat(),
        "timezone": digest.period.timezone,
    }
    payload["days"] = [{**asdict(point), "day": point.day.isoformat()} for point in digest.days]
    payload["totals"]["share"] = digest.totals.share
    payload["previous"]["share"] = digest.previous.share
    if digest.baseline is not None:
        payload["baseline"]["share"] = digest.baseline.share
        payload["baseline"]["requests_per_day"] = digest.baseline.requests / digest.baseline_days
    payload["today"] = None if digest.today is None else digest.today.isoformat()
    payload["context"] = quiet_lines(digest)
    return json.dumps(payload, ensure_ascii=False, indent=2)
