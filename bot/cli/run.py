"""`clamor run`: start the bot."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import aiohttp
import discord

from bot.cli.common import EXIT_OK, CommandError, key_path_for, settings
from bot.client import ClamorBot
from bot.config import Settings, configure_logging
from bot.store import Store, load_or_create_key

INTENT_HELP = (
    "Discord refused the Message Content intent: open https://discord.com/developers/applications"
    ", pick the app, Bot -> Privileged Gateway Intents -> switch on Message Content Intent, "
    "save, and start Clamor again"
)
TOKEN_HELP = (
    "Discord rejected DISCORD_TOKEN: reset it in the Developer Portal (Bot -> Reset Token) "
    "and put the new one in .env"
)


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the Discord bot (token from DISCORD_TOKEN)")
    parser.set_defaults(handler=handle)


async def serve(config: Settings, token: str, **options: Any) -> None:
    """Open the database, run the bot until it stops, close both."""
    key = load_or_create_key(key_path_for(config.db_path))
    async with (
        await Store.open(config.db_path) as store,
        ClamorBot(config, store, author_key=key, **options) as bot,
    ):
        try:
            await bot.start(token)
        except discord.LoginFailure:
            raise CommandError(TOKEN_HELP) from None
        except discord.PrivilegedIntentsRequired:
            raise CommandError(INTENT_HELP) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise CommandError(
                f"cannot reach Discord ({exc.__class__.__name__}): check the network and retry"
            ) from None


def handle(args: argparse.Namespace) -> int:
    config = settings()
    token = config.require_token()
    configure_logging(config.log_level)
    asyncio.run(serve(config, token))
    return EXIT_OK
