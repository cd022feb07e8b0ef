"""`clamor analyze EXPORT.json ...` and `clamor demo`: exports in, digest out."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.charts.output import ChartPathError, chart_paths, check_writable, write_chart
from bot.charts.trend_series import TrendSeries
from bot.chat_import import sample_export_paths
from bot.chat_import.records import one_line
from bot.chat_import.team import NO_TEAM, Team, roles_nobody_has
from bot.cli.common import (
    EXIT_OK,
    MAX_DIGEST_DAYS,
    CommandError,
    Database,
    database_option,
    is_terminal,
    key_path_of,
    settings,
    timezone_option,
)
from bot.cli.digest import RENDERERS, printable_digest
from bot.cli.spikes import format_spikes, spikes_in_store
from bot.cli.terminal import visible
from bot.config import Settings
from bot.digest.contents import Digest, Period, parse_day
from bot.digest.from_store import digest_from_store
from bot.digest.headline import plural
from bot.ingest import IngestSummary, export_files, ingest_exports, roles_wanted
from bot.store import Store
from bot.trends import trend_from_store

MAX_CHART_DAYS = 366
DEFAULT_MAX_CHART_DAYS = 90  # the longest /clamor trend
MAX_ROLE_NAME = 100  # Discord's longest role name
MAX_NAMED_EXPORTS = 3  # in a warning's one line


def _chart_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if not 1 <= days <= MAX_CHART_DAYS:
        raise argparse.ArgumentTypeError(f"use 1 to {MAX_CHART_DAYS} days, not {days}")
    return days


def _team_role(value: str) -> str:
    role = value.strip()
    if not role:
        raise argparse.ArgumentTypeError("an empty name names no role")
    if len(role) > MAX_ROLE_NAME:
        raise argparse.ArgumentTypeError(
            f"a role's name has at most {MAX_ROLE_NAME} characters, not {len(role):,}"
        )
    return role


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=sorted(RENDERERS), default="text", help="digest format (default: text)"
    )
    parser.add_argument("--tz", metavar="IANA", help="timezone for days (default: CLAMOR_TIMEZONE)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="first local day of the digest")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="last local day of the digest")
    parser.add_argument(
        "--chart",
        type=Path,
        metavar="FILE.png",
        help="also draw the trend chart (one per server: FILE-<id>.png when there are several)",
    )
    parser.add_argument(
        "--days",
        type=_chart_days,
        metavar="N",
        help=f"days the chart covers, ending on the digest's last day (1-{MAX_CHART_DAYS}; "
        f"default: the digest's days, at most the last {DEFAULT_MAX_CHART_DAYS})",
    )


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "analyze",
        help="digest DiscordChatExporter JSON exports",
        description="Analyse DiscordChatExporter JSON exports and print a digest.",
    )
    parser.add_argument("exports", nargs="+", type=Path, metavar="EXPORT.json")
    parser.add_argument(
        "--db",
        type=database_option,
        metavar="PATH|URL",
        help="keep the logged rows in this database (a SQLite file or a postgresql:// URL)",
    )
    parser.add_argument(
        "--team-role",
        action="append",
        default=[],
        type=_team_role,
        metavar="ROLE",
        help="a role of the server's team, by id or by name as in the export (any case); its "
        "members answer requests, so their messages are never counted as requests (repeat for "
        "more roles; with --db, the team the bot keeps for the server counts too)",
    )
    _add_output_options(parser)
    parser.set_defaults(handler=handle)


def register_demo(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="digest the sample export shipped with Clamor",
        description="Analyse the sample conversation shipped with Clamor and print its digest.",
    )
    _add_output_options(parser)
    parser.set_defaults(handler=handle_demo, exports=None, db=None, team_role=[])


def _day_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    if value.strip().lower() in ("today", "yesterday"):
        raise CommandError(f"{name}: use a date like 2026-03-14")
    try:
        return parse_day(value, date.today())
    except ValueError as exc:
        raise CommandError(f"{name}: {exc}") from None


def period_for(
    args: argparse.Namespace, summary: IngestSummary, timezone: str
) -> tuple[Period, str | None]:
    """The digest's days: --since/--until, or the export's own days, at most MAX_DIGEST_DAYS;
    with a note when the export's days had to be cut to fit."""
    since = _day_option("--since", args.since)
    until = _day_option("--until", args.until)
    if since is not None and until is not None:
        if until < since:
            raise CommandError(f"--until {until} is before --since {since}")
        if (until - since).days >= MAX_DIGEST_DAYS:
            raise CommandError(
                f"--since {since} to --until {until} is {(until - since).days + 1:,} days; "
                f"a digest covers at most {MAX_DIGEST_DAYS} (digest the days in parts)"
            )
        return Period(since, until, timezone), None
    if summary.first_at is None or summary.last_at is None:
        raise CommandError("the export holds no messages from people; nothing to digest")
    probe = Period(date(2000, 1, 1), date(2000, 1, 1), timezone)
    first, last = probe.local_day(summary.first_at), probe.local_day(summary.last_at)
    longest = timedelta(days=MAX_DIGEST_DAYS - 1)
    if since is not None:  # from --since, as far as the export goes
        until = max(since, min(last, since + longest))
    elif until is not None:  # up to --until, from as early as the export goes
        since = min(until, max(first, until - longest))
    else:  # the export's latest days
        until, since = last, max(first, last - longest)
    period = Period(since, until, timezone)
    # Cut: a day the options left open stops short of the export's messages.
    if not ((args.since is None and since > first) or (args.until is None and until < last)):
        return period, None
    return period, (
        f"Note: the export's messages span {first} to {last} ({(last - first).days + 1:,} days); "
        f"a digest covers at most {MAX_DIGEST_DAYS}, so this one is of {period.label()}. "
        "Pick other days with --since and --until."
    )


class _Progress:
    """A single self-rewriting stderr line, only on a terminal and only for slow files."""

    def __init__(self) -> None:
        self.enabled = is_terminal()
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, path: Path, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < 1.0 or now - self.shown < 0.2:
            return
        self.shown = now
        percent = 100 * done / total if total else 100
        print(f"\r{path.name}: {percent:5.1f}% of {total / 1e6:,.1f} MB", end="", file=sys.stderr)

    def close(self) -> None:
        if self.enabled and self.shown:
            print("\r\033[K", end="", file=sys.stderr)


def chart_period(args: argparse.Namespace, period: Period) -> Period:
    """`--days N` ending on the digest's last day; by default the digest's own days, at most
    the last DEFAULT_MAX_CHART_DAYS."""
    days = args.days if args.days is not None else min(period.days, DEFAULT_MAX_CHART_DAYS)
    return Period(period.last - timedelta(days=days - 1), period.last, period.timezone)


async def _digests(
    args: argparse.Namespace, paths: list[Path]
) -> tuple[IngestSummary, list[Digest], list[TrendSeries], str, str | None]:
    if args.chart is not None:
        _check_chart_path(args.chart)
    config = settings()
    timezone = timezone_option(args.tz, config.timezone)
    with ExitStack() as scratch:
        if args.db is not None:
            target: Database = args.db
        else:
            # A file, not ":memory:": the rows of a large export would all stay in memory, while
            # a file holds only SQLite's page cache there. The folder is private and goes at
            # the end.
            folder = scratch.enter_context(tempfile.TemporaryDirectory(prefix="clamor-analyze-"))
            target = Path(folder) / "analyze.db"
        return await _digests_in(args, paths, target, config, timezone)


async def _digests_in(
    args: argparse.Namespace, paths: list[Path], target: Database, config: Settings, timezone: str
) -> tuple[IngestSummary, list[Digest], list[TrendSeries], str, str | None]:
    progress = _Progress()
    async with await Store.open(target, command_timeout=config.db_timeout) as store:
        if args.db is not None:
            key = await store.author_key(key_path_of(args.db, config))
        else:
            key = os.urandom(32)
        team = Team.named(args.team_role) if args.team_role else NO_TEAM
        roles = await roles_wanted(store, team)
        try:
            summary = await ingest_exports(
                store, export_files(paths, progress, roles=roles), key, timezone=timezone, team=team
            )
        finally:
            progress.close()
        period, cut = period_for(args, summary, timezone)
        digests = [
            await digest_from_store(
                store,
                guild_id=guild_id,
                guild_name=name,
                period=period,
                channel_names=summary.channels,
            )
            for guild_id, name in summary.guilds.items()
        ]
        charts = []
        if args.chart is not None:
            charts = [
                await trend_from_store(
                    store, guild_id=guild_id, period=chart_period(args, period), title=name
                )
                for guild_id, name in summary.guilds.items()
            ]
        found = await spikes_in_store(store, guilds=summary.guilds, period=period)
    return summary, digests, charts, format_spikes(found, period), cut


def _check_chart_path(path: Path) -> None:
    try:
        check_writable(path)
    except ChartPathError as exc:
        raise CommandError(f"--chart {exc}") from None


def _write_charts(
    args: argparse.Namespace, summary: IngestSummary, charts: list[TrendSeries]
) -> None:
    """One PNG per server (matplotlib is imported here, only when a chart is asked for)."""
    from bot.charts.render import render_trend

    paths = chart_paths(args.chart, list(summary.guilds))
    for series, path in zip(charts, paths.values(), strict=True):
        try:
            write_chart(path, render_trend(series))
        except ChartPathError as exc:
            raise CommandError(f"--chart {exc}") from None
        print(f"Chart: {path} ({len(series.days)} days)", file=sys.stderr)


def _print(
    args: argparse.Namespace, summary: IngestSummary, digests: list[Digest], cut: str | None
) -> None:
    print(
        f"Read {summary.messages:,} messages from people "
        f"({summary.skipped:,} from bots or Discord skipped): "
        f"{summary.requests:,} about open-sourcing.",
        file=sys.stderr,
    )
    if summary.team_answers:
        print(
            f"Not counted as requests: {plural(summary.team_answers, 'message')} by the team, "
            "which answers requests.",
            file=sys.stderr,
        )
    if summary.unlogged:
        print(
            f"Taken out of the log: {plural(summary.unlogged, 'message')} logged as requests "
            "before, the team's or answering the team's (a moderator's relabel stays).",
            file=sys.stderr,
        )
    if summary.not_logged:
        print(
            f"Not logged: {summary.not_logged:,} of them, whose message ids are already logged "
            "under another server in this database; the digest leaves them out.",
            file=sys.stderr,
        )
    printed = [printable_digest(digest, args.format) for digest in digests]
    if args.format == "json" and len(printed) != 1:
        # stdout stays one JSON document: with several servers, a list of their digests.
        print("[\n" + ",\n".join(printed) + "\n]")
    else:
        print("\n\n".join(printed))
    if cut is not None:
        # Beside the digest, where its reader looks; JSON's stdout stays one document.
        print(f"\n{cut}", file=sys.stderr if args.format == "json" else sys.stdout)


def _warn_of_roles_nobody_has(
    args: argparse.Namespace, summary: IngestSummary, paths: list[Path]
) -> None:
    """A `--team-role` no author in the exports has is most likely a typo, or an export that
    says nothing of roles: either way the team would be empty (there) without a word."""
    if summary.team_met and summary.roles_seen is None:
        print(
            "clamor analyze: warning: the exports say nothing of their authors' roles (made by "
            "an older DiscordChatExporter?), so nobody is known to be on the server's team",
            file=sys.stderr,
        )
        return
    without = [paths[position] for position in summary.exports_without_roles]
    if without:
        # The others carry roles, so the team is found there and the run looks right: only
        # this line tells that in these its messages are counted as anyone's.
        said = (
            "an export says nothing of its authors' roles (made by an older "
            "DiscordChatExporter?), so the team's messages in it count as members'"
            if len(without) == 1
            else f"{len(without):,} exports say nothing of their authors' roles (made by an "
            "older DiscordChatExporter?), so the team's messages in them count as members'"
        )
        print(f"clamor analyze: warning: {said}: {_files(without)}", file=sys.stderr)
    for role in roles_nobody_has(args.team_role, summary.roles_seen or set()):
        print(
            f"clamor analyze: warning: --team-role '{visible(role)}': no author in the exports "
            "has this role (check its name or id)",
            file=sys.stderr,
        )


def _files(paths: list[Path]) -> str:
    """Files as given on the command line, for one line: the first few, then how many more
    (a run may read thousands)."""
    shown = ", ".join(visible(one_line(str(path))) for path in paths[:MAX_NAMED_EXPORTS])
    more = len(paths) - MAX_NAMED_EXPORTS
    return f"{shown} and {more:,} more" if more > 0 else shown


def handle(args: argparse.Namespace) -> int:
    paths = list(args.exports)
    summary, digests, charts, spikes, cut = asyncio.run(_digests(args, paths))
    _warn_of_roles_nobody_has(args, summary, paths)
    _print(args, summary, digests, cut)
    # With --format json, stdout stays one JSON document: the spike report goes to stderr.
    print(f"\n{visible(spikes)}", file=sys.stderr if args.format == "json" else sys.stdout)
    if charts:
        _write_charts(args, summary, charts)
    return EXIT_OK


def handle_demo(args: argparse.Namespace) -> int:
    paths = sample_export_paths()
    names = ", ".join(path.stem for path in paths)
    print(
        f"Clamor demo: analysing the sample exports shipped with Clamor ({names}).", file=sys.stderr
    )
    summary, digests, charts, _spikes, cut = asyncio.run(_digests(args, paths))
    _print(args, summary, digests, cut)
    if charts:
        _write_charts(args, summary, charts)
    print(
        "\nNext: `clamor classify --explain` reads messages from standard input; "
        "`clamor analyze EXPORT.json` digests your own export.",
        file=sys.stderr,
    )
    return EXIT_OK
