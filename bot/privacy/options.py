"""Privacy options a member or moderator types, checked once with an answer that says what is
accepted."""

from __future__ import annotations

from typing import Literal

from bot.errors import UserFacingError
from bot.store.records import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS

# `/clamor forget-me confirm:` — a required choice stands in for a Confirm button, so nobody
# erases their history by a stray Enter.
Confirmation = Literal["yes", "no"]
CONFIRM_CHOICES: dict[Confirmation, str] = {
    "yes": "yes: erase what Clamor logged of me here and stop logging me",
    "no": "no: keep everything as it is",
}


def checked_retention_days(days: int) -> int:
    """`days` if it is an allowed retention period; else a one-line refusal."""
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise UserFacingError(
            f"{days} days is not a retention period I keep: pick {MIN_RETENTION_DAYS} to "
            f"{MAX_RETENTION_DAYS} days (90 is the default)."
        )
    return days
