"""The Message Content intent switched off while Clamor runs: Discord keeps the session and sends
members' messages without their text (it refuses the intent only at the next IDENTIFY, with
4014). Clamor says so once in its log and in `/clamor status`, and stops saying so once text
arrives again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.client import ClamorBot
from tests.e2e.test_digests import ask
from tests.e2e.test_watcher import CHAT, REQUEST, Room
from tests.fakediscord import FakeDiscord
from tests.fakediscord.gateway_rules import MESSAGE_CONTENT

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

STATUS_LINE = "**Message text:** Discord sends messages without their text"
LOG_LINE = "the Message Content intent is off"


async def status(fake: FakeDiscord) -> str:
    reply = await ask(fake, ["status"])
    assert reply.content is not None
    return reply.content


async def test_messages_without_text_are_reported_once_and_in_status(
    fake_discord: FakeDiscord, clamor: Clamor, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    caplog.set_level(logging.WARNING, logger="cogs.watcher")
    async with clamor() as bot:
        room = Room(fake, bot)
        await room.post(general, CHAT)
        await room.settled()
        assert STATUS_LINE not in await status(fake)

        fake.gateway.allowed_intents &= ~MESSAGE_CONTENT
        first = await room.post(general, REQUEST)
        for _ in range(3):
            await room.post(general, REQUEST, user="carol")
        await room.settled()
        assert await room.logged(first) is None  # nothing to read
        off = await status(fake)
        warnings = [r.getMessage() for r in caplog.records if LOG_LINE in r.getMessage()]

        fake.gateway.allowed_intents |= MESSAGE_CONTENT
        back = await room.post(general, REQUEST)
        assert await room.logged(back) is not None
        on = await status(fake)

    assert len(warnings) == 1
    assert "Privileged Gateway Intents" in warnings[0]
    assert STATUS_LINE in off
    assert "Message Content Intent" in off
    assert STATUS_LINE not in on
    assert [r for r in caplog.records if "text arrives again" in r.getMessage()]
