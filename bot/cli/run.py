"""`clamor run`: start the bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shlex
import signal
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import (
    ENV_FILE,
    EXIT_FAILURE,
    EXIT_OK,
    CommandError,
    settings,
    shared_with_others,
)
from bot.config import Settings, SettingsError, configure_logging
from bot.shard_lease import ShardLease, ShardsTakenError
from bot.store import Store, StoreError

# discord.py (and aiohttp) are imported when the bot starts, not with the command line: every
# other command is started through this module's `register` and never needs them.
if TYPE_CHECKING:
    from bot.client import ClamorBot

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


async def close_once_set_up(bot: ClamorBot) -> None:
    """Close the bot, but not in the middle of setup_hook: the cogs it loads after a close
    would keep running (the watcher's flush loop) on a closed session."""
    await bot.set_up.wait()
    await bot.close()


@contextlib.asynccontextmanager
async def closing_on_sigterm(bot: ClamorBot) -> AsyncIterator[None]:
    """While inside, SIGTERM (docker stop, systemd, kill) closes the bot as Ctrl+C does: the
    buffered volume and cursors are written and the database is closed, instead of the process
    dying on the spot."""
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def close() -> None:
        log.warning("SIGTERM received: closing")
        task = loop.create_task(close_once_set_up(bot), name="clamor: close on SIGTERM")
        closing.add(task)  # a task nobody holds can be garbage-collected mid-run

    try:
        loop.add_signal_handler(signal.SIGTERM, close)
    except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        if not bot.set_up.is_set():  # never set up (a refused token...): nothing to close
            for task in closing:
                task.cancel()
        await asyncio.gather(*closing, return_exceptions=True)


async def serve(config: Settings, token: str, **options: Any) -> None:
    """Open the database, hold this process's shards, run the bot until it stops, close both."""
    from bot.client import create_bot, instance_name

    async with await Store.open(config.database, command_timeout=config.db_timeout) as store:
        key = await store.author_key(config.author_key_path)
        # Before the bot exists: a refused process says one line and nothing else.
        lease = ShardLease(
            store,
            config.served_shards(),
            holder=instance_name(),
            seconds=config.shard_lease_seconds,
        )
        try:
            await lease.take()
        except ShardsTakenError as exc:
            raise CommandError(str(exc)) from None
        try:
            async with create_bot(config, store, author_key=key, **options) as bot:
                await _run_holding(bot, token, lease)
        finally:
            await lease.release()


async def _run_holding(bot: ClamorBot, token: str, lease: ShardLease) -> None:
    """Run the bot while renewing the lease; close it if another process took the lease."""
    lost: list[str] = []
    stopping: set[asyncio.Task[None]] = set()

    def lease_lost(reason: str) -> None:
        lost.append(f"stopped: another process took over ({reason})")
        log.error("the shard lease was lost: closing (%s)", reason)
        stopping.add(asyncio.create_task(close_once_set_up(bot), name="clamor: lease lost"))

    keeper = asyncio.create_task(lease.keep(lease_lost), name="clamor: shard lease")
    try:
        await _start(bot, token)
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, *stopping, return_exceptions=True)
    if lost:
        raise CommandError(lost[0])


async def _start(bot: ClamorBot, token: str) -> None:
    import aiohttp
    import discord

    try:
        async with closing_on_sigterm(bot):
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
