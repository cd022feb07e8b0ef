"""`clamor digest --db PATH --guild ID [--date DAY]`: a digest from a database the bot wrote."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import timedelta
from typing import Any

from bot.cli.common import (
    EXIT_OK,
    MAX_DIGEST_DAYS,
    CommandError,
    Database,
    add_database_option,
    existing_database,
    settings,
    timezone_option,
)
from bot.cli.terminal import json_visible, visible
from bot.digest.contents import Digest, Period, parse_day, today_in
from bot.digest.from_store import digest_from_store
from bot.digest.render import to_json, to_markdown, to_text
from bot.store import Store

RENDERERS = {"text": to_text, "markdown": to_markdown, "json": to_json}


def printable_digest(digest: Digest, output_format: str) -> str:
    """The digest in `output_format`, safe to print whatever members wrote into it."""
    rendered = RENDERERS[output_format](digest)
    return json_visible(rendered) if output_format == "json" else visible(rendered)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "digest",
        help="print a digest from a Clamor database",
        description="Print one guild's digest for one local day from a database the bot wrote.",
    )
    add_database_option(parser)
    parser.add_argument("--guild", required=True, metavar="ID", help="the server id")
    parser.add_argument(
        "--date",
        default="today",
        metavar="DAY",
        help="today, yesterday or YYYY-MM-DD in the guild's timezone",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=1,
        metavar="N",
        help="digest N days ending on --date (default: 1)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument(
        "--tz", metavar="IANA", help="timezone (default: the guild's setting, else CLAMOR_TIMEZONE)"
    )
    parser.set_defaults(handler=handle)


def _guild_id(value: str) -> int:
    if not value.isdigit() or len(value) > 20:
        raise CommandError(f"--guild: {value!r} is not a server id (digits only)")
    return int(value)


async def _digest(args: argparse.Namespace, db_path: Database, guild_id: int) -> Digest:
    config = settings()
    async with await Store.open(db_path, create=False, command_timeout=config.db_timeout) as store:
        stored = await store.guild_settings(
            guild_id, default_time=config.digest_time, default_timezone=config.timezone
        )
        timezone = timezone_option(args.tz, stored.timezone)
        try:
            last = parse_day(args.date, today_in(timezone, time.time()))
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        period = Period(last - timedelta(days=args.days - 1), last, timezone)
        return await digest_from_store(
            store, guild_id=guild_id, guild_name=f"server {guild_id}", period=period
        )


def handle(args: argparse.Namespace) -> int:
    db_path = existing_database(args.db or settings().database)
    if not 1 <= args.days <= MAX_DIGEST_DAYS:
        raise CommandError(f"--days: use a number from 1 to {MAX_DIGEST_DAYS}")
    digest = asyncio.run(_digest(args, db_path, _guild_id(args.guild)))
    print(printable_digest(digest, args.format))
    return EXIT_OK
