"""Draw a `Digest` as terminal text, Markdown, or a Discord embed payload (a plain dict).

The embed is a dict in Discord's JSON shape so this module stays free of discord imports; the bot
turns it into `discord.Embed.from_dict(...)`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bot.digest.model import Digest
from bot.digest.sections import digest_sections, title

# Discord's documented embed limits.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
EMBED_COLOUR = 0x5865F2


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_text(digest: Digest) -> str:
    heading = title(digest)
    out = [heading, "=" * min(len(heading), 78), digest.headline, ""]
    for section in digest_sections(digest):
        out.append(section.title)
        out.extend(f"  {line.replace('`', '')}" for line in section.lines)
        out.append("")
    out.append(f"Times in {digest.period.timezone}.")
    return "\n".join(out)


def _md_link(label: str, url: str) -> str:
    return f"[{label}]({url})"


def to_markdown(digest: Digest) -> str:
    out = [f"# {title(digest)}", "", f"**{digest.headline}**", ""]
    for section in digest_sections(digest, link=_md_link):
        out.append(f"## {section.title}")
        out.append("")
        out.extend(f"- {line}" for line in section.lines)
        out.append("")
    out.append(f"_Times in {digest.period.timezone}._")
    return "\n".join(out)


def _field_value(lines: list[str]) -> str:
    """Join lines, dropping whole lines (never cutting one) to fit a field."""
    kept: list[str] = []
    size = 0
    for line in lines:
        line = _clip(line, EMBED_FIELD_VALUE)
        extra = len(line) + (1 if kept else 0)
        if size + extra > EMBED_FIELD_VALUE:
            break
        kept.append(line)
        size += extra
    return "\n".join(kept) or "—"


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 limit."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        size += len(item["name"]) + len(item["value"])
    return size


def to_embed(digest: Digest) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": _clip(title(digest), EMBED_TITLE),
        "description": _clip(digest.headline, EMBED_DESCRIPTION),
        "color": EMBED_COLOUR,
        "footer": {"text": _clip(f"Times in {digest.period.timezone} · Clamor", EMBED_FOOTER)},
        "fields": [],
    }
    for section in digest_sections(digest, link=_md_link)[:EMBED_FIELDS]:
        name = _clip(section.title, EMBED_FIELD_NAME)
        value = _field_value(section.lines)
        if embed_size(embed) + len(name) + len(value) > EMBED_TOTAL:
            break
        field = {"name": name, "value": value, "inline": section.inline}
        embed["fields"].append(field)
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
    return json.dumps(payload, ensure_ascii=False, indent=2)
