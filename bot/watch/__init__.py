"""The channel watcher's side of Clamor, without discord: pure decisions (which posts count, when
analysis leaves the event loop, what an edit does, what history to read), the buffer of volume
and cursors, and `writer.RequestWriter`, the one way request rows reach the database."""

from bot.watch.activity import ActivityBuffer, ActivitySnapshot, RecentIds
from bot.watch.rules import (
    INLINE_MAX_CHARS,
    USER_MESSAGE_TYPES,
    EditOutcome,
    analyse_off_loop,
    edit_needs_analysis,
    edit_outcome,
    is_member_post,
    posted_at,
    watch_key,
)
from bot.watch.threads import ThreadMemory

__all__ = [
    "INLINE_MAX_CHARS",
    "USER_MESSAGE_TYPES",
    "ActivityBuffer",
    "ActivitySnapshot",
    "EditOutcome",
    "RecentIds",
    "ThreadMemory",
    "analyse_off_loop",
    "edit_needs_analysis",
    "edit_outcome",
    "is_member_post",
    "posted_at",
    "watch_key",
]
