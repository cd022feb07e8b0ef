"""Lets tests wait for the fake to observe something, without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# Long enough for a loaded 2-core CI box, short enough that a hung test fails fast.
WAIT_SECONDS = 5.0


class ChangeNotifier:
    """Wakes every waiter whenever the fake records anything; waiters re-check their predicate."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def changed(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], *, what: str = "a condition") -> None:
        """Return once `predicate()` holds; give up after WAIT_SECONDS.

        For a shorter wait, wrap the call in `asyncio.timeout(...)`.
        """
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            raise TimeoutError(f"fake Discord: waited {WAIT_SECONDS}s for {what}") from None
