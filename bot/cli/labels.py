"""`clamor labels export --db PATH [--guild ID]`: moderators' corrections as corpus JSON Lines.

Each line has the development corpus's keys (text, language, request, category, source), so a
correction can be copied into the corpus as a test case, plus where it came from.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.cli.common import (
    EXIT_OK,
    CommandError,
    Database,
    add_database_option,
    existing_database,
    settings,
)
from bot.cli.terminal import json_visible
from bot.store import LabelCorrection, Store

SOURCE = "moderator correction"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "labels",
        help="moderators' label corrections",
        description="Work with the labels moderators corrected with /clamor-mod relabel.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="print the corrections as corpus-format JSON Lines",
        description="Print one JSON object per correction, oldest first: text, language, "
        "request, category, source, guild_id, message_id.",
    )
    add_database_option(export)
    export.add_argument("--guild", metavar="ID", help="only this server's corrections")
    export.set_defaults(handler=handle_export)


def corpus_line(correction: LabelCorrection) -> dict[str, Any]:
    return {
        "text": correction.content,
        "language": correction.language,
        "request": correction.request,
        "category": correction.category,
        "source": SOURCE,
        "guild_id": str(correction.guild_id),
        "message_id": str(correction.message_id),
    }


def _dump(line: dict[str, Any]) -> str:
    return json_visible(json.dumps(line, ensure_ascii=False))


def _guild_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 20:
        raise CommandError(f"--guild: {value!r} is not a server id (digits only)")
    return int(value)


async def _corrections(
    db_path: Database, guild_id: int | None, command_timeout: int
) -> list[LabelCorrection]:
    async with await Store.open(db_path, create=False, command_timeout=command_timeout) as store:
        return await store.label_corrections(guild_id)


def handle_export(args: argparse.Namespace) -> int:
    config = settings()
    db_path = existing_database(args.db or config.database)
    guild_id = _guild_id(args.guild)
    for correction in asyncio.run(_corrections(db_path, guild_id, config.db_timeout)):
        sys.stdout.write(_dump(corpus_line(correction)) + "\n")
    sys.stdout.flush()
    return EXIT_OK
