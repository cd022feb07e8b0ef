"""`clamor run` and SIGTERM: the bot is closed as on Ctrl+C, never in the middle of its set-up.
(The end-to-end case, a bot process stopped with SIGTERM, is in tests/e2e/test_crash.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any, cast

from bot.cli.run import closing_on_sigterm
from bot.client import ClamorBot


class StubBot:
    """What closing_on_sigterm uses of the bot: `set_up` and `close()`."""

    def __init__(self) -> None:
        self.set_up = asyncio.Event()
        self.closed = asyncio.Event()

    async def close(self) -> None:
        self.closed.set()


def as_bot(stub: StubBot) -> Any:
    return cast(ClamorBot, stub)


async def settle() -> None:
    for _ in range(20):  # a few loop turns: the signal handler and the task it starts
        await asyncio.sleep(0)


async def test_sigterm_closes_the_bot() -> None:
    bot = StubBot()
    bot.set_up.set()
    async with closing_on_sigterm(as_bot(bot)):
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(10):  # a guard, not a timing
            await bot.closed.wait()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handed back on the way out


async def test_sigterm_during_set_up_closes_once_it_is_done() -> None:
    bot = StubBot()
    async with closing_on_sigterm(as_bot(bot)):
        os.kill(os.getpid(), signal.SIGTERM)
        await settle()
        assert not bot.closed.is_set()  # cogs are still loading: not now
        bot.set_up.set()
        async with asyncio.timeout(10):
            await bot.closed.wait()


async def test_a_bot_that_never_got_set_up_is_not_closed_by_it() -> None:
    # A refused token ends `bot.start` before setup_hook: nothing is left waiting.
    bot = StubBot()
    async with closing_on_sigterm(as_bot(bot)):
        os.kill(os.getpid(), signal.SIGTERM)
        await settle()
    assert not bot.closed.is_set()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert all(t.done() for t in others)
