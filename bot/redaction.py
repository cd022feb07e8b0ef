"""Keep the bot token (and anything shaped like a Discord token) out of every log record.

Redaction happens where records are made, not in one handler: a record then reaches every
handler already clean, whether it is the console handler `clamor run` configures, a handler a
library adds later, or pytest's capture. Each record is rendered once, as `QueueHandler.prepare`
does: the message with its arguments, the traceback text, then the secrets are cut out and the
live exception dropped, so no formatter can render the original text again.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import traceback
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
# Bot tokens are three base64url segments joined by dots (user id, timestamp, HMAC). A record
# may carry a token Clamor was not given: a member who pastes one in chat, at DEBUG level,
# where discord.py logs every gateway event. The bounds match what `Settings` accepts; the
# dots may have whitespace around them (". " typed, or a line wrapped at a dot).
TOKEN_SHAPE = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}\s*+\.\s*+[A-Za-z0-9_-]{4,}\s*+\.\s*+"
    r"[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])"
)
# Shorter secrets are too easy to find in innocent text ("on" in every sentence).
MIN_SECRET_CHARS = 8

# A token pasted with an invisible character or a look-alike dot inside is still the token to
# anyone who reads it, so TOKEN_SHAPE is matched on a normalised view of the text:
# - characters that draw as a dot read as "." (NFKC already folds U+2024, U+FE52 and U+FF0E);
LOOKALIKE_DOTS = frozenset(
    "\u00b7\u0387\u0589\u06d4\u0701\u0702\u1427\u16eb\u2024\u2027\u2219\u22c5\u2981"
    "\u2e31\u2e33\u3002\u30fb\ua4f8\ufe12\ufe52\uff0e\uff61\uff65\U00010101"
)
# - invisible characters are dropped: format characters (zero-width space and joiners, soft
#   hyphen, word joiner, bidi controls, tags), controls other than whitespace, surrogates,
#   combining marks drawn on nothing, and the Hangul fillers that draw as blank;
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Mn", "Me"})
_BLANK_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
# - everything else is NFKC-folded, so fullwidth and mathematical letters read as ASCII.
_ANY_DOT = re.compile("[." + re.escape("".join(sorted(LOOKALIKE_DOTS))) + "]")
# The characters the view may change (beyond printable ASCII and whitespace); the runs between
# them are copied whole, so text with few of them costs little more than plain ASCII.
_MAYBE_CHANGED = re.compile(r"[^\x20-\x7e\t\n\r\x0b\x0c\x1c-\x1f]")

_install_lock = threading.Lock()


class SecretRedactor(logging.Filter):
    """A logging filter that renders a record and cuts the given secrets out of it.

    Usable on a handler like any filter; `install_redaction` applies it to every record made.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        known = {secret for secret in secrets if secret and len(secret) >= MIN_SECRET_CHARS}
        # Longest first, so a secret that contains another is cut whole.
        ordered = sorted(known, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        """`text` with every secret and every token-shaped string replaced by REDACTED."""
        if self._secrets is not None:
            text = self._secrets.sub(REDACTED, text)
        return redact_tokens(text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(_rendered_message(record))
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = _rendered_exception(record.exc_info)
            # The exception object still holds the original text; a formatter that looked at it
            # again (or a test reading `record.exc_info`) would undo the redaction.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redact_tokens(text: str) -> str:
    """`text` with everything that reads as a Discord token replaced by REDACTED, disguised or not
    (see LOOKALIKE_DOTS); the rest of the text is kept exactly as it was."""
    first_dot = _ANY_DOT.search(text)
    if first_dot is None or _ANY_DOT.search(text, first_dot.end()) is None:
        return text  # a token has two dots
    if not _MAYBE_CHANGED.search(text):
        return TOKEN_SHAPE.sub(REDACTED, text)
    view = _NormalisedView(text)
    pieces: list[str] = []
    done = 0
    for match in TOKEN_SHAPE.finditer(view.text):
        start = view.original(match.start())
        pieces.extend((text[done:start], REDACTED))
        done = view.original(match.end() - 1) + 1
    pieces.append(text[done:])
    return "".join(pieces)


class _NormalisedView:
    """`original`'s normalised text, and where each of its characters came from.

    Kept as segments (an ASCII run copied whole, or one character's normal form) rather than a
    position per character, so a long run costs one slice.
    """

    def __init__(self, original: str) -> None:
        pieces: list[str] = []
        self._starts: list[int] = []  # where each segment starts in the normalised text
        self._origins: list[int] = []  # ... and in the original
        self._widths: list[int] = []  # ... and how many original characters it stands for
        size = done = 0

        def add(piece: str, origin: int, width: int) -> None:
            nonlocal size
            pieces.append(piece)
            self._starts.append(size)
            self._origins.append(origin)
            self._widths.append(width)
            size += len(piece)

        for match in _MAYBE_CHANGED.finditer(original):
            at = match.start()
            if at > done:
                add(original[done:at], done, at - done)
            add(_normal_form(match.group()), at, 1)
            done = at + 1
        if done < len(original):
            add(original[done:], done, len(original) - done)
        self.text = "".join(pieces)

    def original(self, index: int) -> int:
        """The original position of the normalised character at `index`."""
        # The last segment starting at or before `index`; an empty one (a dropped character)
        # is never it, since the segment after it starts at the same place.
        segment = bisect_right(self._starts, index) - 1
        offset = index - self._starts[segment]
        return self._origins[segment] + min(offset, self._widths[segment] - 1)


@functools.lru_cache(maxsize=4096)
def _normal_form(char: str) -> str:
    if char in LOOKALIKE_DOTS:
        return "."
    if char.isspace():
        return char
    if char in _BLANK_FILLERS:
        return ""
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return ""
    folded = unicodedata.normalize("NFKC", char)
    return "." if folded in LOOKALIKE_DOTS else folded


def _rendered_message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:
        # Arguments that do not fit the format: logging would report it at emit time; here the
        # record must still be made, so keep both parts as text.
        return f"{record.msg!s} {record.args!r}"


def _rendered_exception(exc_info: Any) -> str:
    lines = traceback.format_exception(*exc_info)
    return "".join(lines).rstrip("\n")


class _Installed:
    """The record factory in place while redaction is on, and the one it wrapped."""

    def __init__(self, redactor: SecretRedactor, wrapped: Any) -> None:
        self.redactor = redactor
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.wrapped(*args, **kwargs)
        self.redactor.filter(record)
        return record


def install_redaction(secrets: Iterable[str | None]) -> SecretRedactor:
    """Redact `secrets` and token-shaped strings from every log record made from now on.

    Installing again replaces the secrets (it does not stack); `remove_redaction` undoes it.
    """
    redactor = SecretRedactor(secrets)
    with _install_lock:
        current = logging.getLogRecordFactory()
        wrapped = current.wrapped if isinstance(current, _Installed) else current
        logging.setLogRecordFactory(_Installed(redactor, wrapped))
    return redactor


def remove_redaction() -> None:
    """Put back the record factory `install_redaction` wrapped (no-op if none is installed)."""
    with _install_lock:
        current = logging.getLogRecordFactory()
        if isinstance(current, _Installed):
            logging.setLogRecordFactory(current.wrapped)
