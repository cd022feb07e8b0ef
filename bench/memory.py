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

    .venv/bin/python bench/memory.py --analyze [--messages 100000,1000000] [--requests 0.3]

measures the command line instead (issue 15, item 4): for each size it writes a seeded
DiscordChatExporter export (one channel, the stream's texts, `--requests` of them requests,
spread over 30 days; never built whole in memory), then runs `clamor analyze EXPORT`,
`clamor analyze EXPORT --db FILE` and `clamor digest --db FILE --days 30` each in a child
process and prints its peak RSS (the child's `ru_maxrss`) and CPU time. Target: <= 150 MB at
1M messages with 30% requests, whatever the size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stream import DISCORD_EPOCH_MS, ROOT, Pools, bot_for, load_pools, stream

from bot.store import Store
from cogs.watcher import Watcher

WARM_UP = 10_000
EXPORT_DAYS = 30
EXPORT_GUILD_ID = 1037813696954499072
EXPORT_CHANNEL_ID = 1097705820520448010
EXPORT_START_MS = 1_733_011_200_000  # 2024-12-01 00:00 UTC


def status_mb(field: str) -> float:
    """A VmRSS-style field of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def database_mb(path: Path) -> float:
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def write_chat_export(path: Path, pools: Pools, count: int, request_share: float, seed: int) -> int:
    """A DCE-shaped export of `count` members' messages over `EXPORT_DAYS` days, written as it
    is generated; how many of them are requests."""
    rnd = random.Random(seed)
    step_ms = EXPORT_DAYS * 86_400_000 // count
    header = {
        "guild": {"id": str(EXPORT_GUILD_ID), "name": "Latent Space Lounge", "iconUrl": ""},
        "channel": {
            "id": str(EXPORT_CHANNEL_ID),
            "type": "GuildTextChat",
            "categoryId": None,
            "category": None,
            "name": "general",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-12-31T09:00:00.1234567+01:00",
    }
    requests = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False, indent=2)[:-2])
        out.write(',\n  "messages": [\n')
        for index in range(count):
            ms = EXPORT_START_MS + index * step_ms + rnd.randrange(step_ms)
            is_request = rnd.random() < request_share
            requests += is_request
            seconds, millis = divmod(ms, 1000)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            user = rnd.randrange(400)
            message: dict[str, object] = {
                "id": str(((ms - DISCORD_EPOCH_MS) << 22) | (index & 0x3FFFFF)),
                "type": "Default",
                "timestamp": f"{stamp}.{millis:03d}+00:00",
                "timestampEdited": None,
                "callEndedTimestamp": None,
                "isPinned": False,
                "content": rnd.choice(pools.requests if is_request else pools.chatter),
                "author": {
                    "id": str(605709674741893746 + user),
                    "name": f"user{user}",
                    "discriminator": "0000",
                    "nickname": None,
                    "color": None,
                    "isBot": False,
                    "roles": [],
                    "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
                },
                "attachments": [],
                "embeds": [],
                "stickers": [],
                "reactions": [],
                "mentions": [],
            }
            out.write((",\n    " if index else "    ") + json.dumps(message, ensure_ascii=False))
        out.write(f'\n  ],\n  "messageCount": {count}\n}}\n')
    return requests


def run_child(argv: list[str], folder: Path) -> tuple[float, float, float]:
    """Peak RSS (MB), CPU seconds and wall seconds of `python -m bot ARGV` in a child process of
    its own (a wrapper, so that `ru_maxrss` of its children is this command's alone)."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - started\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, wall)\n"
    )
    env = {**os.environ, "CLAMOR_TIMEZONE": "UTC", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "bot", *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
    )
    peak_kib, cpu, wall = done.stdout.split()
    return int(peak_kib) / 1024, float(cpu), float(wall)


def analyze_memory(
    sizes: list[int], request_share: float, seed: int, only: set[str] | None = None
) -> None:
    pools = load_pools()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    print(
        f"\n{'messages':>10}{'requests':>10}  {'command':<34}"
        f"{'peak MB':>9}{'CPU s':>8}{'wall s':>8}"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            export = folder / "export.json"
            requests = write_chat_export(export, pools, size, request_share, seed)
            database = folder / "analyze.db"
            commands = {
                "analyze": ["analyze", str(export)],
                "analyze-db": ["analyze", str(export), "--db", str(database)],
                "digest": [
                    "digest",
                    "--db",
                    str(database),
                    "--guild",
                    str(EXPORT_GUILD_ID),
                    "--date",
                    "2024-12-30",
                    "--days",
                    "30",
                ],
            }
            for name, argv in commands.items():
                if only is not None and name not in only:
                    continue
                label = " ".join(argv).replace(str(export), "EXPORT").replace(str(database), "FILE")
                label = label.replace(f" --guild {EXPORT_GUILD_ID} --date 2024-12-30", "")
                peak, cpu, wall = run_child(argv, folder)
                print(
                    f"{size:>10,}{requests:>10,}  {label:<34}{peak:>9.1f}{cpu:>8.1f}{wall:>8.1f}",
                    flush=True,
                )
    print(f"\nload {os.getloadavg()[0]:.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", default=None, help="a count (or, with --analyze, counts)")
    parser.add_argument("--every", type=int, default=100_000)
    parser.add_argument("--requests", type=float, default=None)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--analyze", action="store_true", help="measure `clamor analyze`")
    parser.add_argument(
        "--commands",
        help="with --analyze, some of analyze,analyze-db,digest (digest needs analyze-db); "
        "e.g. to run the slow 1M sizes in two processes at once",
    )
    args = parser.parse_args()
    if args.analyze:
        sizes = [int(n) for n in (args.messages or "100000,1000000").split(",")]
        only = set(args.commands.split(",")) if args.commands else None
        analyze_memory(sizes, 0.3 if args.requests is None else args.requests, args.seed, only)
        return
    args.messages = int(args.messages or 1_000_000)
    args.requests = 0.05 if args.requests is None else args.requests
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
