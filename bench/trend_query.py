"""How long a 90-day trend takes on a big database: `trend_from_store` (aggregates in SQL)
against the baseline of loading the rows (`corrected_requests_between`) and summing in Python.

    .venv/bin/python bench/trend_query.py [--rows 500000] [--guilds 25] [--runs 15] [--db PATH]

The synthetic database spreads `--rows` request messages over `--guilds` guilds and a year
(issue 7's density is 2M rows over 100 guilds: 20,000 per guild per year), with hourly volume,
5 channels per guild and 1% of rows corrected by moderators. Reported: the median and worst of
`--runs` calls for a typical guild, a busy guild (10x the rows) and one channel of the busy
guild, each beside the row-dump baseline. A kept `--db` is reused on the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.analysis.model import CATEGORIES
from bot.digest.model import Period
from bot.store import LabelCorrection, RequestRecord, Store
from bot.trends import trend_from_store

LAST_DAY = date(2026, 3, 15)
YEAR_START = datetime(2025, 3, 16, tzinfo=UTC).timestamp()
YEAR_SECONDS = 365 * 86400
BUSY_GUILD = 1  # gets ten shares of the rows, the others one each
BATCH = 50_000


def _rows(total: int, guilds: int, seed: int = 7) -> list[RequestRecord]:
    """Rows in time order with ids rising with time, as Discord's snowflakes do: the table's
    pages then hold neighbouring moments, as in a real log."""
    rnd = random.Random(seed)
    shares = [10 if g == BUSY_GUILD else 1 for g in range(1, guilds + 1)]
    moments = sorted(YEAR_START + rnd.random() * YEAR_SECONDS for _ in range(total))
    rows = []
    for message_id, created_at in enumerate(moments, start=1):
        guild = rnd.choices(range(1, guilds + 1), weights=shares)[0]
        rows.append(
            RequestRecord(
                message_id=message_id,
                guild_id=guild,
                channel_id=guild * 100 + rnd.randrange(5),
                author_hash=f"{rnd.getrandbits(64):016x}",
                created_at=created_at,
                content="please open source the weights already",
                language="en",
                compound=rnd.uniform(-1, 1),
                pos=0.2,
                neu=0.7,
                neg=0.1,
                category=rnd.choice(CATEGORIES),
                targets=("the weights",),
                alternatives=(),
                cues=(),
            )
        )
    return rows


async def _fill(store: Store, total: int, guilds: int) -> None:
    rows = _rows(total, guilds)
    for start in range(0, total, BATCH):
        await store.upsert_requests(rows[start : start + BATCH])
    volume = [
        (guild, guild * 100 + channel, YEAR_START + hour * 3600, 40)
        for guild in range(1, guilds + 1)
        for channel in range(5)
        for hour in range(0, 365 * 24, 3)
    ]
    await store.add_volumes(volume)
    for row in rows[:: total // max(1, total // 100)]:
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


async def _row_dump(store: Store, guild: int, period: Period, channel: int | None) -> int:
    rows = await store.corrected_requests_between(guild, period.start, period.end, channel)
    per_day: dict[date, list[float]] = {}
    for row in rows:
        per_day.setdefault(period.local_day(row.created_at), []).append(row.compound)
    return sum(len(values) for values in per_day.values())


async def _time(call: object, runs: int) -> tuple[float, float, float]:
    """Median wall ms, worst wall ms, median CPU ms (all threads of the process: SQLite runs in
    aiosqlite's thread). On a shared machine CPU time shows the work, wall time the wait too."""
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        await call()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(timings), max(timings), statistics.median(cpu)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--guilds", type=int, default=25)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=Path("/tmp/clamor-trend-bench.db"))
    args = parser.parse_args()
    fresh = not args.db.exists()
    async with await Store.open(args.db) as store:
        if fresh:
            started = time.perf_counter()
            await _fill(store, args.rows, args.guilds)
            print(f"filled {args.db} in {time.perf_counter() - started:.1f} s")
        total = await store.count_requests(BUSY_GUILD)
        period = Period(LAST_DAY - timedelta(days=89), LAST_DAY, "Europe/Madrid")
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} cores, load {load:.2f}, Python {sys.version.split()[0]}")
        print(f"busy guild: {total:,} rows in the year; 90-day trend in Europe/Madrid\n")
        print(
            f"{'case':<26}{'rows in 90 d':>13}{'trend ms':>10}{'worst':>8}{'cpu ms':>8}"
            f"{'row dump ms':>13}{'ratio':>8}"
        )
        quiet_guild = 2
        cases = [
            ("typical guild", quiet_guild, None),
            ("busy guild", BUSY_GUILD, None),
            ("busy guild, one channel", BUSY_GUILD, {BUSY_GUILD * 100}),
        ]
        for name, guild, channels in cases:
            channel = None if channels is None else next(iter(channels))
            counted = await _row_dump(store, guild, period, channel)

            async def trend(guild: int = guild, channels: set[int] | None = channels) -> None:
                await trend_from_store(store, guild_id=guild, period=period, channel_ids=channels)

            async def dump(guild: int = guild, channel: int | None = channel) -> None:
                await _row_dump(store, guild, period, channel)

            median, worst, cpu = await _time(trend, args.runs)
            baseline, _, _ = await _time(dump, max(3, args.runs // 3))
            print(
                f"{name:<26}{counted:>13,}{median:>10.1f}{worst:>8.1f}{cpu:>8.1f}"
                f"{baseline:>13.1f}{baseline / median:>7.1f}x"
            )


if __name__ == "__main__":
    asyncio.run(main())
