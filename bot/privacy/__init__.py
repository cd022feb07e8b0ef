"""Pure decisions behind the privacy commands and the daily purge: options, texts, timing."""

from bot.privacy.options import CONFIRM_CHOICES, Confirmation, checked_retention_days
from bot.privacy.purge import describe_purge, grace_seconds, purge_due, utc_day
from bot.privacy.texts import (
    FORGET_ME_DECLINED,
    content_mode_answer,
    describe_privacy,
    forget_me_answer,
    forget_member_answer,
    grace_phrase,
    privacy_status_line,
    remember_me_answer,
    retention_answer,
)

__all__ = [
    "CONFIRM_CHOICES",
    "FORGET_ME_DECLINED",
    "Confirmation",
    "checked_retention_days",
    "content_mode_answer",
    "describe_privacy",
    "describe_purge",
    "forget_me_answer",
    "forget_member_answer",
    "grace_phrase",
    "grace_seconds",
    "privacy_status_line",
    "purge_due",
    "remember_me_answer",
    "retention_answer",
    "utc_day",
]
