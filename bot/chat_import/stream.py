"""Walk a JSON document one value at a time without ever holding the whole file in memory.

The text is decoded chunk by chunk; `value()` hands each complete JSON value to the C decoder
(`raw_decode`) and, when the value runs past the end of what has been read, reads more and
retries. Consumed text is dropped before every read, so memory stays near one chunk plus the
largest single value.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NoReturn

from bot.chat_import.records import ExportError

DEFAULT_CHUNK_BYTES = 1 << 20
# No DiscordChatExporter value comes near this; a file that needs more is not an export and
# must not be allowed to pull the rest of a huge file into memory.
MAX_VALUE_CHARS = 64 << 20
# A decoding error this close to the end of the text read so far may just be a value cut by a
# chunk boundary ("tru|e", "-|1", "\u00|e9"), so it is retried with more text.
_BOUNDARY_SLACK = 16

_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")
_NEXT_MEMBER = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
# What `next_member_value` returns when the next member is not there to be taken in one step.
NOT_AT_HAND = object()
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

ProgressCallback = Callable[[int, int], None]


class JsonStream:
    """A cursor over the JSON text of one open file."""

    def __init__(
        self,
        raw: BinaryIO,
        path: Path,
        *,
        total_bytes: int,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        if chunk_bytes < 1:
            raise ValueError("chunk_bytes must be at least 1")
        self.path = path
        self._raw = raw
        self._total = total_bytes
        self._chunk = chunk_bytes
        self._on_progress = on_progress
        self._bytes = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._text = ""
        self._pos = 0
        self._last_start = 0
        self._read = 0
        self._eof = False

    def fail(self, problem: str) -> NoReturn:
        raise ExportError.at(self.path, problem)

    def offset(self, pos: int | None = None) -> int:
        """Byte offset in the file of a position in the text read so far (default: the cursor)."""
        at = self._pos if pos is None else pos
        pending = len(self._bytes.getstate()[0])
        return self._read - pending - len(self._text[at:].encode("utf-8", "surrogatepass"))

    def peek(self) -> str:
        """Skip whitespace and return the next character without consuming it ("" at the end)."""
        while True:
            found = _NOT_WHITESPACE.search(self._text, self._pos)
            if found is not None:
                self._pos = found.start()
                return self._text[self._pos]
            self._pos = len(self._text)
            if not self._read_chunk():
                return ""

    def advance(self) -> None:
        """Consume the character `peek()` returned."""
        self._pos += 1

    def value(self, where: str) -> object:
        """Decode the JSON value at the cursor (inside `where`, for errors) and move past it."""
        self.need(where)
        while True:
            decoded = self._decode_here()
            # A number or literal ending exactly at the chunk edge may continue ("12|34").
            if decoded is not None and (decoded[1] < len(self._text) or self._eof):
                self._last_start = self._pos
                self._pos = decoded[1]
                return decoded[0]
            self._read_more()

    def next_member_value(self) -> object:
        """After a member of an array, the next one if it lies whole in the text read so far:
        the separator, then the value (moved past both). Anything else (the array's end, a
        chunk edge, an error) returns NOT_AT_HAND and moves nothing: `peek`, `advance` and
        `value` then take it step by step and name any problem."""
        found = _NEXT_MEMBER.match(self._text, self._pos)
        if found is None:
            return NOT_AT_HAND
        start = found.end()
        decoded = self._whole_value_at(start)
        if decoded is None:
            return NOT_AT_HAND
        self._last_start = start
        self._pos = decoded[1]
        return decoded[0]

    def _whole_value_at(self, start: int) -> tuple[object, int] | None:
        try:
            value, end = self._json.raw_decode(self._text, start)
        except (ValueError, RecursionError):  # the step-by-step way reports these
            return None
        # A number or literal ending exactly at the chunk edge may continue ("12|34").
        return (value, end) if end < len(self._text) else None

    def _decode_here(self) -> tuple[object, int] | None:
        """The value at the cursor and where it ends; None if it may continue in the file."""
        # Kept apart from `value()` so a caught JSONDecodeError, which holds the whole buffer,
        # is gone before the next chunk is read.
        try:
            return self._json.raw_decode(self._text, self._pos)
        except json.JSONDecodeError as err:
            if self._eof or not self._may_be_cut(err):
                self._invalid(err)
            return None
        except RecursionError:
            self.fail(f"JSON nested too deeply near byte {self.offset()}")
        except ValueError:
            # Not a JSONDecodeError: int() refuses a literal of more than 4,300 digits.
            self.fail(f"has a number too long to read near byte {self.offset()}")

    def last_value_offset(self) -> int:
        """Byte offset where the value `value()` last returned began (until the next read)."""
        return self.offset(self._last_start)

    def _may_be_cut(self, err: json.JSONDecodeError) -> bool:
        return err.msg.startswith("Unterminated string") or err.pos >= (
            len(self._text) - _BOUNDARY_SLACK
        )

    def need(self, where: str) -> str:
        """`peek()`, failing with a truncation error if the file ends here (inside `where`)."""
        found = self.peek()
        if found == "":
            self.fail(f"ends at byte {self._read} inside {where} (truncated?)")
        return found

    def _invalid(self, err: json.JSONDecodeError) -> NoReturn:
        where = self.offset(err.pos)
        if self._eof and err.msg.startswith("Unterminated string"):
            self.fail(
                f"ends at byte {self._read} inside a string that starts at byte {where} "
                "(truncated?)"
            )
        if self._eof and err.pos >= len(self._text) - _BOUNDARY_SLACK:
            self.fail(f"ends at byte {self._read} in the middle of a JSON value (truncated?)")
        self.fail(f"is not valid JSON at byte {where}: {err.msg}")

    def _read_more(self) -> None:
        """Read until the unconsumed text has at least doubled (or the file ends)."""
        # Doubling, rather than one chunk per retry, keeps re-decoding a long value linear.
        wanted = 2 * (len(self._text) - self._pos) + 1
        while len(self._text) - self._pos < wanted:
            if len(self._text) - self._pos > MAX_VALUE_CHARS:
                self.fail(
                    f"has a single JSON value of more than {MAX_VALUE_CHARS:,} characters at byte "
                    f"{self.offset()}; this does not look like a DiscordChatExporter export"
                )
            if not self._read_chunk():
                return

    def _read_chunk(self) -> bool:
        """Append the next chunk to the unconsumed text; False once the file is exhausted."""
        if self._eof:
            return False
        try:
            data = self._raw.read(self._chunk)
        except OSError as err:
            self.fail(f"cannot be read ({err.strerror or err})")
        if self._read == 0 and data[:2] in _UTF16_BOMS:
            self.fail(
                "is UTF-16 text; DiscordChatExporter writes UTF-8 (re-save the file as UTF-8)"
            )
        got = len(data)
        before = self._read - len(self._bytes.getstate()[0])
        self._read += got
        self._eof = got == 0
        # Let go of the consumed text (and the raw bytes) before the next piece is built, so at
        # most one old and one new chunk are alive at a time, whatever the file size.
        rest = self._text[self._pos :]
        self._text = ""
        self._pos = self._last_start = 0
        try:
            text = self._bytes.decode(data, final=self._eof)
        except UnicodeDecodeError as err:
            if self._eof and err.reason == "unexpected end of data":
                self.fail(f"ends at byte {self._read} inside a UTF-8 character (truncated?)")
            self.fail(f"is not UTF-8 text (invalid byte sequence at byte {before + err.start})")
        del data
        self._text = rest + text if rest else text
        if self._on_progress is not None and got:
            self._on_progress(self._read, self._total)
        return got > 0
