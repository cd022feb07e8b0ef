"""Stream the messages of one DiscordChatExporter JSON export.

DCE writes `guild`, `channel`, `dateRange` and `exportedAt` before the (possibly huge)
`messages` array, so the small header values are decoded whole and the array is walked one
element at a time.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Generator, Iterator
from pathlib import Path

from bot.chat_import.fields import ExportedChannel, FieldError, export_message, exported_channel
from bot.chat_import.records import ExportError, ExportMessage, snippet
from bot.chat_import.stream import (
    DEFAULT_CHUNK_BYTES,
    NOT_AT_HAND,
    JsonStream,
    ProgressCallback,
)

_HEADER_KEYS = ("guild", "channel")
_ROOT_KINDS = {"[": "an array", '"': "a string", "t": "a boolean", "f": "a boolean", "n": "null"}
_ROOT_KINDS.update(dict.fromkeys("-0123456789", "a number"))


def read_export(
    path: Path | str,
    *,
    on_progress: ProgressCallback | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    roles: bool | Collection[int] = False,
) -> Generator[ExportMessage, None, None]:
    """Yield every message of the export in file order; raise `ExportError` on a broken file.

    A missing or unreadable file is reported at the call, not at the first `next()`; `close()`
    the generator to release the file early. Messages a digest would skip (bots, joins, pins)
    are yielded all the same: the caller decides. `on_progress(bytes_read, total_bytes)` is
    called after each chunk read. With `roles`, each message carries its author's roles: True
    in any export, a collection of guild ids only in an export of one of those guilds (the
    header names it before any message). Where they are not wanted they are never looked at,
    so a malformed `roles` array there stops nothing.
    """
    path = Path(path)
    total = _check_readable(path)
    return _read(path, total, on_progress, chunk_bytes, roles)


def _check_readable(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise ExportError.at(path, "no such file") from None
    except IsADirectoryError:
        raise ExportError.at(path, "is a directory, not an export file") from None
    except PermissionError:
        raise ExportError.at(path, "permission denied") from None
    except OSError as err:
        raise ExportError.at(path, f"cannot be opened ({err.strerror or err})") from None


def _read(
    path: Path,
    total: int,
    on_progress: ProgressCallback | None,
    chunk_bytes: int,
    roles: bool | Collection[int],
) -> Generator[ExportMessage, None, None]:
    try:
        handle = path.open("rb")
    except OSError as err:
        raise ExportError.at(path, f"cannot be opened ({err.strerror or err})") from None
    with handle:
        stream = JsonStream(
            handle, path, total_bytes=total, chunk_bytes=chunk_bytes, on_progress=on_progress
        )
        yield from _root(stream, roles)


def _root(stream: JsonStream, roles: bool | Collection[int]) -> Iterator[ExportMessage]:
    first = stream.peek()
    if first == "":
        stream.fail("is empty")
    if first != "{":
        kind = _ROOT_KINDS.get(first)
        stream.fail(
            f"the root is {kind}, not an object" if kind else f"is not JSON (starts with {first!r})"
        )
    stream.advance()
    header: dict[str, object] = {}
    has_messages = False
    members = 0
    while _next_member(stream, "}", "the root object", first=members == 0):
        members += 1
        key = _key(stream, "the root object")
        if key != "messages":
            value = stream.value("the root object")
            if key in _HEADER_KEYS:
                header[key] = value
            continue
        if has_messages:
            stream.fail(f"has a second 'messages' array at byte {stream.offset()}")
        has_messages = True
        channel = _channel_of(stream, header)
        wanted = roles if isinstance(roles, bool) else channel.guild_id in roles
        yield from _messages(stream, channel, wanted)
    if stream.peek() != "":
        stream.fail(f"has unexpected data after the root object at byte {stream.offset()}")
    for key in _HEADER_KEYS:
        if key not in header:
            stream.fail(f"has no '{key}' object")
    if not has_messages:
        stream.fail("has no 'messages' array")


def _channel_of(stream: JsonStream, header: dict[str, object]) -> ExportedChannel:
    for key in _HEADER_KEYS:
        if key not in header:
            # DCE always writes guild and channel first; a file without them is hand-made or
            # re-serialised, and guessing whose messages these are would mislabel the data.
            stream.fail(
                f"has no '{key}' object before 'messages' "
                "(DiscordChatExporter writes 'guild' and 'channel' first)"
            )
    try:
        return exported_channel(header["guild"], header["channel"])
    except FieldError as err:
        stream.fail(str(err))


def _messages(stream: JsonStream, channel: ExportedChannel, roles: bool) -> Iterator[ExportMessage]:
    if stream.need("the root object") != "[":
        stream.fail(f"'messages' is not an array (byte {stream.offset()})")
    stream.advance()
    number = 0
    while True:
        raw = stream.next_member_value() if number else NOT_AT_HAND
        if raw is NOT_AT_HAND:
            if not _next_member(stream, "]", "the 'messages' array", first=number == 0):
                break
            raw = stream.value("the 'messages' array")
        number += 1
        try:
            message = export_message(raw, channel, roles=roles)
        except FieldError as err:
            stream.fail(f"message #{number} (byte {stream.last_value_offset()}): {err}")
        yield message


def _next_member(stream: JsonStream, closer: str, where: str, *, first: bool) -> bool:
    """Consume the separator before the next member; False once `closer` ends the container."""
    found = stream.need(where)
    if found == closer:
        stream.advance()
        return False
    if first:
        return True
    if found != ",":
        stream.fail(
            f"expected ',' or {closer!r} in {where} at byte {stream.offset()}, found {found!r}"
        )
    stream.advance()
    return True


def _key(stream: JsonStream, where: str) -> str:
    if stream.need(where) != '"':
        stream.fail(f"expected a property name at byte {stream.offset()}")
    key = stream.value(where)
    if not isinstance(key, str) or stream.need(where) != ":":
        stream.fail(f"expected ':' after {snippet(key)} at byte {stream.offset()}")
    stream.advance()
    return key
