"""The short path for DiscordChatExporter's usual message shape reads exactly what the careful
path reads, or leaves the message to it: the two must never disagree about a message, with its
author's roles read (a team named) or not.

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
from bot.chat_import.records import ExportMessage, ExportRole

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


def _role(
    ids: st.SearchStrategy[Any], names: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """A role as DCE writes it beside the author: id, name, colour and position."""
    return st.fixed_dictionaries(
        {"id": ids},
        optional={
            "name": names,
            "color": st.sampled_from([None, "#E67E22"]),
            "position": st.integers(0, 250),
        },
    )


_ROLE_IDS = st.integers(0, MAX_SNOWFLAKE).map(str)
_USUAL_ROLES = st.lists(_role(_ROLE_IDS, st.text(max_size=8)))
# A roles array with something wrong inside, or no array at all.
_ODD_ROLES = st.one_of(
    _ODD,
    st.lists(st.one_of(_ODD, _role(_IDS, st.text(max_size=4))), min_size=1, max_size=3),
    st.lists(_role(_ROLE_IDS, _TEXTS), min_size=1, max_size=3),
    st.lists(st.fixed_dictionaries({}, optional={"name": st.text(max_size=4)}), min_size=1),
)


def _usual() -> st.SearchStrategy[dict[str, object]]:
    """A message in DCE's own shape, each optional key there or not."""
    ids = st.integers(0, MAX_SNOWFLAKE).map(str)
    return st.fixed_dictionaries(
        {
            "id": ids,
            "timestamp": st.just("2026-03-02T10:00:00+00:00"),
            "author": st.fixed_dictionaries(
                {"id": ids},
                optional={
                    "name": st.text(max_size=8),
                    "isBot": st.booleans(),
                    "roles": _USUAL_ROLES,
                },
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
    "author.roles": _ODD_ROLES,
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


def _read(message: dict[str, object], *, roles: bool = False) -> ExportMessage | str:
    try:
        return export_message(message, CHANNEL, roles=roles)
    except FieldError as err:
        return f"FieldError: {err}"


@settings(max_examples=600, deadline=None)
@given(_messages(), st.booleans())
def test_short_and_careful_paths_read_every_message_alike(
    message: dict[str, object], roles: bool
) -> None:
    assert _read(message, roles=roles) == _read(_Careful(message), roles=roles)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_USUAL_ROLES, _ODD_ROLES))
def test_short_and_careful_paths_read_every_roles_array_alike(roles: object) -> None:
    message = _with_roles(roles)
    assert _read(message, roles=True) == _read(_Careful(message), roles=True)


def _with_roles(roles: object) -> dict[str, object]:
    return {
        "id": "900",
        "timestamp": "2026-03-02T10:00:00+00:00",
        "author": {"id": "7", "name": "ana", "roles": roles},
    }


MALFORMED_ROLES = [
    ("Maintainers", "'author.roles' is not an array: 'Maintainers'"),
    ({"id": "1"}, "'author.roles' is not an array: {'id': '1'}"),
    (["Maintainers"], "'author.roles[0]' is not an object"),
    ([{"id": "1", "name": "a"}, {"name": "b"}], "'author.roles[1]' is missing 'id'"),
    ([{"id": "1x", "name": "a"}], "'author.roles[0].id' is not a Discord id: '1x'"),
    ([{"id": "-1", "name": "a"}], "'author.roles[0].id' is not a Discord id: '-1'"),
    ([{"id": "1", "name": 5}], "'author.roles[0].name' is not a string: 5"),
]


@pytest.mark.parametrize(("roles", "problem"), MALFORMED_ROLES)
def test_malformed_roles_are_one_clear_problem_on_both_paths(roles: object, problem: str) -> None:
    assert _read(_with_roles(roles), roles=True) == f"FieldError: {problem}"
    assert _read(_Careful(_with_roles(roles)), roles=True) == f"FieldError: {problem}"


@pytest.mark.parametrize("roles", [roles for roles, _ in MALFORMED_ROLES])
def test_roles_not_asked_for_are_not_looked_at(roles: object) -> None:
    """Without a team nothing reads the roles: a broken array is left alone, as DCE's other
    fields Clamor does not read are, by both paths."""
    plain = _read(_with_roles(None))
    assert isinstance(plain, ExportMessage)
    assert plain.author_roles is None
    assert _read(_with_roles(roles)) == plain
    assert _read(_Careful(_with_roles(roles))) == plain


def test_roles_as_dce_writes_them_take_the_short_path(monkeypatch: pytest.MonkeyPatch) -> None:
    roles = [
        {"id": "1150000000000000001", "name": "Maintainers", "color": "#E67E22", "position": 3},
        {"id": "1150000000000000002", "name": "members", "color": None, "position": 1},
    ]
    with monkeypatch.context() as patched:
        patched.setattr(
            "bot.chat_import.fields._checked_message",
            lambda *_: pytest.fail("the careful path read DCE's usual roles"),
        )
        read = _read(_with_roles(roles), roles=True)
        without = _read(_with_roles([]), roles=True)
    assert isinstance(read, ExportMessage)
    assert isinstance(without, ExportMessage)
    assert read.author_roles == (
        ExportRole(1150000000000000001, "Maintainers"),
        ExportRole(1150000000000000002, "members"),
    )
    assert without.author_roles == ()  # known: no roles, unlike an export without the key
    assert read == _read(_Careful(_with_roles(roles)), roles=True)


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
