"""What the command line prints: nothing a member wrote may act on the reader's terminal.

Digests, explanations and exports carry members' words (messages, server and channel names,
targets). Printed raw, an escape sequence in them writes the reader's clipboard (OSC 52), sets
the window title (OSC 0) or clears the screen (CSI 2J); a bidi override reorders the rest of
the line. So every such character is printed as a visible `\\uXXXX` escape instead, and a lone
surrogate (JSON can carry one, UTF-8 cannot write it) is printed as U+FFFD in text, or as a
JSON escape in JSON, which keeps the document's value exactly.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import BinaryIO

# C0 controls but tab and newline (ESC starts every sequence; a lone CR rewrites the line),
# DEL, the C1 controls (U+009B and U+009D are CSI and OSC by themselves on many terminals),
# and the bidi embeddings, overrides and isolates, which reorder what follows them.
_ACTIVE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# JSON's own output escapes C0 already; in a document, a CR is only ever inside a string.
_JSON_ACTIVE = re.compile(f"[{_ACTIVE}\ud800-\udfff]")
# The other two are compiled on first use (``re`` keeps them): about half a millisecond each
# at every start, and `clamor classify`, which a shell script may start once a line, prints
# only JSON.
_TEXT_ACTIVE = f"[{_ACTIVE}]|[\ud800-\udfff]"
# CSV ends its records with CRLF, which a terminal shows as a plain line end: only a CR
# without its LF is escaped there.
_EXPORT_ACTIVE = "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _text_escape(match: re.Match[str]) -> str:
    char = match.group()
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"\\u{ord(char):04x}"


def visible(text: str) -> str:
    """Human-readable output (a digest, an explanation, an error line) safe to print."""
    return re.sub(_TEXT_ACTIVE, _text_escape, text)


def json_visible(document: str) -> str:
    """A JSON document (or JSON line) safe to print, and equal in value: the characters are
    written as JSON escapes, which only strings can hold."""
    return _JSON_ACTIVE.sub(_escape, document)


class TerminalSink:
    """A binary sink for export bytes bound for a terminal: what they say, made `visible`.

    Records arrive whole (one write per row), but the decoder keeps an unfinished UTF-8
    sequence or a CR whose LF has not arrived yet for the next write all the same.
    """

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._held = ""

    def write(self, data: bytes) -> int:
        self._emit(self._decoder.decode(data))
        return len(data)

    def writelines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._emit(self._decoder.decode(b"", final=True), final=True)
        self._out.flush()

    def _emit(self, text: str, *, final: bool = False) -> None:
        text = self._held + text
        self._held = ""
        if text.endswith("\r") and not final:
            text, self._held = text[:-1], "\r"
        self._out.write(re.sub(_EXPORT_ACTIVE, _escape, text).encode("utf-8"))
