"""The writer stores a message older than the guild's retention the way the purge leaves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.guild_settings import GuildConfigs
from bot.store import RequestRecord, Store
from bot.watch.writer import RequestWriter

GUILD = 10
NOW = 1_800_000_000.0
DAY = 86400.0


def record(message_id: int, age_days: float) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=GUILD,
        channel_id=20,
        author_hash="a1b2",
        created_at=NOW - age_days * DAY,
        content="open source the weights",
        language="en",
        compound=0.0,
        pos=0.0,
        neu=1.0,
        neg=0.0,
        category="demand",
        targets=(),
        alternatives=(),
        cues=("request: open source the weights",),
    )


@pytest.mark.parametrize(
    ("retention_days", "age_days", "kept"),
    [
        (90, 10, True),
        (90, 89.9, True),
        (90, 90.1, False),
        (7, 8, False),
        (3650, 400, True),
    ],
)
async def test_text_and_author_of_expired_messages_are_not_stored(
    tmp_path: Path, retention_days: int, age_days: float, kept: bool
) -> None:
    async with await Store.open(tmp_path / "clamor.db") as store:
        await store.set_retention_days(GUILD, retention_days)
        configs = GuildConfigs(store, load_settings({}, env_file=None))
        writer = RequestWriter(store, configs, clock=lambda: NOW)
        assert await writer.write(record(1, age_days))
        stored = await store.get_request(GUILD, 1)
        assert stored is not None
        assert stored.category == "demand"  # the row itself stays, as an aggregate
        if kept:
            assert (stored.content, stored.author_hash) == ("open source the weights", "a1b2")
            assert stored.cues == ("request: open source the weights",)
        else:
            assert (stored.content, stored.author_hash, stored.cues) == ("", "", ())
