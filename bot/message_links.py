"""Which message a moderator means: a message link or an id, checked against their own server.

Pure: `/clamor why` and `/clamor-mod relabel` parse the option here and fetch in the cog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserFacingError

ACCEPTED = (
    "Paste a message link (right-click the message -> Copy Message Link) "
    "or a message id (digits only) from this server."
)
MAX_SNOWFLAKE = 2**63 - 1  # Discord ids are signed 64-bit integers

# discord.com, discordapp.com and their ptb./canary. builds; `@me` is a direct message.
_LINK = re.compile(
    r"""
    (?:https?://)?
    (?:(?:www|ptb|canary)\.)?
    discord(?:app)?\.com
    /channels/(?P<guild>\d{1,20}|@me)/(?P<channel>\d{1,20})/(?P<message>\d{1,20})
    /?(?:[?\#]\S*)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ID = re.compile(r"\d{1,20}")
# Shift + Copy Message ID gives "channel-message".
_CHANNEL_AND_ID = re.compile(r"(?P<channel>\d{1,20})-(?P<message>\d{1,20})")


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message in the asking server; channel_id is None when only the id was given."""

    message_id: int
    channel_id: int | None = None


def _snowflake(digits: str) -> int:
    value = int(digits)
    if not 0 < value <= MAX_SNOWFLAKE:
        raise UserFacingError(f"{digits} is not a Discord id. {ACCEPTED}")
    return value


def parse_message_ref(text: str, guild_id: int) -> MessageRef:
    """The message `text` points to, which must be in `guild_id`; UserFacingError otherwise.

    A link to another server (or to a direct message) is refused without a hint of whether that
    message exists: nothing of another server is ever looked up.
    """
    cleaned = text.strip().strip("<>").strip()
    if _ID.fullmatch(cleaned):
        return MessageRef(_snowflake(cleaned))
    if pair := _CHANNEL_AND_ID.fullmatch(cleaned):
        return MessageRef(_snowflake(pair["message"]), _snowflake(pair["channel"]))
    link = _LINK.fullmatch(cleaned)
    if link is None:
        shown = _shown(cleaned)
        raise UserFacingError(f"{shown} is not a message link or id. {ACCEPTED}")
    if link["guild"] == "@me" or int(link["guild"]) != guild_id:
        raise UserFacingError(f"That link is not to a message in this server. {ACCEPTED}")
    return MessageRef(_snowflake(link["message"]), _snowflake(link["channel"]))


def _shown(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split()).replace("`", "'")
    if not flat:
        return "An empty value"
    return f"`{flat if len(flat) <= limit else flat[: limit - 1] + '…'}`"


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
