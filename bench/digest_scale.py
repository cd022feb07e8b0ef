"""Digest and trend at scale: a guild's daily digest and 90-day trend on a database of 2 million
request messages, with the shipped indexes and with them dropped.

    .venv/bin/python bench/digest_scale.py [--rows 2000000] [--guilds 100] [--runs 15] [--db PATH]

The database (issue 7: 2M rows across 100 guilds over a year; guild 1 is ten times busier) is
filled once through the Store in big transactions and kept under /tmp; ids rise with time as
snowflakes do, 5 channels per guild with hourly volume, 1% of rows corrected by moderators.

Timed, for a typical guild and the busy one, in Europe/Madrid:
- daily digest: `bot.digest.from_store` (the request rows of the digest's window with
  corrections, the hourly volume, the pure build) plus the two aggregate queries of its 14-day
  chart (`trend_from_store` on `chart_period`); the PNG drawing is left out (matplotlib, not the
  database);
- 90-day trend: `bot.trends.trend_from_store`.
Each under three index sets on `request_messages`, switched by dropping and re-creating indexes
(the DDL comes from `bot.store.migrations`, so the figures follow the real schema): none but the
primary key, the schema-5 set, and the shipped (latest) set. The database is left as shipped.
Beside them, what each index set costs a write: microseconds per row to log 10,000 new request
messages in transactions of 500 (then deleted again; median of three). Targets: digest median
< 20 ms, trend < 50 ms. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from indexes import index_sets, use_indexes

from bot.analysis.results import CATEGORIES
from bot.digest.contents import Period
from bot.digest.from_store import chart_period, digest_from_store
from bot.store import LabelCorrection, RequestRecord, Store
from bot.store.migrations import MIGRATIONS
from bot.trends import trend_from_store

LAST_DAY = date(2026, 3, 15)
YEAR_START = datetime(2025, 3, 16, tzinfo=UTC).timestamp()
YEAR_SECONDS = 365 * 86400
LAST_END = YEAR_START + YEAR_SECONDS
ZONE = "Europe/Madrid"
BUSY_GUILD = 1
TYPICAL_GUILD = 2
CHANNELS = 5
BATCH = 100_000
CONTENTS = (
    "please open source the weights already",
    "OpenAI should open source Sora, what are they waiting for",
    "they will never release it lol",
    "fingers crossed for an open version like whisper",
    "open source it or stop calling yourselves OpenAI",
)


def _records(total: int, guilds: int, seed: int = 7) -> list[RequestRecord]:
    rnd = random.Random(seed)
    weights = [10 if g == BUSY_GUILD else 1 for g in range(1, guilds + 1)]
    picks = rnd.choices(range(1, guilds + 1), weights=weights, k=total)
    moments = sorted(YEAR_START + rnd.random() * YEAR_SECONDS for _ in range(total))
    return [
        RequestRecord(
            message_id=message_id,
            guild_id=guild,
            channel_id=guild * 100 + rnd.randrange(CHANNELS),
            author_hash=f"{rnd.getrandbits(64):016x}",
            created_at=created_at,
            content=rnd.choice(CONTENTS),
            language="en",
            compound=rnd.uniform(-1, 1),
            pos=0.2,
            neu=0.7,
            neg=0.1,
            category=rnd.choice(CATEGORIES),
            targets=("sora",),
            alternatives=(),
            cues=("language: en",),
        )
        for message_id, (guild, created_at) in enumerate(zip(picks, moments, strict=True), 1)
    ]


async def _fill(path: Path, total: int, guilds: int) -> None:
    started = time.perf_counter()
    async with await Store.open(path) as store:
        rows = _records(total, guilds)
        for start in range(0, total, BATCH):
            await store.upsert_requests(rows[start : start + BATCH])
        hours = range(0, 365 * 24)
        for guild in range(1, guilds + 1):
            await store.add_volumes(
                (guild, guild * 100 + channel, YEAR_START + hour * 3600, 30)
                for channel in range(CHANNELS)
                for hour in hours
            )
        for row in rows[::100]:
            label = "not-a-request" if row.message_id % 2 else "frustration"
            await store.set_label_correction(
                LabelCorrection(
                    row.guild_id,
                    row.message_id,
                    row.channel_id,
                    label,  # type: ignore[arg-type]
                    "",
                    "en",
                    row.category,
                    row.created_at,
                )
            )
    print(f"filled {path} in {time.perf_counter() - started:.0f} s")


async def _time(call: Callable[[], Awaitable[object]], runs: int) -> tuple[float, float]:
    """Median wall ms and median CPU ms (all threads: SQLite runs in aiosqlite's thread)."""
    await call()  # warm the page cache for this index set
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        await call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


async def measure(path: Path, guild: int, runs: int) -> tuple[float, float, float, float]:
    """(digest ms, digest CPU ms, trend ms, trend CPU ms) for one guild."""
    day = Period(LAST_DAY, LAST_DAY, ZONE)
    quarter = Period(LAST_DAY - timedelta(days=89), LAST_DAY, ZONE)
    async with await Store.open(path) as store:

        async def digest() -> None:
            await digest_from_store(
                store, guild_id=guild, guild_name="bench", period=day, today=LAST_DAY
            )
            await trend_from_store(store, guild_id=guild, period=chart_period(day))

        async def trend() -> None:
            await trend_from_store(store, guild_id=guild, period=quarter)

        digest_ms, digest_cpu = await _time(digest, runs)
        trend_ms, trend_cpu = await _time(trend, runs)
    return digest_ms, digest_cpu, trend_ms, trend_cpu


async def write_cost(path: Path, total: int, rows: int = 10_000, batch: int = 500) -> float:
    """Microseconds per row to log `rows` new request messages in transactions of `batch`, as
    the bot's writes land at the end of the log (then removed again)."""
    fresh = [
        dataclasses.replace(record, message_id=total + 1 + i, created_at=LAST_END + i)
        for i, record in enumerate(_records(rows, 100, seed=99))
    ]
    timings = []
    async with await Store.open(path) as store:
        for _ in range(3):  # the median of three: the first also warms the index pages
            started = time.perf_counter()
            for start in range(0, rows, batch):
                await store.upsert_requests(fresh[start : start + batch])
            timings.append(time.perf_counter() - started)
            for guild in {record.guild_id for record in fresh}:
                ids = [r.message_id for r in fresh if r.guild_id == guild]
                await store.delete_messages(guild, ids)
    return statistics.median(timings) / rows * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=Path("/tmp/clamor-digest-scale.db"))
    args = parser.parse_args()
    if not args.db.exists():
        building = args.db.with_suffix(".building")
        for stale in building.parent.glob(building.name + "*"):
            stale.unlink()
        await _fill(building, args.rows, args.guilds)
        building.rename(args.db)
    sets = index_sets()
    latest = len(MIGRATIONS)
    configs = [("primary key only", {}), ("schema 5 indexes", sets[5])]
    configs.append((f"shipped (schema {latest})", sets[latest]))
    async with await Store.open(args.db) as store:
        counts = {g: await store.count_requests(g) for g in (TYPICAL_GUILD, BUSY_GUILD)}
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    print(f"{args.db}: {args.rows:,} requests, {args.guilds} guilds, a year; {ZONE}")
    for name, wanted in configs:
        print(f"  {name}: {', '.join(sorted(wanted)) or '-'}")
    print(
        f"\n{'indexes':<22}{'guild':<18}{'digest ms':>10}{'cpu':>7}{'90-d trend ms':>15}{'cpu':>7}"
        f"{'write us/row':>14}"
    )
    try:
        for name, wanted in configs:
            use_indexes(args.db, wanted)
            for label, guild in (("typical", TYPICAL_GUILD), ("busy (10x)", BUSY_GUILD)):
                who = f"{label} {counts[guild] // 1000}k/y"
                runs = args.runs if wanted else max(3, args.runs // 5)
                d, dc, t, tc = await measure(args.db, guild, runs)
                write = (
                    f"{await write_cost(args.db, args.rows):>14.1f}" if guild == BUSY_GUILD else ""
                )
                print(f"{name:<22}{who:<18}{d:>10.1f}{dc:>7.1f}{t:>15.1f}{tc:>7.1f}{write}")
    finally:
        use_indexes(args.db, sets[latest])
    print(f"\ntargets: digest < 20 ms, 90-day trend < 50 ms; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
