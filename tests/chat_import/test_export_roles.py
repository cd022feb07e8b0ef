"""Authors' roles in an export: read when a team is named, or for the guilds a team is kept
for, left alone otherwise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.chat_import import ExportError, read_export
from bot.chat_import.records import ExportRole
from tests.chat_import.conftest import GUILD_ID

DocBuilder = Callable[..., dict[str, Any]]
Writer = Callable[..., Path]

MAINTAINERS = {
    "id": "1150000000000000001",
    "name": "Maintainers",
    "color": "#E67E22",
    "position": 3,
}
MEMBERS = {"id": "1150000000000000002", "name": "members", "color": None, "position": 1}


def _doc_with_roles(make_doc: DocBuilder, *roles: object) -> dict[str, Any]:
    """One message per `roles` value (a list, anything else, or ... for no `roles` key)."""
    doc = make_doc(len(roles))
    for message, listed in zip(doc["messages"], roles, strict=True):
        if listed is ...:
            del message["author"]["roles"]
        else:
            message["author"]["roles"] = listed
    return doc


def test_roles_are_read_when_asked_for(make_doc: DocBuilder, write_export: Writer) -> None:
    path = write_export(_doc_with_roles(make_doc, [MAINTAINERS, MEMBERS], [], ...))
    read = [message.author_roles for message in read_export(path, roles=True)]
    assert read == [
        (
            ExportRole(1150000000000000001, "Maintainers"),
            ExportRole(1150000000000000002, "members"),
        ),
        (),  # a member without roles
        None,  # an export without roles (an older DiscordChatExporter): nobody's are known
    ]


def test_roles_are_not_read_unless_asked_for(make_doc: DocBuilder, write_export: Writer) -> None:
    """No team named: the roles are neither turned into objects nor checked."""
    path = write_export(_doc_with_roles(make_doc, [MAINTAINERS], "not an array", [{"id": "x"}]))
    assert [message.author_roles for message in read_export(path)] == [None, None, None]


@pytest.mark.parametrize(
    ("roles", "problem"),
    [
        ("Maintainers", "'author.roles' is not an array: 'Maintainers'"),
        ([MAINTAINERS, 7], "'author.roles[1]' is not an object"),
        ([{"name": "Maintainers"}], "'author.roles[0]' is missing 'id'"),
        ([{"id": "maintainers"}], "'author.roles[0].id' is not a Discord id: 'maintainers'"),
    ],
)
def test_a_malformed_roles_array_is_one_line_naming_the_file_and_message(
    make_doc: DocBuilder, write_export: Writer, roles: object, problem: str
) -> None:
    path = write_export(_doc_with_roles(make_doc, [MEMBERS], roles))
    messages = read_export(path, roles=True)
    assert next(messages).author_roles == (ExportRole(1150000000000000002, "members"),)
    with pytest.raises(ExportError) as raised:
        next(messages)
    text = str(raised.value)
    assert text.startswith(f"{path}: message #2 (byte ")
    assert text.endswith(problem)
    assert "\n" not in text


def test_roles_are_read_only_in_the_exports_of_the_guilds_asked_for(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    """A team kept for one guild: another guild's export is read as if no team were named,
    so a malformed `roles` array there stops nothing (and costs nothing to read)."""
    path = write_export(_doc_with_roles(make_doc, [MAINTAINERS], "not an array"))
    other_guild = GUILD_ID + 1
    assert [m.author_roles for m in read_export(path, roles={other_guild})] == [None, None]
    assert [m.author_roles for m in read_export(path, roles=frozenset())] == [None, None]
    messages = read_export(path, roles={other_guild, GUILD_ID})
    assert next(messages).author_roles == (ExportRole(1150000000000000001, "Maintainers"),)
    with pytest.raises(ExportError) as raised:
        next(messages)
    assert str(raised.value).endswith("'author.roles' is not an array: 'not an array'")
