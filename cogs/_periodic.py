"""A cog whose one job runs on a `tasks.loop` once the bot is ready (RoboDanny's pattern, once).

The daily digest, spike alerts and the privacy purge all need the same: start with the cog,
stop with it, wait for READY, and outlive a failing run (a locked database, say) so one bad tick
never stops the schedule.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from discord.ext import commands, tasks

from bot.client import ClamorBot


class PeriodicCog(commands.Cog):
    """Subclasses set `tick_seconds` and `tick_failure` (logged with the traceback) and define
    `run_tick`. `tick` is the discord.py loop: tests change its interval to run it fast."""

    tick_seconds: ClassVar[float]
    tick_failure: ClassVar[str]

    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        self.tick = tasks.loop(seconds=self.tick_seconds)(self._tick)
        self.tick.before_loop(self._wait_until_ready)

    async def cog_load(self) -> None:
        self.tick.start()

    async def cog_unload(self) -> None:
        self.tick.cancel()

    async def run_tick(self) -> None:
        raise NotImplementedError

    async def _tick(self) -> None:
        try:
            await self.run_tick()
        except Exception:
            logging.getLogger(type(self).__module__).exception(self.tick_failure)

    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()
