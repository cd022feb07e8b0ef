"""`clamor init [--env PATH]`: write a commented `.env` that only its owner can read.

The template is the `.env.example` of the checkout Clamor runs from (`make` installs it in
editable mode), so the two never drift; an install without it gets a short built-in template.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import bot
from bot.cli.common import ENV_FILE, EXIT_OK, PRIVATE_FILE_MODE, CommandError
from bot.store.keys import create_key

EXAMPLE_FILE = Path(bot.__file__).resolve().parent.parent / ".env.example"
FALLBACK_TEMPLATE = """\
# Clamor's settings; real environment variables override this file. The README lists them all.

# The bot token from https://discord.com/developers/applications -> your app -> Bot -> Reset Token.
# Required for `clamor run`; never share it or commit it.
DISCORD_TOKEN=

# Where Clamor keeps its SQLite database. The author-hash key is created beside it (clamor.key).
CLAMOR_DB=data/clamor.db
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "init",
        help="write a commented .env to fill in (readable by you only)",
        description="Write a commented .env with every setting, mode 0600; an existing file "
        "is never overwritten.",
    )
    parser.add_argument(
        "--env", type=Path, default=ENV_FILE, metavar="PATH", help="where to write (default: .env)"
    )
    parser.add_argument(
        "--key",
        type=Path,
        metavar="PATH",
        help="instead, write a new author key there (when the old one is lost for good: rows "
        "hashed with the old key can then no longer be tied to members, nor erased by forget-me)",
    )
    parser.set_defaults(handler=handle)


def template(example: Path = EXAMPLE_FILE) -> str:
    """The text a new `.env` starts with."""
    try:
        return example.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return FALLBACK_TEMPLATE


def write_private(path: Path, text: str) -> None:
    """Create `path` with mode 0600 (whatever the umask) and write `text`; CommandError if it
    exists or cannot be created."""
    try:
        # O_EXCL: refusing happens in the same step as creating, so nothing is ever overwritten.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        raise CommandError(f"{path} already exists; edit it, or move it away first") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot be created ({exc.strerror or exc})") from None
    try:
        # The umask can only take bits away from 0600, never add any.
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise CommandError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def handle(args: argparse.Namespace) -> int:
    if args.key is not None:
        return _new_key(args.key)
    path: Path = args.env
    write_private(path, template())
    print(f"wrote {path} (readable by you only): put your bot token after DISCORD_TOKEN=")
    return EXIT_OK


def _new_key(path: Path) -> int:
    if path.exists():
        raise CommandError(f"{path} already exists; Clamor uses it as it is")
    create_key(path)
    print(f"wrote a new author key to {path} (readable by you only); back it up with the database")
    return EXIT_OK
