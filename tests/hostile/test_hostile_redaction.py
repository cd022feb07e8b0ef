"""The log redactor on hostile text: a secret or a token-shaped string never survives, wherever
it sits, whatever surrounds it, and the redactor finishes on walls of token-alphabet text."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.redaction import REDACTED, TOKEN_SHAPE, SecretRedactor, install_redaction, remove_redaction
from tests.hostile.guard import finishes
from tests.hostile.strategies import HOSTILE_TEXT

SECRET = "MTMxNjAwMDAwMDAwMDAwMDAwMA.GhIjKl.s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz01"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TOKEN_SHAPED = st.builds(
    lambda a, b, c: f"{a}.{b}.{c}",
    st.text(B64URL, min_size=20, max_size=30),
    st.text(B64URL, min_size=4, max_size=8),
    st.text(B64URL, min_size=20, max_size=40),
)


@settings(max_examples=150, deadline=None)
@given(before=HOSTILE_TEXT, after=HOSTILE_TEXT, other=TOKEN_SHAPED)
def test_secrets_and_token_shapes_never_survive(before: str, after: str, other: str) -> None:
    redactor = SecretRedactor([SECRET])
    text = f"{before}{SECRET}{after} {other}\n"
    cleaned = finishes(lambda: redactor.redact(text), what="redact")
    assert SECRET not in cleaned
    assert other not in cleaned
    assert REDACTED in cleaned


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["a" * 25, ".", "-", "_", "bcd", "..", " "]), max_size=400))
def test_walls_of_token_alphabet_finish(pieces: list[str]) -> None:
    wall = "".join(pieces) * 20
    cleaned = finishes(lambda: SecretRedactor([SECRET]).redact(wall), what="redact on a wall")
    assert not TOKEN_SHAPE.search(cleaned)


def test_short_or_missing_secrets_are_not_redacted_everywhere() -> None:
    # "on" as a secret would shred every sentence; None is an unset token.
    redactor = SecretRedactor(["on", "", None])
    assert redactor.redact("open source it, go on") == "open source it, go on"


def test_installed_redaction_covers_every_logger_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    plain_factory = logging.getLogRecordFactory()
    install_redaction([SECRET])
    install_redaction([SECRET])  # installing twice does not stack
    try:
        caplog.set_level(logging.DEBUG)
        try:
            raise ValueError(f"bad header Bot {SECRET}")
        except ValueError:
            logging.getLogger("some.library").exception("request with %s failed", SECRET)
        logging.getLogger("x").debug("%s", {"token": SECRET}, stack_info=True)
        logging.getLogger("y").warning("broken %s %s", SECRET)  # wrong arguments, still made
    finally:
        remove_redaction()
    logging.getLogger("z").info("after removal: %s", "plain")
    assert len(caplog.records) == 4
    assert SECRET not in caplog.text
    for record in caplog.records[:3]:
        rendered = record.getMessage() + (record.exc_text or "") + (record.stack_info or "")
        assert SECRET not in rendered
        assert REDACTED in rendered
    assert caplog.records[0].exc_info is None
    assert "ValueError" in (caplog.records[0].exc_text or "")
    assert caplog.records[3].getMessage() == "after removal: plain"
    assert logging.getLogRecordFactory() is plain_factory
