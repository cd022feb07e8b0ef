"""Pure decisions of the channel watcher (no discord import, no I/O): which posts count, when
analysis leaves the event loop, what an edit does, and the buffer of volume and cursors."""

from bot.watch.activity import ActivityBuffer, ActivitySnapshot
from bot.watch.rules import (
    INLINE_MAX_CHARS,
    USER_MESSAGE_TYPES,
    EditOutcome,
    analyse_off_loop,
    edit_needs_analysis,
    edit_outcome,
    is_member_post,
    watch_key,
)

__all__ = [
    "INLINE_MAX_CHARS",
    "USER_MESSAGE_TYPES",
    "ActivityBuffer",
    "ActivitySnapshot",
    "EditOutcome",
    "analyse_off_loop",
    "edit_needs_analysis",
    "edit_outcome",
    "is_member_post",
    "watch_key",
]
