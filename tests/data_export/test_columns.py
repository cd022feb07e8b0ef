"""One logged row as export values: times, local dates, corrections, channel names, privacy."""

from __future__ import annotations

import pytest

from bot.data_export import COLUMNS, ExportContext, export_record
from tests.data_export.rows import CHANNEL_ID, GUILD_ID, export_row

MADRID = ExportContext("Europe/Madrid", {CHANNEL_ID: "general"})


def test_every_column_in_order_and_no_author() -> None:
    record = export_record(export_row(), MADRID)
    assert tuple(record) == COLUMNS
    assert not any("author" in column for column in COLUMNS)


def test_a_row_as_values() -> None:
    assert export_record(export_row(), MADRID) == {
        "message_id": 1350000000000000001,
        "guild_id": GUILD_ID,
        "channel_id": CHANNEL_ID,
        "channel_name": "general",
        "created_at": "2026-03-14T22:30:00Z",
        "local_date": "2026-03-14",
        "language": "en",
        "category": "demand",
        "clamor_category": "demand",
        "corrected": False,
        "compound": -0.4767,
        "pos": 0.0,
        "neu": 0.7,
        "neg": 0.3,
        "targets": ["openai", "sora"],
        "alternatives": [],
        "edited": False,
        "jump_url": f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/1350000000000000001",
        "replies_to": None,
        "text": "OpenAI should open source Sora",
    }


@pytest.mark.parametrize(
    ("timezone", "at", "local_date"),
    [
        ("UTC", 1773527400.0, "2026-03-14"),  # 22:30 UTC
        ("Europe/Madrid", 1773531000.0, "2026-03-15"),  # 23:30 UTC = 00:30 in Madrid
        (
            "America/Los_Angeles",
            1773532800.0,
            "2026-03-14",
        ),  # 00:00 UTC = 17:00 the day before (PDT)
        ("Asia/Kolkata", 1773513000.0, "2026-03-15"),  # 18:30 UTC = midnight at +05:30
    ],
)
def test_the_local_date_is_in_the_guilds_timezone(
    timezone: str, at: float, local_date: str
) -> None:
    record = export_record(export_row(created_at=at), ExportContext(timezone))
    assert record["local_date"] == local_date


@pytest.mark.parametrize(
    ("clamor_category", "label", "category", "corrected"),
    [
        ("demand", None, "demand", False),
        ("demand", "defeatism", "defeatism", True),
        ("frustration", "frustration", "frustration", True),  # confirmed: still a correction
        ("demand", "not-a-request", "not-a-request", True),
        (None, "optimism", "optimism", True),  # logged by /clamor-mod relabel itself
    ],
)
def test_the_moderators_label_lies_over_clamors_category(
    clamor_category: str | None, label: str | None, category: str, corrected: bool
) -> None:
    record = export_record(export_row(clamor_category=clamor_category, label=label), MADRID)
    assert (record["category"], record["clamor_category"], record["corrected"]) == (
        category,
        clamor_category,
        corrected,
    )


def test_an_unknown_channel_has_no_name() -> None:
    assert export_record(export_row(channel_id=42), MADRID)["channel_name"] is None


def test_a_guild_that_drops_text_exports_none() -> None:
    dropping = ExportContext("UTC", include_text=False)
    assert export_record(export_row(content="left over"), dropping)["text"] == ""
