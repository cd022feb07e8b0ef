"""Volume of a guild in India (+5:30), counted as the watcher counts it: each local day gets
exactly its own messages, in the trend's days and in the digest's "messages seen"."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite
import pytest

from bot.buckets import volume_bucket
from bot.digest.contents import Period
from bot.digest.from_store import digest_from_store
from bot.store import Store
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from bot.watch import ActivityBuffer

G, CH = 1, 10
H0 = 1_699_999_200  # a UTC hour
ZONE = "Asia/Kolkata"
# Local times around the midnight between the 10th and the 11th of March 2024.
POSTED = {
    "2024-03-10T22:55": 1,
    "2024-03-10T23:10": 2,
    "2024-03-10T23:50": 3,
    "2024-03-11T00:05": 4,
    "2024-03-11T00:40": 5,
    "2024-03-11T01:20": 6,
}
SEEN_ON_10TH, SEEN_ON_11TH = 3, 3


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE)).timestamp()


async def count_as_the_watcher(store: Store, timezone: str) -> None:
    buffer = ActivityBuffer()
    for text, message_id in POSTED.items():
        buffer.count(G, CH, message_id, bucket=volume_bucket(local(text), timezone))
    snapshot = buffer.drain()
    await store.count_messages(snapshot.channels)


async def test_each_local_day_gets_exactly_its_messages(store: Store) -> None:
    await count_as_the_watcher(store, ZONE)
    days = Period(date(2024, 3, 10), date(2024, 3, 11), ZONE)
    starts = [days.day_start(day) for day in days.each_day()] + [days.end]
    assert await store.volume_days(G, starts) == [SEEN_ON_10TH, SEEN_ON_11TH]
    hours = await store.volume_hours(G, days.start, days.end)
    # Buckets start on local whole hours, i.e. at :30 UTC.
    assert [datetime.fromtimestamp(hour, ZoneInfo(ZONE)).minute for hour, _ in hours] == [0] * 4
    assert [hour % 3600 for hour, _ in hours] == [1800] * 4

    digest = await digest_from_store(
        store, guild_id=G, guild_name="g", period=Period.day(date(2024, 3, 11), ZONE)
    )
    assert (digest.totals.seen, digest.previous.seen) == (SEEN_ON_11TH, SEEN_ON_10TH)


async def test_buckets_on_utc_hours_got_the_days_wrong(store: Store) -> None:
    # What Clamor did before: 00:05 local (18:35 UTC) sat in the 18:00 UTC bucket, which
    # starts at 23:30 local, on the day before.
    await count_as_the_watcher(store, "UTC")
    days = Period(date(2024, 3, 10), date(2024, 3, 11), ZONE)
    starts = [days.day_start(day) for day in days.each_day()] + [days.end]
    assert await store.volume_days(G, starts) == [SEEN_ON_10TH + 1, SEEN_ON_11TH - 1]


async def test_a_version_6_file_keeps_its_volume_and_takes_half_hour_buckets(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:6]) == 6
        await db.execute("INSERT INTO message_volume VALUES (?, ?, ?, ?)", (G, H0, CH, 7))
        with pytest.raises(sqlite3.IntegrityError):  # what version 7 lifts
            await db.execute(
                "INSERT INTO message_volume VALUES (?, ?, ?, ?)", (G, H0 + 1800, CH, 1)
            )
    async with await Store.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION >= 7
        await store.add_volumes([(G, CH, H0 + 1800, 2), (G, CH, H0, 1)])
        assert await store.volume_hours(G, 0, H0 * 2) == [(H0, 8), (H0 + 1800, 2)]
    # A quarter hour is still the finest start the schema takes.
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO message_volume VALUES (?, ?, ?, ?)", (G, H0 + 60, CH, 1))
    raw.close()
