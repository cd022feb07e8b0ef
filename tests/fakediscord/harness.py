"""Point the real discord.py client at a FakeDiscord and run a bot against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .fake import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)
GUILD_READY_TIMEOUT = 0.1  # discord.py waits this long after the last GUILD_CREATE for more
STRAY_TASK_GRACE = 1.0  # discord.py's own event tasks may need a few loop turns to finish


def connect_discord_py(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> None:
    """Send discord.py's REST and gateway traffic to `fake` for the rest of this test only.

    Route.BASE serves REST, interaction callbacks and webhooks alike. The gateway URL is
    DEFAULT_GATEWAY plus `?v=10&encoding=json&compress=...`; after READY discord.py resumes on
    READY's `resume_gateway_url`, which the fake points at itself (`/resume/`).
    """
    monkeypatch.setattr(Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))


async def _identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
    """Replaces discord.py's 5 s pause before a re-IDENTIFY (a rate-limit courtesy)."""


@asynccontextmanager
async def running_bot(
    client: ClientT, fake: FakeDiscord, *, startup_seconds: float = 5.0
) -> AsyncIterator[ClientT]:
    """Log in (runs setup_hook, e.g. command sync), connect, wait for on_ready; close at exit.

    Works for any discord.Client; a failure to start raises at once instead of timing out.
    """
    state: Any = client._connection  # private, but the only place the ready delay lives
    state.guild_ready_timeout = min(state.guild_ready_timeout, GUILD_READY_TIMEOUT)
    vars(client)["before_identify_hook"] = _identify_at_once  # this instance only
    connect: asyncio.Task[None] | None = None
    failure: BaseException | None = None
    try:
        await client.login(fake.token)
        connect = asyncio.create_task(client.connect(), name="fakediscord: client.connect")
        async with asyncio.timeout(startup_seconds):
            await _until_ready(client, connect)
        yield client
    finally:
        await client.close()
        if connect is not None:
            async with asyncio.timeout(startup_seconds):
                await asyncio.wait({connect})
            failure = None if connect.cancelled() else connect.exception()
    if failure is not None:
        raise failure


async def _until_ready(client: discord.Client, connect: asyncio.Task[None]) -> None:
    ready = asyncio.create_task(client.wait_until_ready(), name="fakediscord: wait ready")
    try:
        await asyncio.wait({connect, ready}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        ready.cancel()
    if not client.is_ready():
        connect.result()  # re-raises why the connection ended
        raise RuntimeError("client.connect() returned before the bot was ready")


async def assert_no_stray_tasks() -> None:
    """Fail if anything but the caller is still running STRAY_TASK_GRACE seconds from now."""
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(STRAY_TASK_GRACE):
            while others := [t for t in asyncio.all_tasks() if t is not me and not t.done()]:
                await asyncio.wait(others)
    except TimeoutError:
        names = sorted(t.get_name() for t in asyncio.all_tasks() if t is not me and not t.done())
        raise AssertionError(f"tasks left running after the test: {names}") from None
