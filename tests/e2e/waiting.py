"""Waiting for the bot to write something the fake cannot tell us about."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll until `check` holds (5 s at most): SQLite has nothing to subscribe to."""
    try:
        async with asyncio.timeout(5):
            while not await check():  # noqa: ASYNC110 - polling is the only way to observe it
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"waited 5 s for {what}") from None
