"""The channel watcher's side of Clamor: `service.WatchService`, the one place Discord messages
(live or read from history) become counted volume and logged rows; and beside it, without
discord, its decisions (`rules`), what it holds between flushes (`activity`), what it writes
(`writer`, with `RequestWriter`, the one way request rows reach the database) and what history
to read (`history`)."""

from bot.watch.activity import ActivityBuffer, ActivitySnapshot, RecentIds, ThreadMemory
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
