"""The fake's own rules, checked without discord.py: tables for pure code, raw HTTP for REST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord, select_history
from tests.fakediscord.commands import build_invocation, validate_commands
from tests.fakediscord.limits import message_problems

IDS = list(range(1, 11))  # ten messages, ids 1..10 (ascending = oldest first)


@pytest.mark.parametrize(
    ("anchors", "limit", "expected"),
    [
        ({}, 3, [10, 9, 8]),
        ({"before": 5}, 3, [4, 3, 2]),
        ({"before": 2}, 3, [1]),
        # after: the OLDEST messages after the id, listed newest first
        ({"after": 5}, 3, [8, 7, 6]),
        ({"after": 8}, 5, [10, 9]),
        ({"after": 10}, 5, []),
        ({"around": 5}, 4, [7, 6, 5, 4]),
        ({"around": 1}, 3, [2, 1]),
        ({}, 50, IDS[::-1]),
    ],
)
def test_select_history(anchors: dict[str, int], limit: int, expected: list[int]) -> None:
    assert select_history(IDS, limit=limit, **anchors) == expected


def _command(**overrides: Any) -> dict[str, Any]:
    return {"name": "clamor", "description": "Clamor", "type": 1, "options": []} | overrides


def _string(name: str, *, required: bool = False) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": name, "required": required}


@pytest.mark.parametrize(
    ("commands", "bad_path"),
    [
        ([_command()], None),
        ([_command(name="Clamor")], ("0", "name")),
        ([_command(name="has space")], ("0", "name")),
        ([_command(description="")], ("0", "description")),
        ([_command(description="x" * 101)], ("0", "description")),
        ([_command(), _command()], ("1", "name")),  # duplicate name
        ([_command(options=[_string("a"), _string("b", required=True)])], ("0", "options")),
        ([_command(options=[_string(f"o{n}") for n in range(26)])], ("0", "options")),
        ([_command(type=3, name="Report message", description="")], None),
    ],
)
def test_validate_commands(
    commands: list[dict[str, Any]], bad_path: tuple[str, str] | None
) -> None:
    errors = validate_commands(commands)
    if bad_path is None:
        assert errors == {}
    else:
        index, field = bad_path
        assert field in errors[index]


@pytest.mark.parametrize(
    ("content", "embeds", "bad_field"),
    [
        ("fine", [], None),
        ("x" * 2000, [], None),
        ("x" * 2001, [], "content"),
        ("", [{"title": "t" * 257}], "embeds"),
        ("", [{"description": "d" * 4096}], None),
        ("", [{"fields": [{"name": "", "value": "v"}]}], "embeds"),
        ("", [{"description": "d" * 4000}, {"description": "d" * 2001}], "embeds"),
        ("", [{}] * 11, "embeds"),
    ],
)
def test_message_problems(
    content: str, embeds: list[dict[str, Any]], bad_field: str | None
) -> None:
    problems = message_problems(content, embeds, attachment_count=0)
    assert list(problems) == ([] if bad_field is None else [bad_field])


SYNCED = _command(
    id="1",
    options=[
        {
            "type": 2,
            "name": "admin",
            "options": [
                {"type": 1, "name": "watch", "options": [{"type": 7, "name": "channel"}]},
                {
                    "type": 1,
                    "name": "digest",
                    "options": [
                        {"type": 4, "name": "days", "required": True},
                        {"type": 3, "name": "format", "choices": [{"name": "t", "value": "text"}]},
                    ],
                },
            ],
        }
    ],
)


def test_build_invocation_nests_options_under_the_subcommand_path() -> None:
    invocation = build_invocation(SYNCED, ["admin", "digest"], {"days": "7", "format": "text"})
    assert invocation.options == [
        {
            "name": "admin",
            "type": 2,
            "options": [
                {
                    "name": "digest",
                    "type": 1,
                    "options": [
                        {"name": "days", "type": 4, "value": 7},
                        {"name": "format", "type": 3, "value": "text"},
                    ],
                }
            ],
        }
    ]
    watch = build_invocation(SYNCED, ["admin", "watch"], {"channel": 42})
    assert watch.references == [(7, 42)]


@pytest.mark.parametrize(
    ("path", "values", "error"),
    [
        (["admin"], {}, LookupError),  # a group cannot be invoked
        (["admin", "nope"], {}, LookupError),
        (["admin", "digest"], {}, ValueError),  # `days` is required
        (["admin", "digest"], {"days": 1, "colour": "red"}, LookupError),
        (["admin", "digest"], {"days": 1, "format": "csv"}, ValueError),  # not a choice
    ],
)
def test_build_invocation_refuses_what_discord_would_never_send(
    path: list[str], values: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        build_invocation(SYNCED, path, values)


@pytest.fixture
async def raw_api(fake_discord: FakeDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with aiohttp.ClientSession(fake_discord.api_base + "/", headers=headers) as session:
        yield session


async def test_json_content_type_is_exact(raw_api: aiohttp.ClientSession) -> None:
    async with raw_api.get("users/@me") as response:
        assert response.headers["Content-Type"] == "application/json"
        assert (await response.json())["username"] == "clamor"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "channels/1", 404, 10003),
        ("GET", "guilds/1", 404, 10004),
        ("POST", "interactions/1/nope/callback", 404, 10062),
        ("GET", "applications/1/commands", 404, 10002),
    ],
)
async def test_unknown_ids_get_discord_error_codes(
    raw_api: aiohttp.ClientSession, method: str, path: str, status: int, code: int
) -> None:
    async with raw_api.request(method, path, json={}) as response:
        assert (response.status, (await response.json())["code"]) == (status, code)


async def test_requests_without_the_bot_token_are_unauthorized(fake_discord: FakeDiscord) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake_discord.api_base + "/users/@me") as response,
    ):
        assert response.status == 401
    assert [r.status for r in fake_discord.requests] == [401]


async def test_history_refuses_two_anchors_and_a_bad_limit(
    fake_discord: FakeDiscord, raw_api: aiohttp.ClientSession
) -> None:
    channel = fake_discord.channel("general").id
    for query in ({"before": "5", "after": "1"}, {"limit": "101"}):
        async with raw_api.get(f"channels/{channel}/messages", params=query) as response:
            assert response.status == 400


async def test_dispatch_before_any_bot_connects_fails_loudly(fake_discord: FakeDiscord) -> None:
    with pytest.raises(RuntimeError, match="no bot has identified"):
        await fake_discord.dispatch("MESSAGE_CREATE", {})
