"""Keep the bot token (and anything shaped like a Discord token) out of every log record.

Redaction happens where records are made, not in one handler: a record then reaches every
handler already clean, whether it is the console handler `clamor run` configures, a handler a
library adds later, or pytest's capture. Each record is rendered once, as `QueueHandler.prepare`
does: the message with its arguments, the traceback text, then the secrets are cut out and the
live exception dropped, so no formatter can render the original text again.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
# Bot tokens are three base64url segments joined by dots (user id, timestamp, HMAC). A record
# may carry a token Clamor was not given: a member who pastes one in chat, at DEBUG level,
# where discord.py logs every gateway event. The bounds match what `Settings` accepts.
TOKEN_SHAPE = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])"
)
# Shorter secrets are too easy to find in innocent text ("on" in every sentence).
MIN_SECRET_CHARS = 8

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
        return TOKEN_SHAPE.sub(REDACTED, text)

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
