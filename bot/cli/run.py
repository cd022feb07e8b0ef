"""`clamor run`: start the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp
import discord

from bot.cli.common import (
    ENV_FILE,
    EXIT_FAILURE,
    EXIT_OK,
    CommandError,
    settings,
    shared_with_others,
)
from bot.client import create_bot
from bot.config import Settings, SettingsError, configure_logging
from bot.store import Store, StoreError, load_or_create_key

log = logging.getLogger(__name__)

INTENT_HELP = (
    "Discord refused the Message Content intent: open https://discord.com/developers/applications"
    ", pick the app, Bot -> Privileged Gateway Intents -> switch on Message Content Intent, "
    "save, and start Clamor again"
)
TOKEN_HELP = (
    "Discord rejected DISCORD_TOKEN: reset it in the Developer Portal (Bot -> Reset Token) "
    "and put the new one in .env"
)
# Failures `clamor` itself reports as one line; anything else is a bug, logged with traceback.
_EXPECTED = (CommandError, SettingsError, StoreError)


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the Discord bot (token from DISCORD_TOKEN)")
    parser.set_defaults(handler=handle)


async def serve(config: Settings, token: str, **options: Any) -> None:
    """Open the database, run the bot until it stops, close both."""
    key = load_or_create_key(config.author_key_path)
    async with (
        await Store.open(config.database) as store,
        create_bot(config, store, author_key=key, **options) as bot,
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


def warn_if_shared(paths: Iterable[Path]) -> None:
    """One warning line naming every file other users of this machine can open."""
    shared = shared_with_others(paths)
    if not shared:
        return
    names = ", ".join(f"{path} (mode {mode:03o})" for path, mode in shared)
    fix = shlex.join(["chmod", "600", *(str(path) for path, _mode in shared)])
    log.warning(
        "%s open to other users of this machine (the token, members' messages, the author "
        "key belong to the owner only): run `%s`",
        names,
        fix,
    )


def handle(args: argparse.Namespace) -> int:
    config = settings()
    token = config.require_token()
    # From here on no log record carries the token, whatever logger or handler it goes through.
    configure_logging(config.log_level, secrets=[token])
    local = [config.db_path] if config.db_url is None else []  # PostgreSQL guards its own
    warn_if_shared([ENV_FILE, *local, config.author_key_path])
    try:
        asyncio.run(serve(config, token))
    except _EXPECTED:
        raise
    except Exception:
        # Through logging rather than Python's own traceback printer, so it is redacted too.
        log.critical("Clamor stopped on an unexpected error", exc_info=True)
        return EXIT_FAILURE
    return EXIT_OK
