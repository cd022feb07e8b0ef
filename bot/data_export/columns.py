"""The columns of an export, and one logged row as their values (pure: no I/O, no discord).

Author hashes are never exported: a pseudonymous id should leave Clamor only when someone needs
it, and nothing a moderator does with this file needs to know which rows share an author.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

from bot.digest.contents import jump_url
from bot.store.export_rows import ExportRow

ExportFormat = Literal["csv", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl")

COLUMNS: tuple[str, ...] = (
    "message_id",
    "guild_id",
    "channel_id",
    "channel_name",
    "created_at",
    "local_date",
    "language",
    "category",
    "clamor_category",
    "corrected",
    "compound",
    "pos",
    "neu",
    "neg",
    "targets",
    "alternatives",
    "edited",
    "jump_url",
    "replies_to",
    "text",
)

Value = str | int | float | bool | list[str] | None
ExportRecord = dict[str, Value]

# Scores are stored with VADER's precision; more digits would only be float noise.
SCORE_DIGITS = 4


@dataclass(frozen=True)
class ExportContext:
    """What the rows alone do not say: the guild's timezone, channel names, whether text goes out.

    `include_text=False` (the guild drops message text) empties the text column of every row,
    even of rows stored before the guild switched, should any be left.
    """

    timezone: str
    channel_names: Mapping[int, str] = field(default_factory=dict)
    include_text: bool = True

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def iso_utc(at: float) -> str:
    """ISO 8601 in UTC to the second, e.g. 2026-03-14T09:26:53Z."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_record(row: ExportRow, context: ExportContext) -> ExportRecord:
    """The row as column -> value, in COLUMNS order; ids stay ints here (writers decide)."""
    return {
        "message_id": row.message_id,
        "guild_id": row.guild_id,
        "channel_id": row.channel_id,
        "channel_name": context.channel_names.get(row.channel_id),
        "created_at": iso_utc(row.created_at),
        "local_date": datetime.fromtimestamp(row.created_at, context.zone).date().isoformat(),
        "language": row.language,
        "category": row.category,
        "clamor_category": row.clamor_category,
        "corrected": row.corrected,
        "compound": round(row.compound, SCORE_DIGITS),
        "pos": round(row.pos, SCORE_DIGITS),
        "neu": round(row.neu, SCORE_DIGITS),
        "neg": round(row.neg, SCORE_DIGITS),
        "targets": list(row.targets),
        "alternatives": list(row.alternatives),
        "edited": row.edited,
        "jump_url": jump_url(row.guild_id, row.channel_id, row.message_id),
        "replies_to": row.replies_to,
        "text": row.content if context.include_text else "",
    }
