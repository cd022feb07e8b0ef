"""Fixtures for end-to-end tests: the real discord.py client against a loopback fake Discord.

    async def test_something(fake_discord: FakeDiscord) -> None:
        async with running_bot(ClamorBot(...), fake_discord) as bot:
            ...

`fake_discord` is started on a free 127.0.0.1 port, discord.py is pointed at it for this test
only (monkeypatch), and teardown fails the test if any asyncio task is still running.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakediscord import FakeDiscord, assert_no_stray_tasks, connect_discord_py


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        connect_discord_py(monkeypatch, fake)
        yield fake
    await assert_no_stray_tasks()
