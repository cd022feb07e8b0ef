"""The fake gateway's shards: which shard gets an event, and IDENTIFYs Discord would refuse."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.gateway_rules import event_guild, is_for_shard, shard_of, valid_shard

# (1 << 22) * n + anything: a guild id whose creation millisecond is n.
GUILD_ON_5 = (5 << 22) | 123


@pytest.mark.parametrize(
    ("event", "data", "guild"),
    [
        ("MESSAGE_CREATE", {"guild_id": str(GUILD_ON_5), "id": "1"}, GUILD_ON_5),
        ("GUILD_CREATE", {"id": str(GUILD_ON_5)}, GUILD_ON_5),
        ("GUILD_DELETE", {"id": str(GUILD_ON_5)}, GUILD_ON_5),
        ("INTERACTION_CREATE", {"guild_id": str(GUILD_ON_5), "id": "9"}, GUILD_ON_5),
        ("MESSAGE_CREATE", {"id": "1", "channel_id": "2"}, None),  # a DM
    ],
)
def test_event_guild(event: str, data: dict[str, Any], guild: int | None) -> None:
    assert event_guild(event, data) == guild


@pytest.mark.parametrize(
    ("event", "data", "shard", "expected"),
    [
        ("MESSAGE_CREATE", {"guild_id": str(GUILD_ON_5)}, (1, 2), True),  # 5 % 2
        ("MESSAGE_CREATE", {"guild_id": str(GUILD_ON_5)}, (0, 2), False),
        ("MESSAGE_CREATE", {"guild_id": str(GUILD_ON_5)}, (2, 3), True),  # 5 % 3
        ("MESSAGE_CREATE", {"guild_id": str(GUILD_ON_5)}, (0, 1), True),  # unsharded: all
        ("MESSAGE_CREATE", {"channel_id": "2"}, (0, 2), True),  # outside guilds: shard 0
        ("MESSAGE_CREATE", {"channel_id": "2"}, (1, 2), False),
    ],
)
def test_is_for_shard(
    event: str, data: dict[str, Any], shard: tuple[int, int], expected: bool
) -> None:
    assert shard_of(GUILD_ON_5, shard[1]) == 5 % shard[1]
    assert is_for_shard(event, data, shard) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([0, 1], (0, 1)),
        ([3, 4], (3, 4)),
        ([4, 4], None),
        ([-1, 4], None),
        ([0, 0], None),
        ([0], None),
        ("0,1", None),
        ([0.0, 1], None),
    ],
)
def test_valid_shard(value: object, expected: tuple[int, int] | None) -> None:
    assert valid_shard(value) == expected


async def test_an_invalid_shard_is_refused_with_4010() -> None:
    async with (
        FakeDiscord() as fake,
        aiohttp.ClientSession() as session,
        session.ws_connect(fake.gateway_url) as ws,
    ):
        hello = await ws.receive_json()
        assert hello["op"] == 10
        identify = {"token": fake.token, "intents": 0, "properties": {}, "shard": [2, 2]}
        await ws.send_json({"op": 2, "d": identify})
        closing = await ws.receive()
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ws.close_code == 4010
    assert fake.identify_count == 0
