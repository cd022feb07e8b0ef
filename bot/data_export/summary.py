"""What an export covers, what its files are called, and the line that comes with them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.data_export.columns import ExportFormat
from bot.data_export.packing import PackedExport
from bot.digest.contents import Period
from bot.errors import UserFacingError

MIN_EXPORT_DAYS = 1
MAX_EXPORT_DAYS = 365
DEFAULT_EXPORT_DAYS = 30
FORMAT_NAMES: dict[ExportFormat, str] = {"csv": "CSV", "jsonl": "JSON Lines"}
# Discord answers a message with at most 10 attachments.
FILES_PER_MESSAGE = 10
# Discord also refuses a request body much over 25 MiB, whatever each file's own limit.
REQUEST_BUDGET = 25 * 1024 * 1024
# Beyond this many parts the answer would be a wall of messages: the CLI is the better tool.
MAX_PARTS_SENT = 30


def checked_export_days(days: int) -> int:
    if isinstance(days, bool) or not MIN_EXPORT_DAYS <= days <= MAX_EXPORT_DAYS:
        raise UserFacingError(
            f"Export from {MIN_EXPORT_DAYS} to {MAX_EXPORT_DAYS} days (you asked for {days})."
        )
    return days


def export_period(days: int, today: date, timezone: str) -> Period:
    """The last `days` local days, today included."""
    return Period(today - timedelta(days=days - 1), today, timezone)


def export_stem(guild_id: int, period: Period) -> str:
    return f"clamor-export-{guild_id}-{period.first.isoformat()}-to-{period.last.isoformat()}"


def mebibytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MiB" if value >= 10 or value == int(value) else f"{value:.1f} MiB"


@dataclass(frozen=True, slots=True)
class TextNote:
    """Whether the text column is filled, for the answer and the file's description."""

    included: bool
    retention_days: int

    def clause(self, period: Period) -> str:
        if not self.included:
            return "without message text (this server drops it)"
        if period.days > self.retention_days:
            return (
                f"with message text of the last {self.retention_days} days only "
                "(retention erases older text)"
            )
        return "with message text"

    @property
    def description(self) -> str | None:
        """Alt text of each attachment: the file itself says when text is missing."""
        if self.included:
            return None
        return "Message text not included: this server drops it (the text column is empty)."


def export_summary(
    packed: PackedExport,
    *,
    period: Period,
    export_format: ExportFormat,
    text: TextNote,
    limit: int,
) -> str:
    """The one line that answers `/clamor-mod export`."""
    span = f"{period.label()} ({period.timezone})"
    if packed.rows == 0:
        return f"No request messages were logged here from {span}; there is nothing to export."
    noun = "request message" if packed.rows == 1 else "request messages"
    packing = ""
    if packed.parts > 1:
        packing = f" in {packed.parts} gzip parts, each under the {mebibytes(limit)} upload limit"
    elif packed.compressed:
        packing = f", gzip-compressed to fit the {mebibytes(limit)} upload limit"
    return (
        f"Exported {packed.rows:,} {noun} logged {span} as "
        f"{FORMAT_NAMES[export_format]}{packing}, {text.clause(period)}."
    )


def message_batches(sizes: list[int], *, budget: int) -> list[list[int]]:
    """Indexes of the files each message carries: at most 10, together within `budget` bytes
    (a single file larger than the budget still goes alone)."""
    batches: list[list[int]] = []
    total = 0
    for index, size in enumerate(sizes):
        if not batches or len(batches[-1]) == FILES_PER_MESSAGE or total + size > budget:
            batches.append([])
            total = 0
        batches[-1].append(index)
        total += size
    return batches


def parts_label(first: int, last: int, count: int) -> str:
    """The text of a follow-up carrying the parts at indexes first..last."""
    if first == last:
        return f"Part {first + 1} of {count}."
    return f"Parts {first + 1}-{last + 1} of {count}."


def unsent_parts_note(parts: int, *, guild_id: int, days: int) -> str:
    """What to do about parts beyond MAX_PARTS_SENT ('' when every part is sent)."""
    if parts <= MAX_PARTS_SENT:
        return ""
    return (
        f" Parts {MAX_PARTS_SENT + 1}-{parts} were not sent (too many for one answer): run "
        f"`clamor export --guild {guild_id} --days {days} --output FILE` on the bot's machine "
        "for the whole export."
    )
