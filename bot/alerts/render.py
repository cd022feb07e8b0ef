"""An alert drawn for Discord (an embed as a dict) and for the terminal (lines of text)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.alerts.report import AlertMessage, AlertReport, one_line
from bot.alerts.thresholds import COOLDOWN_SECONDS, Sensitivity

ORANGE = 0xE67E22
FIELD_LIMIT = 1024  # Discord's limit on an embed field's value
TITLE_LIMIT = 256
QUOTE_CHARS = 150


def targets_text(targets: list[tuple[str, int]], separator: str = " · ") -> str:
    return separator.join(f"{name} ({count})" for name, count in targets)


def _message_lines(messages: list[AlertMessage], quote_chars: int) -> str:
    lines = []
    for message in messages:
        stamp = int(message.created_at)
        lines.append(
            f"<t:{stamp}:R> in <#{message.channel_id}> · [Jump to message]({message.url})\n"
            f"> {one_line(message.quote, quote_chars)}"
        )
    return "\n".join(lines)


def messages_field(messages: list[AlertMessage], *, keeps_content: bool) -> str:
    if not messages:
        if not keeps_content:
            return "None quoted: this server does not keep message text."
        return "None to quote from channels everyone can read."
    quote_chars = QUOTE_CHARS
    text = _message_lines(messages, quote_chars)
    while len(text) > FIELD_LIMIT and quote_chars > 20:
        quote_chars -= 20
        text = _message_lines(messages, quote_chars)
    return text[:FIELD_LIMIT]


def alert_embed(
    report: AlertReport, *, sensitivity: Sensitivity, keeps_content: bool = True
) -> dict[str, Any]:
    since = int(report.since)
    hours = COOLDOWN_SECONDS // 3600
    return {
        "title": one_line(report.headline, TITLE_LIMIT),
        "description": report.against[:FIELD_LIMIT],
        "color": ORANGE,
        "fields": [
            {"name": "Since", "value": f"<t:{since}:t> (<t:{since}:R>)", "inline": True},
            {
                "name": "Top targets",
                "value": targets_text(report.targets)[:FIELD_LIMIT] or "none named",
                "inline": True,
            },
            {
                "name": "Messages to read",
                "value": messages_field(report.messages, keeps_content=keeps_content),
                "inline": False,
            },
        ],
        "footer": {
            "text": f"Sensitivity {sensitivity} · at most one alert of a kind every {hours} "
            "hours · /clamor-mod alerts"
        },
    }


def to_text(report: AlertReport, timezone: str) -> list[str]:
    """The alert as indented terminal lines (no Discord markup), for `clamor analyze`."""
    since = datetime.fromtimestamp(report.since, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    lines = [f"- {report.headline}", f"  {report.against}; since {since}"]
    if report.targets:
        lines.append(f"  top targets: {targets_text(report.targets, ', ')}")
    for message in report.messages:
        lines.append(f"  read: {message.url}  {one_line(message.quote, 80)}")
    return lines
