"""`clamor labels export --db PATH [--guild ID]`: moderators' corrections as corpus JSON Lines.

Each line is a record of the corpus format (``../shared/LABELLING.md``: text, language, request,
category, accept, source, thread, origin, needs_context, skip) with ``origin: moderator``, so an
operator can contribute corrections on purpose, plus the server and message it came from. A
correction whose text was erased (forget-me, retention, content dropped) has empty text and
``skip: true``. Nothing is sent anywhere: the lines go to standard output.
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
ORIGIN = "moderator"


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
        description="Print one JSON object per correction, oldest first, in the corpus format "
        "(text, language, request, category, accept, source, thread, origin: moderator, "
        "needs_context, skip) with guild_id and message_id.",
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
        "accept": [] if correction.category is None else [correction.category],
        "source": SOURCE,
        "thread": f"discord:{correction.guild_id}/{correction.channel_id}/{correction.message_id}",
        "origin": ORIGIN,
        "needs_context": False,
        "skip": not correction.content,
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
