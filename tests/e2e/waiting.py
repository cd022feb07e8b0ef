"""Waiting for the bot to write something the fake cannot tell us about."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from discord.ext import tasks


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll until `check` holds (5 s at most): SQLite has nothing to subscribe to."""
    try:
        async with asyncio.timeout(5):
            while not await check():  # noqa: ASYNC110 - polling is the only way to observe it
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"waited 5 s for {what}") from None


FAST_TICK = 0.02


async def run_loop_fast(loop: tasks.Loop[Any], count: int, *, pause_after: bool = False) -> None:
    """Let a cog's real `tasks.loop` run `count` more times, FAST_TICK apart.

    `pause_after` stops it afterwards (the next call starts it again), so it cannot run in the
    middle of what the test does next. Stopping, not slowing it back down: changing the interval
    just as an iteration wakes can leave discord.py's schedule minutes in the future.
    """
    if not loop.is_running():
        loop.start()
    loop.change_interval(seconds=FAST_TICK)
    start = loop.current_loop
    async with asyncio.timeout(15):  # a guard against hangs; loaded CI machines are slow
        while loop.current_loop < start + count:  # noqa: ASYNC110
            await asyncio.sleep(FAST_TICK)
        if pause_after:
            loop.stop()
            while loop.is_running():  # noqa: ASYNC110
                await asyncio.sleep(FAST_TICK)
