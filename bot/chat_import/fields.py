"""Turn decoded DiscordChatExporter objects into `ExportMessage`s, or say what is wrong.

Problems are raised as `FieldError` with a short phrase; the reader adds the file name and
where in the file it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.chat_import.records import ExportMessage, ExportRole, snippet


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


def export_message(raw: object, channel: ExportedChannel, *, roles: bool = False) -> ExportMessage:
    """The message `raw`; with `roles`, its author's roles too (checked as strictly as the
    other fields). Without, they are not looked at: most runs name no team, and an export's
    every message carries its author's roles."""
    if type(raw) is dict:
        try:
            found = _usual_message(raw, channel, roles)
        except FieldError:
            found = None  # `_checked_message` names what is wrong, in its order
        if found is not None:
            return found
    return _checked_message(raw, channel, roles)


def _usual_snowflake(value: object) -> int | None:
    """A Discord id written as DCE writes it, a string of digits; None for anything else."""
    if type(value) is not str or not 0 < len(value) <= _MAX_SNOWFLAKE_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_SNOWFLAKE else None


def _usual_message(
    message: dict[str, object], channel: ExportedChannel, roles: bool
) -> ExportMessage | None:
    """The message as DiscordChatExporter writes it (ids as strings of digits, every field of
    its type), read in one pass; None for anything else, which `_checked_message` reads or
    refuses. It decides as that does, in fewer calls: it runs on every message of an export."""
    message_id = _usual_snowflake(message.get("id"))
    author = message.get("author")
    if message_id is None or type(author) is not dict:
        return None
    author_id = _usual_snowflake(author.get("id"))
    author_name = author.get("name", "")
    is_bot = author.get("isBot", False)
    kind = message.get("type", "Default")
    content = message.get("content", "")
    if (
        author_id is None
        or type(author_name) is not str
        or type(is_bot) is not bool
        or type(kind) is not str
        or type(content) is not str
    ):
        return None
    replies_to = None
    reference = message.get("reference")
    if reference is not None:
        if type(reference) is not dict:
            return None
        answered = reference.get("messageId")
        if answered is not None:
            replies_to = _usual_snowflake(answered)
            if replies_to is None:
                return None
    author_roles = None
    if roles:
        listed = author.get("roles")
        if listed is not None:
            author_roles = _usual_roles(listed)
            if author_roles is None:
                return None
    created_at = timestamp(message.get("timestamp"), "'timestamp'")
    edited = message.get("timestampEdited")
    if edited is not None:
        timestamp(edited, "'timestampEdited'")
    return ExportMessage(
        message_id,
        channel.guild_id,
        channel.guild_name,
        channel.channel_id,
        channel.channel_name,
        author_id,
        author_name,
        is_bot,
        created_at,
        edited is not None,
        kind,
        content,
        replies_to,
        author_roles,
    )


def _usual_roles(listed: object) -> tuple[ExportRole, ...] | None:
    """Roles as DCE writes them (objects with an id string and a name); None for anything
    else, which `_checked_message` reads or refuses."""
    if type(listed) is not list:
        return None
    found = []
    for role in listed:
        if type(role) is not dict:
            return None
        role_id = _usual_snowflake(role.get("id"))
        name = role.get("name", "")
        if role_id is None or type(name) is not str:
            return None
        found.append(ExportRole(role_id, name))
    return tuple(found)


def _checked_message(raw: object, channel: ExportedChannel, roles: bool) -> ExportMessage:
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
        author_roles=_roles(author) if roles else None,
    )


def _roles(author: dict[str, object]) -> tuple[ExportRole, ...] | None:
    """The author's roles (DCE's ``author.roles``); None when the export has none."""
    listed = author.get("roles")
    if listed is None:
        return None
    if not isinstance(listed, list):
        raise FieldError(f"'author.roles' is not an array: {snippet(listed)}")
    return tuple(_role(role, f"author.roles[{index}]") for index, role in enumerate(listed))


def _role(raw: object, where: str) -> ExportRole:
    role = _object(raw, f"'{where}'")
    return ExportRole(
        snowflake(_required(role, "id", f"'{where}'"), f"'{where}.id'"),
        _text(role, "name", f"'{where}.name'"),
    )


def _replies_to(message: dict[str, object]) -> int | None:
    """The id of the message a reply answers (DCE's ``reference.messageId``), if any."""
    reference = message.get("reference")
    if reference is None:
        return None
    answered = _object(reference, "'reference'").get("messageId")
    return None if answered is None else snowflake(answered, "'reference.messageId'")
