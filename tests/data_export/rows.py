"""ExportRow factory shared by the export writer tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.store.export_rows import ExportRow

GUILD_ID = 1037813696954499072
CHANNEL_ID = 1097705820520448010
# 2026-03-14 22:30:00 UTC: already the 15th in Europe/Madrid (UTC+1), still the 14th in UTC.
LATE_EVENING = 1773527400.0

_ROW = ExportRow(
    message_id=1350000000000000001,
    guild_id=GUILD_ID,
    channel_id=CHANNEL_ID,
    created_at=LATE_EVENING,
    content="OpenAI should open source Sora",
    language="en",
    compound=-0.47671234,
    pos=0.0,
    neu=0.7,
    neg=0.3,
    clamor_category="demand",
    label=None,
    targets=("openai", "sora"),
    alternatives=(),
    edited=False,
)


def export_row(**changes: Any) -> ExportRow:
    return replace(_ROW, **changes)
