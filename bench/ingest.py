"""Ingest throughput: the bot's whole per-message path against a bare loop of plain VADER.

    .venv/bin/python bench/ingest.py [--messages 200000] [--requests-only 20000] [--seed 7]

The path is the real one: `cogs.watcher.Watcher.on_message` (guild lock, guild config, channel
rule, replay check, volume counted in the ActivityBuffer, cleaning, detection, analysis with
`score_all=False`, the RequestRecord through RequestWriter's privacy into the Store, a volume
flush every 200 messages) on a real SQLite file, fed plain objects in place of discord.Message.
The baseline, timed in the same run on the same texts, is `polarity_scores` on every message.

Streams (bench/stream.py, seeded): chat with 5% request messages, and 100% request messages;
the latter runs twice, with the shipped indexes and with the schema-6 ones dropped, to show what
the digest/trend indexes cost each write. Reported: messages per second, the ratio to VADER
(targets: >= 5x on chat, >= 0.7x on requests only), and the median, p99 and worst time per
message (target p99 < 2 ms). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from indexes import index_sets, use_indexes
from stream import Pools, bot_for, load_pools, stream, texts
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.analysis import Analyzer
from bot.analysis.cleaning import clean_text
from bot.ingest import request_record
from bot.store import Store
from bot.store.migrations import MIGRATIONS
from cogs.watcher import Watcher


def vader_rate(contents: list[str]) -> float:
    """Messages per second of plain VADER on every message (the bare loop)."""
    vader = SentimentIntensityAnalyzer()
    for text in contents[:200]:  # warm-up
        vader.polarity_scores(text)
    started = time.perf_counter()
    for text in contents:
        vader.polarity_scores(text)
    return len(contents) / (time.perf_counter() - started)


async def clamor_run(
    pools: Pools, count: int, share: float, seed: int, *, previous_indexes: bool = False
) -> tuple[float, list[float], int]:
    """Messages per second, per-message ms, rows logged: the watcher on a fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ingest.db"
        if previous_indexes:
            async with await Store.open(path):
                pass
            use_indexes(path, index_sets()[len(MIGRATIONS) - 1])
        async with await Store.open(path) as store:
            bot = bot_for(store)
            watcher = Watcher(bot)  # type: ignore[arg-type]
            # Warm-up outside the timing: the analyser's tables, the guild configs.
            for message in stream(pools, 300, 0.5, seed=seed + 1000):
                await watcher.on_message(message)  # type: ignore[arg-type]
            messages = list(stream(pools, count, share, seed=seed))
            warm_logged = watcher.stats.logged
            timings: list[float] = []
            gc.collect()
            clock = time.perf_counter
            started = clock()
            for message in messages:
                before = clock()
                await watcher.on_message(message)  # type: ignore[arg-type]
                timings.append(clock() - before)
            await watcher.flush()
            elapsed = clock() - started
            logged = watcher.stats.logged - warm_logged
            await bot.request_writer.close()  # type: ignore[attr-defined]
    return count / elapsed, [t * 1000 for t in timings], logged


async def watcher_floor(pools: Pools, count: int, seed: int) -> float:
    """Microseconds per message of the watcher's own path, the analyser replaced by a constant
    non-request answer: locks, guild config, replay check, volume counting and flushes."""
    answer = Analyzer().analyze("hello there", score_all=False)
    real = Analyzer.analyze
    Analyzer.analyze = lambda self, text, *, score_all=True: answer  # type: ignore[method-assign]
    try:
        rate, _, _ = await clamor_run(pools, count, 0.05, seed)
    finally:
        Analyzer.analyze = real  # type: ignore[method-assign]
    return 1e6 / rate


async def write_cost(count: int = 500) -> float:
    """Microseconds per request message for RequestWriter.write, as the watcher calls it."""
    records = [
        request_record(
            message_id=1000 + i,
            guild_id=1,
            channel_id=1000,
            author_key=b"k" * 32,
            author_id=i,
            created_at=time.time(),
            edited=False,
            analysis=Analyzer().analyze("OpenAI should open source Sora"),
        )
        for i in range(count)
    ]
    with tempfile.TemporaryDirectory() as folder:
        async with await Store.open(Path(folder) / "write.db") as store:
            writer = bot_for(store).request_writer  # type: ignore[attr-defined]
            await writer.write(records[0])
            started = time.perf_counter()
            for record in records[1:]:
                await writer.write(record)
            return (time.perf_counter() - started) / (count - 1) * 1e6


def analysis_classes(contents: list[str]) -> dict[str, tuple[int, float]]:
    """Per outcome of the hot path: (messages, mean microseconds of analyze(score_all=False))."""
    analyzer = Analyzer()
    detector = analyzer._detector
    groups: dict[str, list[str]] = {
        "turned away on the raw text": [],
        "turned away after cleaning": [],
        "read, detector says no": [],
        "request (tone, category)": [],
    }
    names = list(groups)
    for text in contents:
        if not detector.could_be_request(text):
            groups[names[0]].append(text)
        elif not analyzer._may_be_request(text, clean_text(text)):
            groups[names[1]].append(text)
        else:
            request = analyzer.analyze(text, score_all=False).request
            groups[names[3 if request else 2]].append(text)
    timed: dict[str, tuple[int, float]] = {}
    for name, group in groups.items():
        started = time.perf_counter()
        for text in group:
            analyzer.analyze(text, score_all=False)
        elapsed = time.perf_counter() - started
        timed[name] = (len(group), elapsed / max(1, len(group)) * 1e6)
    return timed


async def where_the_time_goes(pools: Pools, count: int, seed: int, vader_us: float) -> None:
    contents = texts(pools, count, 0.05, seed=seed + 1)
    classes = analysis_classes(contents)
    floor = await watcher_floor(pools, count, seed + 2)
    requests = classes["request (tone, category)"][0]
    write = await write_cost()
    print(f"\nwhere the time goes, chat stream ({count:,} messages, 5% requests):")
    print(f"{'part':<38}{'messages':>9}{'us each':>9}{'us per chat msg':>17}")
    rows = [("watcher, analysis left out", count, floor)]
    rows += [(f"analysis: {name}", n, us) for name, (n, us) in classes.items()]
    rows.append(("RequestWriter.write (one request row)", requests, write))
    total = 0.0
    for name, n, us in rows:
        share = n / count * us
        total += share
        print(f"{name:<38}{n:>9,}{us:>9.1f}{share:>17.1f}")
    print(f"{'sum':<56}{total:>17.1f}")
    print(f"{'plain VADER (baseline), every message':<56}{vader_us:>17.1f}")
    print(f"{'budget for 5x VADER':<56}{vader_us / 5:>17.1f}")


def _row(name: str, rate: float, baseline: float, timings: list[float], target: str) -> str:
    ordered = sorted(timings)
    p99 = ordered[int(len(ordered) * 0.99)]
    return (
        f"{name:<34}{len(timings):>9,}{rate:>10,.0f}{rate / baseline:>8.2f}x{target:>8}"
        f"{statistics.median(ordered):>9.3f}{p99:>8.3f}{ordered[-1]:>9.1f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--requests-only", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pools = load_pools()
    chat = texts(pools, args.messages, 0.05, seed=args.seed)
    only = texts(pools, args.requests_only, 1.0, seed=args.seed)
    mean_chars = statistics.fmean(len(t) for t in chat)
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    print(
        f"pools: {len(pools.chatter):,} chatter, {len(pools.requests):,} requests; "
        f"chat stream mean {mean_chars:.0f} chars\n"
    )
    chat_vader = vader_rate(chat)
    only_vader = vader_rate(only)
    chat_rate, chat_ms, chat_logged = await clamor_run(pools, args.messages, 0.05, args.seed)
    only_rate, only_ms, only_logged = await clamor_run(pools, args.requests_only, 1.0, args.seed)
    bare_rate, bare_ms, _ = await clamor_run(
        pools, args.requests_only, 1.0, args.seed, previous_indexes=True
    )
    print(
        f"{'stream':<34}{'messages':>9}{'msg/s':>10}{'vs VADER':>9}{'target':>8}"
        f"{'p50 ms':>9}{'p99 ms':>8}{'max ms':>9}"
    )
    print(f"{'plain VADER, chat (baseline)':<34}{len(chat):>9,}{chat_vader:>10,.0f}")
    print(f"{'plain VADER, requests (baseline)':<34}{len(only):>9,}{only_vader:>10,.0f}")
    print(_row(f"Clamor, chat 5% ({chat_logged:,} logged)", chat_rate, chat_vader, chat_ms, ">=5x"))
    print(_row("Clamor, 100% requests", only_rate, only_vader, only_ms, ">=0.7x"))
    print(_row("Clamor, 100% req., schema-5 indexes", bare_rate, only_vader, bare_ms, ""))
    print(f"\nrequests logged on the 100% stream: {only_logged:,}; p99 target < 2 ms")
    await where_the_time_goes(pools, min(args.messages, 20_000), args.seed, 1e6 / chat_vader)
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
