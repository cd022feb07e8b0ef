"""Pure decisions behind `/clamor-mod`: option parsing, watch-rule changes, answer texts."""

from bot.moderation.next_digest import describe_next_digest
from bot.moderation.options import (
    TERM_RULE,
    checked_digest_time,
    checked_term,
    checked_timezone,
    timezone_suggestions,
)
from bot.moderation.texts import (
    bounded_list,
    describe_terms,
    describe_watch,
    term_limit_reached,
)
from bot.moderation.watching import WatchAction, WatchChange, plan_watch_change

__all__ = [
    "TERM_RULE",
    "WatchAction",
    "WatchChange",
    "bounded_list",
    "checked_digest_time",
    "checked_term",
    "checked_timezone",
    "describe_next_digest",
    "describe_terms",
    "describe_watch",
    "plan_watch_change",
    "term_limit_reached",
    "timezone_suggestions",
]
