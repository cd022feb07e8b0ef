"""Run the command line's `clamor run` (its one-line errors and exit status included) against a
FakeDiscord, in its own process:

    python -m tests.e2e.cli_process PORT

discord.py is pointed at the fake's port as in tests/e2e/bot_process.py; everything else comes
from the environment (DISCORD_TOKEN, CLAMOR_DB, CLAMOR_SHARDS...), as for `clamor run`.
"""

from __future__ import annotations

import signal
import sys

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.cli import main


def run(port: int) -> int:
    # See bot_process.main: an inherited ignored SIGINT would make the test's Ctrl+C a no-op.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/")
    return main(["run"])


if __name__ == "__main__":
    sys.exit(run(int(sys.argv[1])))
