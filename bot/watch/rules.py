"""Which gateway messages the watcher looks at, and what an edit does to the log."""

from __future__ import annotations

from typing import Literal

# Discord message types that are a person's own words: DEFAULT (0) and REPLY (19). Joins (7),
# pins, boosts, thread starters and command responses are Discord's or an app's voice.
USER_MESSAGE_TYPES = frozenset({0, 19})

# Above this many characters analysis runs in a worker thread. Measured on a shared 2-core box
# (best of 3, score_all=False): 30 chars 0.4 ms, 500 chars 2.3 ms, 1,000 chars 3.8 ms, a 4,000-char
# request 6.4 ms, 2,000 emoji after a request 3.1 ms. 300 characters keeps the loop under ~2 ms.
INLINE_MAX_CHARS = 300

EditOutcome = Literal["write", "remove", "nothing"]
DISCORD_EPOCH_MS = 1420070400000  # a snowflake's top bits: milliseconds since 2015-01-01 UTC


def posted_at(message_id: int) -> float:
    """When a message was created, in Unix seconds, from its snowflake id: the same float as
    ``discord.utils.snowflake_time(id).timestamp()`` without building a datetime per message."""
    return ((message_id >> 22) + DISCORD_EPOCH_MS) / 1000


def is_member_post(*, author_is_bot: bool, webhook_id: int | None, message_type: int) -> bool:
    """A message a member typed: not a bot (Clamor included), not a webhook, not a system event."""
    return not author_is_bot and webhook_id is None and message_type in USER_MESSAGE_TYPES


def watch_key(channel_id: int, parent_id: int | None) -> int:
    """The channel whose watch rule applies: a thread or forum post follows its parent."""
    return channel_id if parent_id is None else parent_id


def analyse_off_loop(text: str) -> bool:
    """Whether analysing `text` could hold the event loop for more than a couple of ms."""
    return len(text) > INLINE_MAX_CHARS


def edit_needs_analysis(stored: str | None, cached: str | None, new: str | None) -> bool:
    """Whether an edit must be analysed again.

    `stored` is the logged row's content (None: not logged), `cached` the content discord.py
    remembered from before the edit (None: not cached), `new` the content after it (None: the
    update carried no content, e.g. an embed unfurl). The row is the reference when there is
    one; otherwise only a known-identical cached text spares the work.
    """
    if new is None:
        return False
    if stored is not None:
        return stored != new
    return cached != new


def edit_outcome(*, logged: bool, request: bool) -> EditOutcome:
    """What a re-analysed edit does: a request is (re)written, a former request leaves the log."""
    if request:
        return "write"
    return "remove" if logged else "nothing"
