"""Plain records that go into and come out of the Store (no SQL, no discord)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WatchMode = Literal["all", "listed"]
ChannelRule = Literal["watch", "exclude"]
TermKind = Literal["target", "keyword", "ignore"]
TERM_KINDS: tuple[TermKind, ...] = ("target", "keyword", "ignore")
ContentMode = Literal["keep", "drop"]
DEFAULT_RETENTION_DAYS = 90
MIN_RETENTION_DAYS = 7
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True, slots=True)
class ChannelMessages:
    """Messages of one channel to count, each (message id, volume bucket start), and id ranges
    (after, last] read in full: every message with after < id <= last is among `messages` or
    was given to `Store.count_messages` before. A range says which ids a later read may skip;
    claiming one not read in full would leave its unread messages uncounted."""

    guild_id: int
    channel_id: int
    messages: tuple[tuple[int, int], ...] = ()
    read: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One logged request message. Times are unix seconds, UTC."""

    message_id: int
    guild_id: int
    channel_id: int
    author_hash: str
    created_at: float
    content: str
    language: str
    compound: float
    pos: float
    neu: float
    neg: float
    category: str | None
    targets: tuple[str, ...]
    alternatives: tuple[str, ...]
    cues: tuple[str, ...]  # rendered cue strings, e.g. "request: open source it"
    edited: bool = False
    replies_to: int | None = None  # the request message it answers (a reply, a thread post)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    digest_channel_id: int | None
    digest_time: str  # "HH:MM", guild-local
    timezone: str  # IANA name
    watch_mode: WatchMode = "all"
    # When the digest schedule was set up (Unix time); None for one saved before Clamor kept it.
    digest_armed_at: float | None = None


@dataclass(frozen=True, slots=True)
class DigestRun:
    guild_id: int
    local_day: str  # "YYYY-MM-DD" in the guild's timezone
    channel_id: int | None
    message_id: int | None
    posted_at: float | None
    error: str | None = None
    timezone: str = ""  # the zone local_day is in; "" for runs recorded before it was kept


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """What a guild lets Clamor keep: message text at all, and for how long (content, authors)."""

    guild_id: int
    retention_days: int = DEFAULT_RETENTION_DAYS
    content_mode: ContentMode = "keep"
