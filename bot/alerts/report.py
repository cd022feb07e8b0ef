"""A spike as a moderator reads it: the words and numbers of one alert, and its messages."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from bot.alerts.detect import Spike
from bot.alerts.thresholds import SOUR_CATEGORIES, Kind
from bot.alerts.windows import HOUR_SECONDS, Window
from bot.digest.model import jump_url
from bot.store.records import RequestRecord

MESSAGES_TO_READ = 3
QUOTE_CHARS = 200


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
