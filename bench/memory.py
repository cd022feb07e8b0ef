"""Memory: resident set size of the process while the bot's per-message path takes 1 million
chat messages, sampled every 100,000.

    .venv/bin/python bench/memory.py [--messages 1000000] [--every 100000] [--requests 0.05]

The path is the one bench/ingest.py times (`Watcher.on_message` on a real SQLite file, volume
flushed every 1,000 messages), fed a generated stream (bench/stream.py) so the benchmark itself
holds no message list. Reported per sample: RSS (VmRSS), its peak so far (VmHWM), the change
since the first sample, Python objects tracked by the garbage collector, and the database size.
Target: RSS < 150 MB after 1M messages and flat (no growth with the message count). The first
sample comes after a 10,000-message warm-up, so the analyser's tables are already built.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stream import bot_for, load_pools, stream

from bot.store import Store
from cogs.watcher import Watcher

WARM_UP = 10_000


def status_mb(field: str) -> float:
    """A VmRSS-style field of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def database_mb(path: Path) -> float:
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=100_000)
    parser.add_argument("--requests", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    pools = load_pools()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    print(f"RSS before opening the Store: {status_mb('VmRSS'):.1f} MB\n")
    print(
        f"{'messages':>10}{'RSS MB':>9}{'peak MB':>9}{'vs first':>10}{'gc objects':>12}"
        f"{'db MB':>8}{'msg/s':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "memory.db"
        async with await Store.open(path) as store:
            bot = bot_for(store)
            watcher = Watcher(bot)  # type: ignore[arg-type]
            messages = stream(pools, WARM_UP + args.messages, args.requests, seed=args.seed)
            first: float | None = None
            started = time.perf_counter()
            for count, message in enumerate(messages, start=1 - WARM_UP):
                await watcher.on_message(message)  # type: ignore[arg-type]
                if count >= 0 and count % args.every == 0:
                    await watcher.flush()
                    gc.collect()
                    rss = status_mb("VmRSS")
                    first = rss if first is None else first
                    rate = args.every / (time.perf_counter() - started) if count else 0.0
                    print(
                        f"{count:>10,}{rss:>9.1f}{status_mb('VmHWM'):>9.1f}{rss - first:>+10.1f}"
                        f"{len(gc.get_objects()):>12,}{database_mb(path):>8.1f}{rate:>8,.0f}",
                        flush=True,
                    )
                    started = time.perf_counter()
            await bot.request_writer.close()  # type: ignore[attr-defined]
            print(f"\nrequests logged: {watcher.stats.logged:,}; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
