"""Fixtures for end-to-end tests: the real discord.py client against a loopback fake Discord.

    async def test_something(fake_discord: FakeDiscord) -> None:
        async with running_bot(ClamorBot(...), fake_discord) as bot:
            ...

`fake_discord` is started on a free 127.0.0.1 port, discord.py is pointed at it for this test
only (monkeypatch), and teardown fails the test if any asyncio task is still running.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from bot.cli.common import key_path_for
from bot.client import ClamorBot
from bot.config import load_settings
from bot.store import Store, load_or_create_key
from bot.store.database import BUSY_BUDGET_SECONDS
from tests.fakediscord import FakeDiscord, assert_no_stray_tasks, connect_discord_py, running_bot
from tests.store.store_factory import copy_template


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        connect_discord_py(monkeypatch, fake)
        yield fake
    await assert_no_stray_tasks()


@asynccontextmanager
async def running_clamor(
    fake: FakeDiscord,
    db_path: Path,
    *,
    clock: Callable[[], float] = time.time,
    busy_budget: float = BUSY_BUDGET_SECONDS,
    **overrides: str,
) -> AsyncIterator[ClamorBot]:
    """The real ClamorBot, its Store on `db_path`, connected to `fake` and ready.

    Slash commands sync to the fake's first guild (CLAMOR_DEV_GUILD), where they appear at once.
    `overrides` are extra settings such as CLAMOR_TIMEZONE="Europe/Madrid".
    """
    environ = {
        "DISCORD_TOKEN": fake.token,
        "CLAMOR_DB": str(db_path),
        "CLAMOR_DEV_GUILD": str(fake.guild.id),
        **overrides,
    }
    settings = load_settings(environ, env_file=None)
    key = load_or_create_key(key_path_for(db_path))
    async with (
        await Store.open(db_path, busy_budget=busy_budget) as store,
        running_bot(ClamorBot(settings, store, author_key=key, clock=clock), fake) as bot,
    ):
        yield bot


@pytest.fixture
def clamor(
    fake_discord: FakeDiscord, tmp_path: Path, sqlite_template: Path
) -> Callable[..., AbstractAsyncContextManager[ClamorBot]]:
    """`async with clamor() as bot:` starts Clamor on this test's fake and database (a copy of
    the migrated template; starting again in the same test keeps its rows)."""
    db_path = copy_template(sqlite_template, tmp_path / "clamor.db")

    def start(
        clock: Callable[[], float] = time.time,
        busy_budget: float = BUSY_BUDGET_SECONDS,
        **overrides: str,
    ) -> AbstractAsyncContextManager[ClamorBot]:
        return running_clamor(
            fake_discord, db_path, clock=clock, busy_budget=busy_budget, **overrides
        )

    return start
