"""A seeded synthetic chat stream for the ingest and memory benchmarks, and the bot-side objects
that take it the way the live bot does (no Discord: plain objects with the attributes the
watcher reads).

Chatter comes from the labelled corpus's non-requests and the VADER ground-truth tweets and
Amazon snippets (`../shared/data/vader-icwsm2014`, chat-length social text); requests from the
corpus's request messages. Each message gets a seeded guild, channel and author, and ids that
rise with time as Discord's snowflakes do.

Run as a script, it is the flood benchmark (issue 15, item 5): `--rate` messages a second for
`--seconds` (default 5,000 for 10 s, 5% requests) handed to `Watcher.on_message` each in a task
of its own, as discord.py dispatches a gateway event, on a real SQLite file; then plain VADER's
`polarity_scores` on the same messages the same way, as the baseline. For each: the messages
analysed a second (from the first message to the last one done), how many were shed, the event
loop's lag (a 5 ms timer's lateness: p99 and max), the most tasks waiting at once, the drain
time (from the last message offered to the last one done), the process's peak RSS so far and
the longest garbage collection (the lag also counts the time other processes hold the CPU).
`.venv/bin/python bench/stream.py` (about 40 s).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus.jsonl"
VADER_DATA = ROOT.parent / "shared" / "data" / "vader-icwsm2014"
CHATTER_FILES = ("tweets_GroundTruth.txt", "amazonReviewSnippets_GroundTruth.txt")
GUILDS = 10
CHANNELS_PER_GUILD = 5
DISCORD_EPOCH_MS = 1420070400000


@dataclass(frozen=True, slots=True)
class Pools:
    chatter: tuple[str, ...]
    requests: tuple[str, ...]


def load_pools() -> Pools:
    chatter: list[str] = []
    requests: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        (requests if item["request"] else chatter).append(item["text"])
    for name in CHATTER_FILES:
        text = (VADER_DATA / name).read_text(encoding="utf-8-sig")
        for row in text.splitlines():
            parts = row.split("\t", 2)
            if len(parts) == 3 and parts[2].strip():
                chatter.append(parts[2].strip())
    return Pools(tuple(chatter), tuple(requests))


def snowflake(at: float, sequence: int) -> int:
    return ((int(at * 1000) - DISCORD_EPOCH_MS) << 22) | (sequence & 0x3FFFFF)


def fake_message(message_id: int, guild: int, channel: int, author: int, content: str) -> object:
    """What the watcher reads of a discord.Message (a plain default-type member post)."""
    return SimpleNamespace(
        id=message_id,
        content=content,
        guild=SimpleNamespace(id=guild),
        channel=SimpleNamespace(id=channel, parent_id=None),
        author=SimpleNamespace(id=author, bot=False),
        webhook_id=None,
        type=SimpleNamespace(value=0),
        edited_at=None,
        reference=None,
        mentions=[],
        attachments=[],
        embeds=[],
        stickers=[],
        poll=None,
        message_snapshots=[],
    )


def stream(
    pools: Pools, count: int, request_share: float, *, seed: int = 7, start: float | None = None
) -> Iterator[object]:
    """`count` messages, `request_share` of them requests, about 20 a second from `start`
    (default: an hour ago, so every row is inside any retention)."""
    rnd = random.Random(seed)
    at = time.time() - 3600 if start is None else start
    for sequence in range(count):
        at += rnd.expovariate(20.0)
        pool = pools.requests if rnd.random() < request_share else pools.chatter
        guild = 1 + rnd.randrange(GUILDS)
        yield fake_message(
            snowflake(at, sequence),
            guild,
            guild * 1000 + rnd.randrange(CHANNELS_PER_GUILD),
            10_000 + rnd.randrange(5000),
            rnd.choice(pool),
        )


def texts(pools: Pools, count: int, request_share: float, *, seed: int = 7) -> list[str]:
    """The contents of `stream(...)` with the same arguments, for the baseline loop."""
    return [m.content for m in stream(pools, count, request_share, seed=seed)]  # type: ignore[attr-defined]


def bot_for(store: object, author_key: bytes = b"k" * 32) -> object:
    """The parts of ClamorBot the watcher uses: store, guild configs, request writer, key."""
    from bot.config import Settings
    from bot.guild_settings import GuildConfigs
    from bot.watch.rules import ConversationMemory, MessageTextWatch
    from bot.watch.service import WatchService
    from bot.watch.writer import RequestWriter

    settings = Settings(
        discord_token=None,
        db_path=Path("unused"),
        log_level="WARNING",
        dev_guild_id=None,
        digest_time="09:00",
        timezone="UTC",
    )
    configs = GuildConfigs(store, settings)  # type: ignore[arg-type]
    writer, conversations = RequestWriter(store, configs), ConversationMemory()  # type: ignore[arg-type]
    return SimpleNamespace(
        store=store,
        settings=settings,
        author_key=author_key,
        guild_configs=configs,
        request_writer=writer,
        watch_service=WatchService(store, configs, writer, conversations, author_key=author_key),  # type: ignore[arg-type]
        user=None,
        clock=time.time,
        message_text=MessageTextWatch(),
        conversations=conversations,
    )


# -- the flood benchmark ---------------------------------------------------------------------

TICK = 0.005  # the producer offers what is due every tick; the lag probe sleeps this long


@dataclass(frozen=True, slots=True)
class FloodRun:
    offered: int
    analysed: int
    shed: int
    seconds: float  # first message offered to the last one done
    drain: float  # last message offered to the last one done
    lag_p99_ms: float
    lag_max_ms: float
    peak_tasks: int
    rss_mb: float
    gc_max_ms: float
    rows: int = 0  # request rows written
    commits: int = 0  # transactions that wrote them


async def flood(
    messages: list[object], rate: float, handle: Callable[[object], Awaitable[None]]
) -> tuple[float, float, list[float], int]:
    """Offer `messages` at `rate` a second, each to `handle` in its own task; the seconds to
    the last one done, the drain time, the loop lag samples and the most tasks at once."""
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    running: set[asyncio.Task[None]] = set()
    peak = 0
    stop = asyncio.Event()

    async def probe() -> None:
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(TICK)
            lags.append(loop.time() - before - TICK)

    async def one(message: object) -> None:
        await handle(message)

    pauses.clear()
    prober = asyncio.create_task(probe())
    start = loop.time()
    offered = 0
    while offered < len(messages):
        due = min(len(messages), int((loop.time() - start) * rate) + 1)
        while offered < due:
            task = asyncio.create_task(one(messages[offered]))
            running.add(task)
            task.add_done_callback(running.discard)
            offered += 1
        peak = max(peak, len(running))
        await asyncio.sleep(TICK)
    last_offered = loop.time()
    while running:
        peak = max(peak, len(running))
        await asyncio.sleep(TICK)
    done = loop.time()
    stop.set()
    await prober
    return done - start, done - last_offered, lags, peak


pauses: list[float] = []  # seconds of each garbage collection during a flood
_gc_started = [0.0]


def _time_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        pauses.append(time.perf_counter() - _gc_started[0])


gc.callbacks.append(_time_gc)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def clamor_flood(messages: list[object], rate: float, warm: list[object]) -> FloodRun:
    from bot.client import keep_tables_out_of_gc
    from bot.store import Store
    from cogs.watcher import Watcher

    with tempfile.TemporaryDirectory() as folder:
        async with await Store.open(Path(folder) / "flood.db") as store:
            bot = bot_for(store)
            watcher = Watcher(bot)  # type: ignore[arg-type]
            for message in warm:  # the analyser's tables, the guild configs
                await watcher.on_message(message)  # type: ignore[arg-type]
            await watcher.flush()
            keep_tables_out_of_gc()  # as the bot does once its analyser warm-up is done
            stats = watcher.stats
            shed_before = getattr(stats, "shed", 0)
            handled_before = stats.handled
            logged_before = stats.logged
            writer = bot.request_writer  # type: ignore[attr-defined]
            # Before issue 15 the writer had no counter: one transaction a row.
            commits_before = getattr(writer, "commits", None)
            gc.collect()
            seconds, drain, lags, peak = await flood(messages, rate, watcher.on_message)  # type: ignore[arg-type]
            await watcher.flush()
            await writer.close()
            shed = getattr(stats, "shed", 0) - shed_before
            assert stats.handled - handled_before == len(messages)
            rows = stats.logged - logged_before
            commits = rows if commits_before is None else writer.commits - commits_before
    return FloodRun(
        len(messages),
        len(messages) - shed,
        shed,
        seconds,
        drain,
        percentile(lags, 0.99) * 1000,
        max(lags) * 1000,
        peak,
        peak_rss_mb(),
        max(pauses, default=0.0) * 1000,
        rows,
        commits,
    )


async def vader_flood(messages: list[object], rate: float) -> FloodRun:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()

    async def handle(message: object) -> None:
        vader.polarity_scores(message.content)  # type: ignore[attr-defined]

    gc.collect()
    seconds, drain, lags, peak = await flood(messages, rate, handle)
    return FloodRun(
        len(messages),
        len(messages),
        0,
        seconds,
        drain,
        percentile(lags, 0.99) * 1000,
        max(lags) * 1000,
        peak,
        peak_rss_mb(),
        max(pauses, default=0.0) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=5000.0, help="messages a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=float, default=0.05, help="share of requests")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    pools = load_pools()
    count = int(args.rate * args.seconds)
    # Fresh ids, a minute ago and after: every row is inside any retention.
    messages = list(stream(pools, count, args.requests, seed=args.seed, start=time.time() - 60))
    warm = list(stream(pools, 300, 0.5, seed=args.seed + 1000, start=time.time() - 3600))
    started_cpu = time.process_time()
    clamor = asyncio.run(clamor_flood(messages, args.rate, warm))
    clamor_cpu = time.process_time() - started_cpu
    started_cpu = time.process_time()
    vader = asyncio.run(vader_flood(messages, args.rate))
    vader_cpu = time.process_time() - started_cpu
    print(
        f"flood: {count:,} messages offered at {args.rate:,.0f}/s for {args.seconds:g} s, "
        f"{args.requests:.0%} requests; {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'':<14}{'analysed/s':>11}{'shed':>8}{'lag p99':>9}{'lag max':>9}"
        f"{'tasks':>8}{'drain':>8}{'CPU':>8}{'peak RSS':>10}{'GC max':>9}"
    )
    for name, run, cpu in (("Clamor", clamor, clamor_cpu), ("plain VADER", vader, vader_cpu)):
        print(
            f"{name:<14}{run.analysed / run.seconds:>11,.0f}{run.shed:>8,}"
            f"{run.lag_p99_ms:>7.1f}ms{run.lag_max_ms:>7.1f}ms{run.peak_tasks:>8,}"
            f"{run.drain:>7.2f}s{cpu:>7.1f}s{run.rss_mb:>8.0f}MB{run.gc_max_ms:>7.1f}ms"
        )
    print(
        f"request rows written live: {clamor.rows:,} in {clamor.commits:,} transactions "
        "(before issue 15: one each)"
    )
    print("targets: lag p99 <= 50 ms, no pause over 200 ms; what is shed is re-read by gap filling")


if __name__ == "__main__":
    main()
