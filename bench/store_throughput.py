"""Writes per second on each Store: SQLite (a file) and PostgreSQL (a local server).

    .venv/bin/python bench/store_throughput.py [--rows 20000] [--batch 100] [--pg URL]
                                                 [--sqlite-only]

Scenarios, each on a fresh database:
- batched: what the bot's writer and `clamor analyze` do: `upsert_requests` of `--batch` request
  messages, then `count_messages` (hourly volume counted by message id) for the same batch;
- single: one `upsert_request` per message, each its own commit;
- 2 writers: two Stores (two connections, as two shard processes would have) writing batches
  for their own guilds at the same time, on SQLite into the same file (in one Python process,
  so they share its one core of client work);
- digest read: the median time of `corrected_requests_between` for one guild-day (1,280 rows
  at the default `--rows`).

Without `--pg` a throwaway PostgreSQL server is started from the binaries on this machine (as in
the tests: fsync off, so the figure is the Store's and the protocol's cost, not the disk's; the
SQLite file runs with its production settings, WAL and synchronous=NORMAL, which skip fsync on
commit too). Set CLAMOR_BENCH_ROOT to measure another checkout's Store with this script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, os.environ.get("CLAMOR_BENCH_ROOT", str(Path(__file__).resolve().parents[1])))

from bot.buckets import volume_bucket
from bot.store import ChannelMessages, RequestRecord, Store

START = 1_700_000_000.0
GUILDS = 10


def _records(count: int, first_id: int = 1, first_guild: int = 1) -> list[RequestRecord]:
    # One message every 3 s spread over the guilds: a day holds 28,800 rows, 2,880 per guild.
    return [
        RequestRecord(
            message_id=first_id + n,
            guild_id=first_guild + n % GUILDS,
            channel_id=100 + n % 7,
            author_hash=f"{n * 2654435761 % 2**64:032x}"[:32],
            created_at=START + n * 3,
            content="OpenAI should really open source the weights of Sora already, come on",
            language="en",
            compound=-0.31,
            pos=0.1,
            neu=0.7,
            neg=0.2,
            category="frustration",
            targets=("sora",),
            alternatives=(),
            cues=("request: open source",),
        )
        for n in range(count)
    ]


async def _write_batches(store: Store, records: list[RequestRecord], batch: int) -> None:
    # As the bot's live counting does: each flush reads a channel on from its last message.
    tops: dict[tuple[int, int], int] = {}
    for start in range(0, len(records), batch):
        part = records[start : start + batch]
        await store.upsert_requests(part)
        # Each request message stands for 20 chat messages, counted by id with it.
        chat: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for r in part:
            bucket = volume_bucket(r.created_at, "UTC")
            ids = chat.setdefault((r.guild_id, r.channel_id), [])
            ids.extend((r.message_id * 20 + k, bucket) for k in range(20))
        await store.count_messages(
            ChannelMessages(
                guild,
                channel,
                tuple(ids),
                ((tops.get((guild, channel), ids[0][0] - 1), ids[-1][0]),),
            )
            for (guild, channel), ids in chat.items()
        )
        tops.update({key: ids[-1][0] for key, ids in chat.items()})


async def _write_singles(store: Store, records: list[RequestRecord], _batch: int) -> None:
    for record in records:
        await store.upsert_request(record)


Opener = Callable[[], Awaitable[str]]


async def _rate(open_db: Opener, rows: int, batch: int, writers: int, single: bool) -> float:
    location = await open_db()
    stores = [await Store.open(location) for _ in range(writers)]
    write = _write_singles if single else _write_batches
    share = rows // writers
    try:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                # Shards own disjoint guilds: each writer its own.
                write(store, _records(share, 1 + i * share, 1 + i * GUILDS), batch)
                for i, store in enumerate(stores)
            )
        )
        elapsed = time.perf_counter() - started
    finally:
        for store in stores:
            await store.close()
    return share * writers / elapsed


async def _digest_ms(open_db: Opener, rows: int, batch: int) -> float:
    location = await open_db()
    async with await Store.open(location) as store:
        await _write_batches(store, _records(rows), batch)
        # A day from 06:00 of the first (1,280 of guild 1's rows at the default --rows); a
        # smaller --rows that ends before then reads the day from the first row instead.
        day_start = START + 86_400 * 0.25
        if START + rows * 3 <= day_start:
            day_start = START
        times = []
        for _ in range(30):
            started = time.perf_counter()
            found = await store.corrected_requests_between(1, day_start, day_start + 86_400)
            times.append((time.perf_counter() - started) * 1000)
        assert found, "the digest read found no rows"
    return statistics.median(times)


async def _measure(name: str, open_db: Opener, args: argparse.Namespace) -> list[str]:
    batched = await _rate(open_db, args.rows, args.batch, 1, single=False)
    single = await _rate(open_db, args.rows // 4, args.batch, 1, single=True)
    two = await _rate(open_db, args.rows, args.batch, 2, single=False)
    digest = await _digest_ms(open_db, args.rows, args.batch)
    return [name, f"{batched:,.0f}", f"{single:,.0f}", f"{two:,.0f}", f"{digest:.2f}"]


def _sqlite_opener(folder: Path) -> Opener:
    counter = iter(range(1_000_000))

    async def open_db() -> str:
        return str(folder / f"bench-{next(counter)}.db")

    return open_db


def _pg_opener(admin_url: str) -> Opener:
    import asyncpg

    counter = iter(range(1_000_000))
    base, _, _ = admin_url.rpartition("/")

    async def open_db() -> str:
        name = f"clamor_bench_{os.getpid()}_{next(counter)}"
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name}")
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()
        return f"{base}/{name}"

    return open_db


async def _main(args: argparse.Namespace) -> None:
    table = [["store", "batched rows/s", "single rows/s", "2 writers rows/s", "digest read ms"]]
    with tempfile.TemporaryDirectory() as folder:
        table.append(await _measure("SQLite", _sqlite_opener(Path(folder)), args))
    if not args.sqlite_only:
        table.append(await _measure_pg(args))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print(f"rows={args.rows} batch={args.batch}")
    for row in table:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


async def _measure_pg(args: argparse.Namespace) -> list[str]:
    if args.pg:
        return await _measure("PostgreSQL", _pg_opener(args.pg), args)
    from tests.store.pg_server import PgServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        return ["PostgreSQL", "no server binaries", "", "", ""]
    server = PgServer.start(binaries)
    try:
        return await _measure("PostgreSQL", _pg_opener(server.url()), args)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pg", metavar="URL", help="an admin URL of an existing server")
    parser.add_argument("--sqlite-only", action="store_true")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
