"""`clamor run`: start the bot."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import EXIT_OK, settings
from bot.config import configure_logging


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the Discord bot (token from DISCORD_TOKEN)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    config = settings()
    config.require_token()
    configure_logging(config.log_level)
    print(
        "Settings are valid. The Discord client itself arrives with the next milestone; "
        f"the database will live at {config.db_path}.",
        file=sys.stderr,
    )
    return EXIT_OK
