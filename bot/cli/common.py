"""Pieces every subcommand uses."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

# The settings module is imported where it is used, not here: every command imports this one,
# and `clamor classify`, which reads no settings, would import the .env reader, time zones and
# logging with it at every start (13 ms of CPU, a third of a bare VADER script's start).
if TYPE_CHECKING:
    from bot.config import Settings

EXIT_OK = 0
EXIT_PARTIAL = 1  # finished, but some input was reported and skipped
EXIT_USAGE = 2
EXIT_FAILURE = 1  # an unexpected error, logged with its traceback

# The most local days one digest covers: a year, leap day included. It prints a row per day, so
# a year stays readable (about 20 KB of text) and, with the spike check of every day and the
# same span before it for comparison, quick; an export spanning a century (message ids allow
# dates up to 2154) would otherwise print tens of thousands of rows and take most of a minute.
MAX_DIGEST_DAYS = 366

# Where `load_settings` reads `.env` and `clamor init` writes it: the working directory.
ENV_FILE = Path(".env")
PRIVATE_FILE_MODE = 0o600  # the token, the database and the author key: owner only
_SHARED_BITS = stat.S_IRWXG | stat.S_IRWXO


class CommandError(Exception):
    """An expected failure; the message is the one line the user sees."""


def settings() -> Settings:
    from bot.config import load_settings

    return load_settings()


def timezone_option(value: str | None, fallback: str) -> str:
    from bot.config import check_timezone

    name = value or fallback
    try:
        check_timezone(name)
    except ValueError as exc:
        raise CommandError(f"--tz: {exc}") from None
    return name


def key_path_for(db_path: Path) -> Path:
    """The author-hash key lives beside the database, never inside it."""
    return db_path.with_suffix(".key")


# A SQLite file, or a PostgreSQL database named by its postgresql:// URL.
Database = Path | str


def database_option(value: str) -> Database:
    """`--db`'s type: a URL stays text (Path would fold its "//"), anything else is a path."""
    from bot.config import check_database_path, check_postgres_url, is_postgres_url

    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path names no database file")
    try:
        if is_postgres_url(value):
            check_postgres_url(value)
            return value
        path = Path(value)
        check_database_path(path)
    except ValueError as exc:
        # argparse turns this into its one-line usage error, exit status 2.
        raise argparse.ArgumentTypeError(str(exc)) from None
    return path


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """`--db` for the commands that read the bot's database."""
    parser.add_argument(
        "--db",
        type=database_option,
        metavar="PATH|URL",
        help="the database: a SQLite file or a postgresql:// URL (default: CLAMOR_DB)",
    )


def database_name(database: Database) -> str:
    """How messages name the database: the path, or the URL without its password."""
    from bot.config import url_without_password

    return str(database) if isinstance(database, Path) else url_without_password(database)


def existing_database(database: Database) -> Database:
    """`database`, after checking that a SQLite file exists (PostgreSQL says so on connecting)."""
    if isinstance(database, Path) and not database.is_file():
        raise CommandError(f"{database}: no such database (run the bot or `clamor analyze --db`)")
    return database


def key_path_of(database: Database, config: Settings) -> Path:
    """The author-hash key for `database`: CLAMOR_KEY_FILE, else beside a SQLite file, else
    data/clamor.key. Never inside the database."""
    from bot.config import DEFAULT_KEY_FILE

    if config.key_file is not None:
        return config.key_file
    if isinstance(database, Path):
        return key_path_for(database)
    return Path(DEFAULT_KEY_FILE)


def is_terminal() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def shared_with_others(paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """The existing files among `paths` that group or other users may read or write, each with
    its permission bits. Always empty on Windows, whose modes do not express this."""
    if os.name == "nt":
        return []
    found: list[tuple[Path, int]] = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue  # not created yet: Clamor creates its files private
        if mode & _SHARED_BITS:
            found.append((path, mode))
    return found
