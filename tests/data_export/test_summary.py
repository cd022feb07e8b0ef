"""The answer's one line, the period, file names, and how files are spread over messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.data_export import (
    ExportFile,
    PackedExport,
    TextNote,
    checked_export_days,
    export_period,
    export_stem,
    export_summary,
)
from bot.data_export.summary import (
    MAX_PARTS_SENT,
    message_batches,
    parts_label,
    unsent_parts_note,
)
from bot.digest.contents import Period
from bot.errors import UserFacingError

MIB = 1024 * 1024
PERIOD = Period(date(2026, 2, 13), date(2026, 3, 14), "Europe/Madrid")  # 30 days


def packed(rows: int, names: list[str]) -> PackedExport:
    files = tuple(ExportFile(Path(name), name, 100) for name in names)
    return PackedExport(files, rows, 100 * len(names))


@pytest.mark.parametrize(
    ("export", "export_format", "text", "line"),
    [
        (
            packed(1234, ["x.csv"]),
            "csv",
            TextNote(True, 90),
            "Exported 1,234 request messages logged 2026-02-13 to 2026-03-14 (Europe/Madrid) "
            "as CSV, with message text.",
        ),
        (
            packed(1, ["x.jsonl"]),
            "jsonl",
            TextNote(False, 90),
            "Exported 1 request message logged 2026-02-13 to 2026-03-14 (Europe/Madrid) "
            "as JSON Lines, without message text (this server drops it).",
        ),
        (
            packed(90_000, ["x.csv.gz"]),
            "csv",
            TextNote(True, 14),
            "Exported 90,000 request messages logged 2026-02-13 to 2026-03-14 (Europe/Madrid) "
            "as CSV, gzip-compressed to fit the 10 MiB upload limit, with message text of the "
            "last 14 days only (retention erases older text).",
        ),
        (
            packed(500_000, ["a.csv.gz", "b.csv.gz", "c.csv.gz"]),
            "csv",
            TextNote(True, 90),
            "Exported 500,000 request messages logged 2026-02-13 to 2026-03-14 (Europe/Madrid) "
            "as CSV in 3 gzip parts, each under the 10 MiB upload limit, with message text.",
        ),
        (
            packed(0, ["x.csv"]),
            "csv",
            TextNote(True, 90),
            "No request messages were logged here from 2026-02-13 to 2026-03-14 "
            "(Europe/Madrid); there is nothing to export.",
        ),
    ],
)
def test_the_summary_line(
    export: PackedExport, export_format: str, text: TextNote, line: str
) -> None:
    summary = export_summary(
        export,
        period=PERIOD,
        export_format=export_format,  # type: ignore[arg-type]
        text=text,
        limit=10 * MIB,
    )
    assert summary == line


def test_the_attachment_description_says_when_text_is_missing() -> None:
    assert TextNote(True, 90).description is None
    assert "not included" in str(TextNote(False, 90).description)


@pytest.mark.parametrize("days", [1, 30, 365])
def test_days_in_range_are_accepted(days: int) -> None:
    assert checked_export_days(days) == days


@pytest.mark.parametrize("days", [0, -3, 366, True])
def test_days_out_of_range_are_refused_in_one_line(days: int) -> None:
    with pytest.raises(UserFacingError, match=r"^Export from 1 to 365 days") as refused:
        checked_export_days(days)
    assert "\n" not in str(refused.value)


def test_the_period_ends_today_and_counts_today() -> None:
    assert export_period(30, date(2026, 3, 14), "UTC") == Period(
        date(2026, 2, 13), date(2026, 3, 14), "UTC"
    )
    assert export_period(1, date(2026, 3, 14), "UTC").days == 1


def test_file_names_say_guild_and_days() -> None:
    assert export_stem(42, PERIOD) == "clamor-export-42-2026-02-13-to-2026-03-14"


@pytest.mark.parametrize(
    ("sizes", "budget", "batches"),
    [
        ([5] * 3, 100, [[0, 1, 2]]),
        ([1] * 23, 100, [list(range(10)), list(range(10, 20)), [20, 21, 22]]),
        ([40, 40, 40, 10], 100, [[0, 1], [2, 3]]),  # the request size budget
        ([150, 10], 100, [[0], [1]]),  # a file over the budget still goes, alone
        ([], 100, []),
    ],
)
def test_files_are_spread_over_messages(
    sizes: list[int], budget: int, batches: list[list[int]]
) -> None:
    assert message_batches(sizes, budget=budget) == batches


def test_follow_up_labels_and_the_note_about_parts_not_sent() -> None:
    assert parts_label(10, 19, 23) == "Parts 11-20 of 23."
    assert parts_label(22, 22, 23) == "Part 23 of 23."
    assert unsent_parts_note(MAX_PARTS_SENT, guild_id=7, days=365) == ""
    note = unsent_parts_note(MAX_PARTS_SENT + 5, guild_id=7, days=365)
    assert note == (
        f" Parts {MAX_PARTS_SENT + 1}-{MAX_PARTS_SENT + 5} were not sent (too many for one "
        "answer): run `clamor export --guild 7 --days 365 --output FILE` on the bot's machine "
        "for the whole export."
    )
