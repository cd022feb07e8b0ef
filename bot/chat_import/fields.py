"""Turn decoded DiscordChatExporter objects into `ExportMessage`s, or say what is wrong.

Problems are raised as `FieldError` with a short phrase; the reader adds the file name and
where in the file it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.chat_import.records import ExportMessage, snippet


class FieldError(ValueError):
    """A value of the export has the wrong shape; the message is a short phrase."""


@dataclass(frozen=True, slots=True)
class ExportedChannel:
    """The guild and channel every message of one export belongs to."""

    guild_id: int
    guild_name: str
    channel_id: int
    channel_name: str


# Discord ids are 64-bit; SQLite, where they end up, stores at most a signed 64-bit integer.
# Python's int() also refuses digit strings past 4,300 characters with a plain ValueError.
MAX_SNOWFLAKE = (1 << 63) - 1
_MAX_SNOWFLAKE_DIGITS = len(str(MAX_SNOWFLAKE))
# A message's time is encoded in its id: milliseconds since the Discord epoch (2015-01-01) in
# 42 bits, which run out in 2154. Anything outside cannot come from Discord.
EARLIEST_MESSAGE = datetime(2015, 1, 1, tzinfo=UTC).timestamp()
LATEST_MESSAGE = EARLIEST_MESSAGE + (1 << 42) / 1000


def snowflake(value: object, what: str) -> int:
    # DCE writes ids as strings because they overflow a JavaScript number; hand-made files
    # sometimes use plain integers, which are just as unambiguous.
    number: int | None = None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        if len(value.lstrip("0")) <= _MAX_SNOWFLAKE_DIGITS:
            number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None or not 0 <= number <= MAX_SNOWFLAKE:
        raise FieldError(f"{what} is not a Discord id: {snippet(value)}")
    return number


def timestamp(value: object, what: str) -> float:
    """Unix seconds of an ISO 8601 timestamp that carries its UTC offset."""
    if not isinstance(value, str):
        raise FieldError(f"{what} is not a timestamp string: {snippet(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{what} is not an ISO 8601 timestamp: {snippet(value)}") from None
    if moment.tzinfo is None:
        # Guessing a timezone would silently move messages between days in the digest.
        raise FieldError(f"{what} has no UTC offset: {snippet(value)}")
    seconds = moment.timestamp()
    if not EARLIEST_MESSAGE <= seconds < LATEST_MESSAGE:
        # Year 1 or 9999 would parse, then break every local-day computation downstream.
        raise FieldError(f"{what} is not a time a Discord message can have: {snippet(value)}")
    return seconds


def _object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise FieldError(f"{what} is not an object")
    return value


def _required(obj: dict[str, object], key: str, owner: str | None) -> object:
    if obj.get(key) is None:
        raise FieldError(f"missing '{key}'" if owner is None else f"{owner} is missing '{key}'")
    return obj[key]


def _text(obj: dict[str, object], key: str, what: str, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise FieldError(f"{what} is not a string: {snippet(value)}")
    return value


def _flag(obj: dict[str, object], key: str, what: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise FieldError(f"{what} is not true or false: {snippet(value)}")
    return value


def _name(obj: dict[str, object], what: str) -> str:
    """A guild or channel name as text any output can hold: a lone surrogate (JSON can carry
    "\\ud800", UTF-8 and fonts cannot) as U+FFFD, as the Store does with message text."""
    name = _text(obj, "name", what)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return name


def exported_channel(guild: object, channel: object) -> ExportedChannel:
    guild_obj = _object(guild, "'guild'")
    channel_obj = _object(channel, "'channel'")
    return ExportedChannel(
        guild_id=snowflake(_required(guild_obj, "id", "'guild'"), "'guild.id'"),
        guild_name=_name(guild_obj, "'guild.name'"),
        channel_id=snowflake(_required(channel_obj, "id", "'channel'"), "'channel.id'"),
        channel_name=_name(channel_obj, "'channel.name'"),
    )


def export_message(raw: object, channel: ExportedChannel) -> ExportMessage:
    message = _object(raw, "the message")
    message_id = snowflake(_required(message, "id", None), "'id'")
    created_at = timestamp(_required(message, "timestamp", None), "'timestamp'")
    author = _object(_required(message, "author", None), "'author'")
    edited = message.get("timestampEdited")
    if edited is not None:
        timestamp(edited, "'timestampEdited'")
    return ExportMessage(
        message_id=message_id,
        guild_id=channel.guild_id,
        guild_name=channel.guild_name,
        channel_id=channel.channel_id,
        channel_name=channel.channel_name,
        author_id=snowflake(_required(author, "id", "'author'"), "'author.id'"),
        author_name=_text(author, "name", "'author.name'"),
        author_is_bot=_flag(author, "isBot", "'author.isBot'"),
        created_at=created_at,
        edited=edited is not None,
        kind=_text(message, "type", "'type'", default="Default"),
        content=_text(message, "content", "'content'"),
        replies_to=_replies_to(message),
    )


def _replies_to(message: dict[str, object]) -> int | None:
    """The id of the message a reply answers (DCE's ``reference.messageId``), if any."""
    reference = message.get("reference")
    if reference is None:
        return None
    answered = _object(reference, "'reference'").get("messageId")
    return None if answered is None else snowflake(answered, "'reference.messageId'")
