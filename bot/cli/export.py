"""`clamor export --db PATH --guild ID [--days N | --since DAY --until DAY] [--format csv|jsonl]
[--output FILE|-]`: a guild's logged request messages, as `/clamor-mod export` writes them.

No upload limit here, so one file (gzip-compressed when FILE ends in .gz). The file holds
message text: it is created readable by its owner only, under a temporary name until complete.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import os
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from bot.cli.common import (
    EXIT_OK,
    PRIVATE_FILE_MODE,
    CommandError,
    Database,
    add_database_option,
    database_name,
    existing_database,
    settings,
)
from bot.cli.terminal import TerminalSink
from bot.data_export import (
    DEFAULT_EXPORT_DAYS,
    EXPORT_FORMATS,
    ExportContext,
    ExportFormat,
    TextNote,
    write_export,
)
from bot.data_export.summary import FORMAT_NAMES
from bot.digest.contents import Period, parse_day, today_in
from bot.store import MAX_RETENTION_DAYS, Store

STDOUT = "-"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "export",
        help="export a server's logged request messages as CSV or JSON Lines",
        description="Write one server's logged request messages (moderators' corrections "
        "applied, no author data) as CSV or JSON Lines; the columns are in the README.",
    )
    add_database_option(parser)
    parser.add_argument("--guild", required=True, metavar="ID", help="the server id")
    parser.add_argument(
        "--days",
        type=int,
        metavar="N",
        help=f"the last N local days, today included (default: {DEFAULT_EXPORT_DAYS})",
    )
    parser.add_argument("--since", metavar="DAY", help="first local day (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DAY", help="last local day (default: today)")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    parser.add_argument(
        "--output",
        default=STDOUT,
        metavar="FILE",
        help="write here (.gz: compressed); - or nothing: standard output",
    )
    parser.set_defaults(handler=handle)


def _guild_id(value: str) -> int:
    if not value.isdigit() or len(value) > 20:
        raise CommandError(f"--guild: {value!r} is not a server id (digits only)")
    return int(value)


def _day(option: str, value: str, today: date) -> date:
    try:
        return parse_day(value, today)
    except ValueError as exc:
        raise CommandError(f"{option}: {exc}") from None


def export_period(args: argparse.Namespace, timezone: str, today: date) -> Period:
    """The local days the options name, in the guild's timezone."""
    if args.days is not None and args.since is not None:
        raise CommandError("--days and --since both say where the export starts: use one")
    until = today if args.until is None else _day("--until", args.until, today)
    if args.since is not None:
        since = _day("--since", args.since, today)
        if since > until:
            raise CommandError(f"--since {since} is after --until {until}")
        return Period(since, until, timezone)
    days = DEFAULT_EXPORT_DAYS if args.days is None else args.days
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise CommandError(f"--days: use a number from 1 to {MAX_RETENTION_DAYS}")
    return Period(until - timedelta(days=days - 1), until, timezone)


@contextlib.contextmanager
def _output(target: str) -> Iterator[BinaryIO]:
    if target == STDOUT:
        if not sys.stdout.isatty():
            yield sys.stdout.buffer  # a file or a pipe gets the rows exactly as logged
            sys.stdout.buffer.flush()
            return
        shown = TerminalSink(sys.stdout.buffer)
        yield cast(BinaryIO, shown)
        shown.flush()
        return
    path = Path(target)
    if path.is_dir() or not path.name:
        raise CommandError(f"--output: {target} is a folder; name a file in it")
    partial = path.with_name(f".{path.name}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise CommandError(f"--output: cannot write {path} ({exc.strerror or exc})") from None
    try:
        with open(descriptor, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
                    yield packed  # type: ignore[misc]  # GzipFile is a binary file
            else:
                yield raw
        try:
            os.replace(partial, path)
        except OSError as exc:  # the target became a folder, or cannot be replaced
            raise CommandError(f"--output: cannot write {path} ({exc.strerror or exc})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


async def _export(
    db_path: Database, guild_id: int, args: argparse.Namespace
) -> tuple[int, Period, TextNote]:
    defaults = settings()
    async with await Store.open(
        db_path, create=False, command_timeout=defaults.db_timeout
    ) as store:
        if not await store.knows_guild(guild_id):
            raise CommandError(
                f"--guild: {database_name(db_path)} holds nothing of server {guild_id}"
            )
        stored = await store.guild_settings(
            guild_id, default_time=defaults.digest_time, default_timezone=defaults.timezone
        )
        privacy = await store.privacy_settings(guild_id)
        period = export_period(args, stored.timezone, today_in(stored.timezone, time.time()))
        text = TextNote(privacy.content_mode == "keep", privacy.retention_days)
        format_: ExportFormat = args.format
        with _output(args.output) as sink:
            rows = await write_export(
                store.export_pages(guild_id, period.start, period.end),
                sink,
                export_format=format_,
                context=ExportContext(stored.timezone, include_text=text.included),
            )
        return rows, period, text


def handle(args: argparse.Namespace) -> int:
    db_path = existing_database(args.db or settings().database)
    guild_id = _guild_id(args.guild)
    rows, period, text = asyncio.run(_export(db_path, guild_id, args))
    where = "" if args.output == STDOUT else f" to {args.output}"
    print(
        f"clamor export: {rows:,} request message{'' if rows == 1 else 's'} logged "
        f"{period.label()} ({period.timezone}) as {FORMAT_NAMES[args.format]}{where}, "
        f"{text.clause(period)}.",
        file=sys.stderr,
    )
    return EXIT_OK
