"""The spikes `clamor analyze` reports: an export ingested as analyze does, then judged."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.chat_import import sample_export_paths
from bot.cli.spikes import format_spikes, spikes_in_store
from bot.digest.contents import Period
from bot.ingest import export_messages, ingest_messages
from bot.store import Store

GUILD, CHANNEL = 900000000000000001, 900000000000000002
FIRST = datetime(2026, 3, 1, tzinfo=UTC)
QUIET = ("OpenAI should open source Sora", "anyone tried the new 5090?", "release the weights pls")
WAVE = ("ClosedAI strikes again, open source Sora already", "OpenAI should open source Sora")


def message(n: int, when: datetime, content: str) -> dict[str, Any]:
    return {
        "id": str(1_000_000 + n), "type": "Default", "timestamp": when.isoformat(),
        "timestampEdited": None, "isPinned": False, "content": content,
        "author": {"id": str(500 + n % 7), "name": f"u{n % 7}", "discriminator": "0000",
                   "nickname": None, "isBot": False},
        "attachments": [], "embeds": [], "reactions": [], "mentions": [],
    }  # fmt: skip


def write_export(path: Path, wave_day: int | None, days: int = 17) -> Path:
    """`days` days of a quiet channel (two requests a day), and a wave on `wave_day`."""
    messages = []
    for day in range(days):
        for n, text in enumerate(QUIET):
            messages.append((FIRST + timedelta(days=day, hours=9 + n), text))
        if day == wave_day:
            for n in range(30):
                when = FIRST + timedelta(days=day, hours=14, minutes=n)
                messages.append((when, WAVE[n % 2]))
    doc = {
        "guild": {"id": str(GUILD), "name": "Test Lounge", "iconUrl": ""},
        "channel": {"id": str(CHANNEL), "type": "GuildTextChat", "categoryId": None,
                    "category": None, "name": "general", "topic": None},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2026-03-20T00:00:00+00:00",
        "messages": [message(n, when, text) for n, (when, text) in enumerate(sorted(messages))],
        "messageCount": len(messages),
    }  # fmt: skip
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


async def report(paths: list[Path], tmp_path: Path) -> str:
    async with await Store.open(tmp_path / "spikes.db") as store:
        summary = await ingest_messages(
            store, export_messages(paths), os.urandom(32), timezone="UTC"
        )
        assert summary.first_at is not None
        assert summary.last_at is not None
        period = Period(
            Period.day(date(2000, 1, 1), "UTC").local_day(summary.first_at),
            Period.day(date(2000, 1, 1), "UTC").local_day(summary.last_at),
            "UTC",
        )
        scans = await spikes_in_store(store, guilds=summary.guilds, period=period)
        return format_spikes(scans, period)


async def test_the_wave_day_of_an_export_is_reported(tmp_path: Path) -> None:
    text = await report([write_export(tmp_path / "wave.json", wave_day=12)], tmp_path)
    lines = text.splitlines()
    assert lines[0] == (
        "Spikes (2026-03-01 to 2026-03-17, each day against the 14 days before it, normal):"
    )
    assert lines[1] == "Test Lounge (2026-03-08 to 2026-03-17 judged):"
    assert lines[2] == "- Open-sourcing talk is spiking: 32 request messages on 2026-03-13"
    assert lines[3].startswith("  16.0x the usual 2 (+30; median of the 12 days before)")
    assert lines[3].endswith("; since 2026-03-13 14:00")
    assert lines[4].startswith("  top targets: ")
    assert "Sora (30)" in lines[4]
    assert sum(line.startswith("  read: https://discord.com/channels/") for line in lines) == 3
    assert "2026-03-14" not in text  # the day after the wave is its own normal again


async def test_a_quiet_export_has_no_spikes(tmp_path: Path) -> None:
    text = await report([write_export(tmp_path / "quiet.json", wave_day=None)], tmp_path)
    assert text.splitlines()[1:] == ["Test Lounge: none (2026-03-08 to 2026-03-17 judged)."]


async def test_a_short_export_is_not_judged(tmp_path: Path) -> None:
    text = await report(sample_export_paths(), tmp_path)
    assert text.splitlines()[1].endswith(
        "not judged; a day needs 7 days of history before it, and the data is shorter."
    )
