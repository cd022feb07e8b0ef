"""Pieces every subcommand uses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.config import Settings, check_timezone, load_settings

EXIT_OK = 0
EXIT_PARTIAL = 1  # finished, but some input was reported and skipped
EXIT_USAGE = 2


class CommandError(Exception):
    """An expected failure; the message is the one line the user sees."""


def settings() -> Settings:
    return load_settings()


def timezone_option(value: str | None, fallback: str) -> str:
    name = value or fallback
    try:
        check_timezone(name)
    except ValueError as exc:
        raise CommandError(f"--tz: {exc}") from None
    return name


def key_path_for(db_path: Path) -> Path:
    """The author-hash key lives beside the database, never inside it."""
    return db_path.with_suffix(".key")


def is_terminal() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
