"""The short path for DiscordChatExporter's usual message shape reads exactly what the careful
path reads, or leaves the message to it: the two must never disagree about a message.

`export_message` takes the short path only for a plain `dict`; a subclass of `dict` goes
straight to the careful path, which checks with `isinstance`. So the same message, once as a
`dict` and once as a `_Careful` copy, is read both ways through the public function.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat_import.fields import (
    MAX_SNOWFLAKE,
    ExportedChannel,
    FieldError,
    export_message,
    exported_channel,
)
from bot.chat_import.records import ExportMessage

CHANNEL: ExportedChannel = exported_channel(
    {"id": "1", "name": "Latent Space"}, {"id": "2", "name": "general"}
)


class _Careful(dict[str, object]):
    """A message that `export_message` reads the careful way only."""


# Ids as text that only look like DCE's: empty, leading zeros, too long or too large, not
# ASCII digits (int() reads "١٢٣" as 123; "²" is a digit it refuses).
_ODD_ID_TEXTS = ["", "0", "000123", "0" * 25 + "7", str(MAX_SNOWFLAKE + 1), "1e3", "١٢٣", "²", " 5"]
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["id", "messageId", "name"]), st.integers(), max_size=2),
    st.text(max_size=6),
)
_IDS = st.one_of(
    st.integers(0, MAX_SNOWFLAKE).map(str),  # as DCE writes them
    st.integers(-5, MAX_SNOWFLAKE + 5),  # hand-made: plain numbers, some out of range
    st.integers(MAX_SNOWFLAKE - 2, MAX_SNOWFLAKE + 2).map(str),  # the largest, and past it
    st.sampled_from(_ODD_ID_TEXTS),
    _ODD,
)
_TIMES = st.one_of(
    st.sampled_from(
        [
            "2026-03-02T10:00:00+00:00",
            "2026-03-02T10:00:00.123-05:00",
            "2026-03-02T10:00:00",  # no offset
            "2014-12-31T23:59:59+00:00",  # before Discord
            "9999-12-31T23:59:59+00:00",
            "yesterday",
        ]
    ),
    _ODD,
)
_TEXTS = st.one_of(st.text(max_size=12), _ODD)


def _usual() -> st.SearchStrategy[dict[str, object]]:
    """A message in DCE's own shape, each optional key there or not."""
    ids = st.integers(0, MAX_SNOWFLAKE).map(str)
    return st.fixed_dictionaries(
        {
            "id": ids,
            "timestamp": st.just("2026-03-02T10:00:00+00:00"),
            "author": st.fixed_dictionaries(
                {"id": ids}, optional={"name": st.text(max_size=8), "isBot": st.booleans()}
            ),
        },
        optional={
            "type": st.sampled_from(["Default", "Reply", ""]),
            "timestampEdited": st.sampled_from([None, "2026-03-02T11:00:00.5+01:00"]),
            "content": st.text(max_size=12),
            "reference": st.fixed_dictionaries({}, optional={"messageId": ids}),
        },
    )


_ODD_VALUES = {
    "id": _IDS,
    "timestamp": _TIMES,
    "timestampEdited": _TIMES,
    "type": _TEXTS,
    "content": _TEXTS,
    "author": _ODD,
    "reference": _ODD,
    "author.id": _IDS,
    "author.name": _TEXTS,
    "author.isBot": st.one_of(st.booleans(), _ODD),
    "reference.messageId": _IDS,
}


@st.composite
def _messages(draw: st.DrawFn) -> dict[str, object]:
    """A usual message with none, one or a few of its values made odd or left out."""
    message = draw(_usual())
    for path in draw(st.lists(st.sampled_from(sorted(_ODD_VALUES)), max_size=3, unique=True)):
        owner, _, key = path.rpartition(".")
        holder = message.get(owner) if owner else message
        if not isinstance(holder, dict):
            continue
        if draw(st.booleans()):
            holder[key or path] = draw(_ODD_VALUES[path])
        else:
            holder.pop(key or path, None)
    return message


def _read(message: dict[str, object]) -> ExportMessage | str:
    try:
        return export_message(message, CHANNEL)
    except FieldError as err:
        return f"FieldError: {err}"


@settings(max_examples=600, deadline=None)
@given(_messages())
def test_short_and_careful_paths_read_every_message_alike(message: dict[str, object]) -> None:
    assert _read(message) == _read(_Careful(message))


@pytest.mark.parametrize("odd", _ODD_ID_TEXTS)
@pytest.mark.parametrize("path", ["id", "author.id", "reference.messageId"])
def test_every_odd_id_is_read_alike(path: str, odd: str) -> None:
    message: dict[str, Any] = {
        "id": "900",
        "timestamp": "2026-03-02T10:00:00+00:00",
        "author": {"id": "7"},
        "reference": {"messageId": "899"},
    }
    owner, _, key = path.rpartition(".")
    (message[owner] if owner else message)[key] = odd
    assert _read(message) == _read(_Careful(message))


def test_the_usual_shape_takes_the_short_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a vacuous comparison: DCE's own shape is read by the short path alone (here the
    careful one is broken), and the subclass really is read the careful way (a message the
    careful path refuses is refused through it too)."""
    usual: dict[str, object] = {
        "id": "900",
        "type": "Reply",
        "timestamp": "2026-03-02T10:00:00+00:00",
        "content": "open the weights",
        "author": {"id": "7", "name": "ana", "isBot": False},
        "reference": {"messageId": "899"},
    }
    with monkeypatch.context() as patched:
        patched.setattr(
            "bot.chat_import.fields._checked_message",
            lambda *_: pytest.fail("the careful path read DCE's usual shape"),
        )
        read = _read(usual)
    assert isinstance(read, ExportMessage)
    assert (read.message_id, read.author_id, read.replies_to, read.kind) == (900, 7, 899, "Reply")
    assert _read(_Careful(usual, id="x")) == "FieldError: 'id' is not a Discord id: 'x'"
