"""Plain records that go into and come out of the Store (no discord), and the helpers that turn
them into rows and rows back into them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.redaction import redact_tokens

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


class Row(Protocol):
    """A result row: sqlite3.Row and asyncpg's Record both index by position and by name."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


def storable(text: str) -> str:
    """`text` with lone surrogates (JSON can carry them: "\\ud83d") as U+FFFD; SQLite stores
    UTF-8, which has no way to write half a character, and sqlite3 raises on them."""
    if not isinstance(text, str):  # a caller's bug (None, say): SQLite's constraint names it
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Through UTF-16 with surrogatepass: a valid pair becomes its character, a lone half U+FFFD.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def message_text(text: str) -> str:
    """A message's text as stored: `storable`, and anything shaped like a Discord token (a
    member who pastes one, ours or theirs) as "[redacted]", so no export, digest or answer
    can ever show it."""
    text = storable(text)
    if not isinstance(text, str):
        return text
    return redact_tokens(text)


# The columns `request_record` reads, in its order.
REQUEST_COLUMNS = (
    "message_id, guild_id, channel_id, author_hash, created_at, content, language, "
    "compound, pos, neu, neg, category, targets, alternatives, cues, edited, replies_to"
)


def _strings(cell: str) -> tuple[str, ...]:
    # Most rows carry no alternatives and many no targets: skip the JSON parser for those.
    return () if cell == "[]" else tuple(json.loads(cell))


def request_record(row: Row) -> RequestRecord:
    """A row of `REQUEST_COLUMNS`, in that order (a digest decodes hundreds: by position, not
    name)."""
    (
        message_id,
        guild_id,
        channel_id,
        author_hash,
        created_at,
        content,
        language,
        compound,
        pos,
        neu,
        neg,
        category,
        targets,
        alternatives,
        cues,
        edited,
        replies_to,
    ) = row
    return RequestRecord(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=channel_id,
        author_hash=author_hash,
        created_at=float(created_at),
        content=content,
        language=language,
        compound=compound,
        pos=pos,
        neu=neu,
        neg=neg,
        category=category,
        targets=_strings(targets),
        alternatives=_strings(alternatives),
        cues=_strings(cues),
        edited=bool(edited),
        replies_to=replies_to,
    )
