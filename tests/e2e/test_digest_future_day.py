"""`/clamor digest day:` in the future: one private line saying so, not an empty digest."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.client import ClamorBot
from tests.e2e.helpers import Clock
from tests.e2e.test_digests import ask, digest_reply
from tests.fakediscord import EPHEMERAL, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

# 00:30 on 2026-03-15 in Madrid: the 15th is today there, the 16th is not yet.
LATE = "2026-03-14T23:30"


@pytest.mark.parametrize("day", ["2030-01-01", "2026-03-16"])
async def test_a_day_in_the_future_is_one_line_saying_so(
    fake_discord: FakeDiscord, clamor: Clamor, day: str
) -> None:
    async with clamor(Clock(LATE), CLAMOR_TIMEZONE="Europe/Madrid"):
        reply = await ask(fake_discord, ["digest"], day=day)
    assert reply.flags & EPHEMERAL
    assert reply.content == (
        f"{day} is in the future: today is 2026-03-15 in Europe/Madrid. "
        "Use today, yesterday or a date like 2026-03-14 (in the server's timezone)."
    )


async def test_the_servers_today_is_not_the_future(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    async with clamor(Clock(LATE), CLAMOR_TIMEZONE="Europe/Madrid"):
        reply = await digest_reply(fake_discord, day="2026-03-15")  # public, deferred
    assert reply.embeds[0]["title"].endswith(" · 2026-03-15")
