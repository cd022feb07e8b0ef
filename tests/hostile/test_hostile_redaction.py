"""The log redactor on hostile text: a secret or a token-shaped string never survives, wherever
it sits, whatever surrounds it, and the redactor finishes on walls of token-alphabet text."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.redaction import (
    REDACTED,
    TOKEN_SHAPE,
    SecretRedactor,
    install_redaction,
    redact_tokens,
    remove_redaction,
)
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


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isalnum() else char for char in text)


HEAD, MIDDLE, TAIL = SECRET.split(".")
# How a token still reads as itself to a person: invisible characters, look-alike dots, spaces
# or line breaks at the dots, fullwidth letters. Each must be redacted whole.
DISGUISED = {
    "zero-width space": f"{HEAD[:9]}\u200b{HEAD[9:]}.{MIDDLE}\u200b.{TAIL}",
    "soft hyphen": f"{HEAD}\u00ad.{MIDDLE}.{TAIL[:12]}\u00ad{TAIL[12:]}",
    "one dot leader": f"{HEAD}\u2024{MIDDLE}\u2024{TAIL}",
    "dot and space": f"{HEAD}. {MIDDLE}. {TAIL}",
    "space and dot": f"{HEAD} .{MIDDLE} .{TAIL}",
    "wrapped at the dots": f"{HEAD}.\n{MIDDLE}.\r\n{TAIL}",
    "word joiner": f"{HEAD}\u2060.\u2060{MIDDLE}.{TAIL}",
    "byte order mark": f"{HEAD[:4]}\ufeff{HEAD[4:]}.{MIDDLE}\ufeff.{TAIL}",
    "zero-width joiners": f"{HEAD}\u200c\u200d.{MIDDLE}.{TAIL}",
    "bidi override": f"{HEAD}\u202e.{MIDDLE}\u202c.{TAIL}",
    "invisible tag": f"{HEAD}\U000e0041.{MIDDLE}.{TAIL}",
    "escape character": f"{HEAD}\x1b.{MIDDLE}\x00.{TAIL}",
    "combining grapheme joiner": f"{HEAD}\u034f.{MIDDLE}.{TAIL}",
    "Hangul filler": f"{HEAD}\u3164.{MIDDLE}.{TAIL}",
    "fullwidth full stops": f"{HEAD}\uff0e{MIDDLE}\uff0e{TAIL}",
    "ideographic full stops": f"{HEAD}\u3002{MIDDLE}\uff61{TAIL}",
    "middle dots": f"{HEAD}\u00b7{MIDDLE}\u2027{TAIL}",
    "small full stops": f"{HEAD}\ufe52{MIDDLE}\ufe52{TAIL}",
    "fullwidth letters": _fullwidth(SECRET),
    "no-break space at a dot": f"{HEAD}.\u00a0{MIDDLE}.\u2028{TAIL}",
    "everything at once": f"{HEAD[:3]}\u200b{HEAD[3:]}\u00ad\u2024 {_fullwidth(MIDDLE)}.\n{TAIL}",
}


@pytest.mark.parametrize("disguised", DISGUISED.values(), ids=DISGUISED.keys())
def test_disguised_tokens_are_redacted_whole(disguised: str) -> None:
    text = f"olvídense, mi token: {disguised} ¿y ahora? 🔥"
    assert redact_tokens(text) == f"olvídense, mi token: {REDACTED} ¿y ahora? 🔥"
    # The log redactor, which knows no secret here, goes by the same rule.
    assert SecretRedactor().redact(text) == f"olvídense, mi token: {REDACTED} ¿y ahora? 🔥"


@pytest.mark.parametrize(
    "innocent",
    [
        "v1.2.3 is out, open source it",
        "Olvídense. Jamás. Nunca va a pasar… ¿verdad?",
        "e.g. the weights. i.e. the model. etc.",
        "see https://github.com/openai/whisper/blob/main/README.md. Nice.",
        "a·b·c and 1\u20242\u20243, a\u200bb.c",
        "Internationalization. Sure. It matters.",  # one segment long enough, not three
    ],
)
def test_text_that_only_has_dots_is_kept(innocent: str) -> None:
    assert redact_tokens(innocent) == innocent
