"""A spike as a moderator reads it: the words and numbers of one alert and the messages it
quotes, drawn for Discord (an embed as a dict) and for the terminal; and the one-line answers
of `/clamor-mod alerts`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.alerts.detection import (
    COOLDOWN_SECONDS,
    SOUR_CATEGORIES,
    THRESHOLDS,
    Kind,
    Sensitivity,
    Spike,
)
from bot.alerts.windows import HOUR_SECONDS, Window
from bot.digest.contents import jump_url
from bot.store.records import RequestRecord

MESSAGES_TO_READ = 3
QUOTE_CHARS = 200
EMBED_QUOTE_CHARS = 150  # shortened further while the field is over FIELD_LIMIT
ORANGE = 0xE67E22
FIELD_LIMIT = 1024  # Discord's limit on an embed field's value
TITLE_LIMIT = 256


@dataclass(frozen=True, slots=True)
class AlertMessage:
    message_id: int
    channel_id: int
    created_at: float
    quote: str  # one line, shortened
    url: str


@dataclass(frozen=True, slots=True)
class AlertReport:
    """One spike, ready to draw. `whole_day` is False for a day in progress (the bot)."""

    guild_id: int
    day: date
    whole_day: bool
    spike: Spike
    since: float  # unix time of the hour the rise began
    targets: list[tuple[str, int]]
    messages: list[AlertMessage]

    @property
    def kind(self) -> Kind:
        return self.spike.kind

    @property
    def headline(self) -> str:
        spike, when = self.spike, ("today" if not self.whole_day else f"on {self.day}")
        if spike.kind == "volume":
            return f"Open-sourcing talk is spiking: {_plural(spike.requests)} {when}"
        return (
            f"Frustration and defeatism are spiking: {_percent(spike.observed)} of the request "
            f"messages {when} ({spike.sour} of {spike.requests})"
        )

    @property
    def against(self) -> str:
        """By how much, against which baseline."""
        spike, base = self.spike, self.spike.baseline
        hours = "the same hours of " if not self.whole_day else ""
        source = f"median of {hours}the {base.days} days before"
        if spike.kind == "volume":
            usual = _number(base.median)
            rise = f"+{_number(spike.rise)}"
            if spike.ratio is None:
                return f"usually none ({rise}; {source})"
            return f"{spike.ratio:.1f}x the usual {usual} ({rise}; {source})"
        points = round(spike.rise * 100)
        return f"usually {_percent(base.median)} (+{points} points; {source})"

    @property
    def summary(self) -> str:
        """One line for the history table: numbers and target names, never message text."""
        return f"{self.headline}; {self.against}"


def spike_report(
    *,
    guild_id: int,
    window: Window,
    whole_day: bool,
    spike: Spike,
    targets: Sequence[tuple[str, int]],
    candidates: Sequence[RequestRecord],
    quotable_channels: Collection[int] | None,
) -> AlertReport:
    since = rise_time(window, spike)
    return AlertReport(
        guild_id=guild_id,
        day=window.day,
        whole_day=whole_day,
        spike=spike,
        since=since,
        targets=list(targets),
        messages=pick_messages(guild_id, candidates, spike.kind, since, quotable_channels),
    )


def rise_time(window: Window, spike: Spike) -> float:
    return min(window.start + spike.since_hour * HOUR_SECONDS, window.end)


def pick_messages(
    guild_id: int,
    rows: Sequence[RequestRecord],
    kind: Kind,
    since: float,
    quotable_channels: Collection[int] | None,
    limit: int = MESSAGES_TO_READ,
) -> list[AlertMessage]:
    """Up to `limit` messages of the wave worth reading, oldest first.

    Only rows with text (a guild that drops text, and text past retention, quote nothing), in
    channels everyone can read, since the rise began; for a share spike only frustrated or
    defeatist ones. The strongest tone first (most negative for a share spike), one per author
    before a second from anyone.
    """
    pool = [
        row
        for row in rows
        if row.content.strip()
        and row.created_at >= since
        and (quotable_channels is None or row.channel_id in quotable_channels)
        and (kind == "volume" or row.category in SOUR_CATEGORIES)
    ]
    if kind == "share":
        pool.sort(key=lambda row: (row.compound, -row.created_at, row.message_id))
    else:
        pool.sort(key=lambda row: (-abs(row.compound), -row.created_at, row.message_id))
    chosen: list[RequestRecord] = []
    authors: set[str] = set()
    for row in pool:
        # A blank hash (erased by retention) is nobody in particular, never "the same author".
        if row.author_hash and row.author_hash in authors:
            continue
        chosen.append(row)
        authors.add(row.author_hash)
    for row in pool:
        if row not in chosen:
            chosen.append(row)
    picked = sorted(chosen[:limit], key=lambda row: (row.created_at, row.message_id))
    return [
        AlertMessage(
            message_id=row.message_id,
            channel_id=row.channel_id,
            created_at=row.created_at,
            quote=one_line(row.content),
            url=jump_url(guild_id, row.channel_id, row.message_id),
        )
        for row in picked
    ]


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _plural(count: int) -> str:
    return f"{count} request message" + ("" if count == 1 else "s")


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
    quote_chars = EMBED_QUOTE_CHARS
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


def sensitivity_meaning(sensitivity: Sensitivity) -> str:
    limits = THRESHOLDS[sensitivity]
    return (
        f"sensitivity {sensitivity}: at least {limits.min_count} request messages, "
        f"{limits.min_ratio:g}x the usual and {limits.z:g} deviations above it"
    )


def alerts_on_answer(channel: str, sensitivity: Sensitivity) -> str:
    return (
        f"Spike alerts go to {channel} ({sensitivity_meaning(sensitivity)}); at most one per "
        f"kind every {COOLDOWN_SECONDS // 3600} hours."
    )


def alerts_off_answer(was_on: bool) -> str:
    if not was_on:
        return "Spike alerts already are off; nothing changed."
    return "Spike alerts are now off. Pick a channel with `/clamor-mod alerts channel:` to resume."


def alerts_state(
    channel: str | None, sensitivity: Sensitivity, last: tuple[str, int] | None = None
) -> str:
    """The current state; `last` is (kind, unix time) of the latest alert posted."""
    if channel is None:
        return (
            "Spike alerts are off. Turn them on with `/clamor-mod alerts channel:` "
            "(and optionally `sensitivity:`)."
        )
    text = f"Spike alerts go to {channel} ({sensitivity_meaning(sensitivity)})"
    if last is not None:
        kind, at = last
        return f"{text}; the last one ({kind}) was posted <t:{at}:R>."
    return f"{text}; none posted yet."


BOTH_CHANNEL_AND_OFF = "Pick a channel or `off`, not both."
SENSITIVITY_WHILE_OFF = (
    "Spike alerts are off: pick a channel with `channel:` to turn them on at that sensitivity."
)
