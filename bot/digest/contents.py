"""What a digest says, as plain data: built by `build.py`, drawn by the renderers."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JUMP_URL = "https://discord.com/channels/{guild}/{channel}/{message}"


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return JUMP_URL.format(guild=guild_id, channel=channel_id, message=message_id)


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days `first`..`last` (inclusive) in one timezone."""

    first: date
    last: date
    timezone: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"period ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def day(cls, day: date, timezone: str) -> Period:
        return cls(day, day, timezone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day_start(self, day: date) -> float:
        """Unix time of local midnight at the start of `day` (DST-aware)."""
        return datetime.combine(day, time(0), tzinfo=self.zone).timestamp()

    @property
    def start(self) -> float:
        return self.day_start(self.first)

    @property
    def end(self) -> float:
        """Exclusive end: local midnight after the last day."""
        return self.day_start(self.last + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        length = timedelta(days=self.days)
        return Period(self.first - length, self.last - length, self.timezone)

    def local_day(self, at: float) -> date:
        return datetime.fromtimestamp(at, self.zone).date()

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def label(self) -> str:
        if self.days == 1:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


@dataclass(frozen=True, slots=True)
class Totals:
    """The headline numbers of one period, kept for the period before too."""

    seen: int
    requests: int
    mean_compound: float | None
    categories: dict[str, int]

    @property
    def share(self) -> float | None:
        """Request messages as a fraction of all messages seen, when the volume is known."""
        if self.seen <= 0:
            return None
        return min(1.0, self.requests / self.seen)

    def dominant_category(self) -> str | None:
        if not self.categories or max(self.categories.values()) == 0:
            return None
        return max(self.categories, key=lambda name: self.categories[name])


@dataclass(frozen=True, slots=True)
class Example:
    """A message worth reading, with why it was picked."""

    reason: str  # "most negative", "most positive", "most typical"
    message_id: int
    channel_id: int
    created_at: float
    content: str
    category: str | None
    compound: float
    language: str
    url: str
    answers: str = ""  # the request message it replies to, one line, when the digest may quote it


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: date
    seen: int
    requests: int
    mean_compound: float | None


@dataclass(frozen=True, slots=True)
class Places:
    """Where messages were posted, as the guild sees it.

    `parents` maps a thread to its channel: rows carry the thread's id, but a moderator thinks of
    a forum post or a thread as part of its channel, so digests count them there. `public` is
    what every member can read (the only places a public digest may quote); None: no such limit
    (a command-line digest of an export).
    """

    names: Mapping[int, str] = field(default_factory=dict)
    parents: Mapping[int, int] = field(default_factory=dict)
    public: Collection[int] | None = None

    def channel_of(self, place_id: int) -> int:
        return self.parents.get(place_id, place_id)

    def knows(self, place_id: int) -> bool:
        return place_id in self.names or place_id in self.parents

    def members_of(self, channel_id: int) -> set[int]:
        """The channel and every thread known to be under it."""
        return {channel_id} | {t for t, parent in self.parents.items() if parent == channel_id}

    def name_of(self, channel_id: int) -> str:
        return self.names.get(channel_id, f"#{channel_id}")

    def merged(self, other: Places) -> Places:
        """These places with what `other` adds (looked-up threads, say)."""
        # "No limit" on either side stays no limit: the union of everything and a set.
        public = None
        if self.public is not None and other.public is not None:
            public = {*self.public, *other.public}
        return Places(
            names={**self.names, **other.names},
            parents={**self.parents, **other.parents},
            public=public,
        )


@dataclass(frozen=True, slots=True)
class Digest:
    guild_id: int
    guild_name: str
    period: Period
    totals: Totals
    previous: Totals
    targets: list[tuple[str, int]]
    alternatives: list[tuple[str, int]]
    channels: list[tuple[str, int]]  # channel name (or "#<id>"), request count
    languages: list[tuple[str, int]]
    examples: list[Example]
    days: list[DayPoint] = field(default_factory=list)
    headline: str = ""
    # The `baseline_days` local days before the period (None: not gathered, e.g. an old caller).
    baseline: Totals | None = None
    baseline_days: int = 7
    # The reader's local today, so words can say "today"/"yesterday" (None: always the date).
    today: date | None = None


def parse_day(text: str, today: date) -> date:
    """`today`, `yesterday` or `YYYY-MM-DD`, relative to the caller's local `today`."""
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError(value)
        day = date.fromisoformat(value)
        # Discord and Clamor both started long after 2000; far dates only overflow the arithmetic.
        if not 2000 <= day.year <= 9000:
            raise ValueError(value)
        return day
    except ValueError:
        raise ValueError(
            f"{text!r} is not a day: use today, yesterday or a date like 2026-03-14"
        ) from None


def today_in(timezone: str, now: float) -> date:
    return datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
