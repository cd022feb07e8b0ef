"""Run `clamor run`'s serve() in its own process against a FakeDiscord (for the SIGKILL test).

    python -m tests.e2e.bot_process PORT DB_PATH

discord.py is pointed at the fake's port the way `connect_discord_py` does it in tests; the
settings come from the environment (CLAMOR_DEV_GUILD, CLAMOR_GAP_FILL_MESSAGES...).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.cli.run import serve
from bot.config import configure_logging, load_settings

TOKEN = "fake-bot-token"
GUILD_READY_TIMEOUT = 0.1


def main(port: int, db_path: Path) -> None:
    # The test stops this process with SIGINT, as Ctrl+C would. A child inherits an ignored
    # SIGINT (pytest started in the background by a non-interactive shell, as CI runners and
    # `cmd &` do), and then neither Python nor asyncio.run installs a handler: the signal would
    # be dropped and the test would wait for an exit that never comes.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/")
    settings = load_settings({**os.environ, "CLAMOR_DB": str(db_path)}, env_file=None)
    configure_logging(settings.log_level)
    asyncio.run(serve(settings, TOKEN, guild_ready_timeout=GUILD_READY_TIMEOUT))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
