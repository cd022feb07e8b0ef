"""Noticing that Discord sends members' messages without their text.

That is what happens when the Message Content intent is switched off for the application while
Clamor runs: the session goes on, messages arrive empty, and nothing can be read as a request.
Discord refuses the intent only at the next connect (close code 4014, on which `clamor run`
stops with a line saying what to do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

INTENT_HELP = (
    "Developer Portal (https://discord.com/developers/applications) -> the app -> Bot -> "
    "Privileged Gateway Intents -> Message Content Intent"
)


def arrived_without_text(
    *, content: str, attachments: int, embeds: int, stickers: int, polls: int, forwards: int
) -> bool:
    """Whether a member's post arrived with nothing in it. Discord refuses to send an empty
    message, so only a missing Message Content intent explains one (it blanks the text,
    attachments, embeds, polls and forwarded messages, but not stickers)."""
    return not (content or attachments or embeds or stickers or polls or forwards)


Change = Literal["missing", "back"]


@dataclass(slots=True)
class MessageTextWatch:
    """Since when members' messages arrive without their text (None: they carry it)."""

    missing_since: float | None = None

    def observe(self, *, without_text: bool, at: float) -> Change | None:
        """Record one member's post; returns the change it shows, if any, to be said once."""
        if without_text and self.missing_since is None:
            self.missing_since = at
            return "missing"
        if not without_text and self.missing_since is not None:
            self.missing_since = None
            return "back"
        return None
